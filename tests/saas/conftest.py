"""Fixtures of the SaaS API tests: the portal over HTTPS, a customer, and Microsoft's client pointed at the portal."""

import pytest

from tests.factories import UserFactory
from tests.saas.support import PortalCredential, portal_serve
from tests.storefront.factories import APP_ID


@pytest.fixture
def customer(db):
    return UserFactory(email="casey@customer.example")


@pytest.fixture
def portal_https(test_ca, settings, transactional_db):
    """The portal served over HTTPS with a certificate of the test CA; yields its base URL."""
    ca, _bundle = test_ca
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    base_url, stop = portal_serve(ca)
    yield base_url
    stop()


@pytest.fixture
def marketplace_clients(portal_https, test_ca):
    """Return ``clients(secret) -> (SaaSAPI, MeteringAPI)``: Microsoft's clients, unmodified, on the portal."""
    from azuremarketplace.microsoft.marketplace.meter import MeteringAPI
    from azuremarketplace.microsoft.marketplace.saas import SaaSAPI

    _ca, bundle = test_ca
    opened = []

    def clients(secret: str, client_id: str = APP_ID):
        credential = PortalCredential(f"{portal_https}/api/oauth2/token", client_id, secret, str(bundle))
        pair = (
            SaaSAPI(credential, base_url=f"{portal_https}/api", connection_verify=str(bundle), retry_total=0),
            MeteringAPI(credential, base_url=f"{portal_https}/api", connection_verify=str(bundle), retry_total=0),
        )
        opened.extend(pair)
        return pair

    yield clients
    for client in opened:
        client.close()
