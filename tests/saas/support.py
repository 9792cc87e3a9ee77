"""SaaS offers with metered plans, subscriptions and API credentials, and the portal served over HTTPS."""

import ssl
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests
from azure.core.credentials import AccessToken

from offers.models import OfferPage
from saas.credentials import credential_issue
from saas.services import subscription_open
from tests.storefront.factories import APP_ID, TENANT_ID, live_offer, saas_plan

METERED = {
    "pricing_model": "per_user",
    "min_seats": 1,
    "max_seats": 500,
    "dimension_1_id": "api-calls",
    "dimension_1_name": "API calls",
    "dimension_1_unit": "1,000 calls",
    "dimension_1_price": "0.50",
}


def saas_offer(account=None, *, webhook: str = "https://contoso.example/webhook", app_id: str = APP_ID, **snapshot):
    """Create a live SaaS offer sold through Microsoft with two metered per-user plans and its Entra app."""
    snapshot.setdefault(
        "plans", [saas_plan("standard", name="Standard", **METERED), saas_plan("premium", name="Premium", **METERED)]
    )
    offer = live_offer(account, **snapshot)
    technical = {
        "landing_page_url": "https://contoso.example/activate",
        "connection_webhook": webhook,
        "tenant_id": TENANT_ID,
        "app_id": app_id,
    }
    data = offer.live_snapshot.data
    data["pages"]["technical_configuration"] = technical
    offer.live_snapshot.data = data
    offer.live_snapshot.save(update_fields=["data"])
    OfferPage.objects.update_or_create(offer=offer, key="technical_configuration", defaults={"data": technical})
    return offer


def subscription_for(offer, customer, *, plan_id: str = "standard", quantity: int | None = 1):
    return subscription_open(
        offer=offer,
        plan_id=plan_id,
        name=f"{offer.alias} · {plan_id}",
        term_unit="P1M",
        customer=customer,
        email=customer.email,
        tenant_id=TENANT_ID,
        quantity=quantity,
    )


def secret_for(offer, by=None) -> str:
    return credential_issue(offer=offer, by=by)[1]


class PortalCredential:
    """An azure-core token credential that asks the portal's token endpoint (client credentials)."""

    def __init__(self, token_url: str, client_id: str, client_secret: str, verify: str):
        self.token_url, self.client_id, self.client_secret, self.verify = token_url, client_id, client_secret, verify

    def get_token(self, *scopes, **kwargs) -> AccessToken:
        answer = requests.post(
            self.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "scope": " ".join(scopes),
            },
            verify=self.verify,
            timeout=10,
        )
        answer.raise_for_status()
        body = answer.json()
        return AccessToken(body["access_token"], int(body["expires_on"]))


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _HttpsHandler(WSGIRequestHandler):
    def get_environ(self):
        environ = super().get_environ()
        environ["HTTPS"] = "on"
        environ["wsgi.url_scheme"] = "https"
        return environ

    def log_message(self, format, *args):
        pass


def portal_serve(ca):
    """Serve the portal over HTTPS on a free loopback port in a thread; return (base URL, stop)."""
    from django.core.wsgi import get_wsgi_application

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=_ThreadingWSGIServer, handler_class=_HttpsHandler
    )
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    return f"https://127.0.0.1:{server.server_address[1]}", stop
