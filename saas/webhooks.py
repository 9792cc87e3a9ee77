"""The connection webhook: each operation POSTed once (outbox) to the offer's webhook with a bearer JWT.

The JWT is signed by the portal (RS256, keys at ``/api/saas/jwks``), its audience is the offer's Entra application
ID and it carries a SHA-256 of the body, so the publisher can check the request came from the marketplace.
"""

import hashlib
import time
import uuid

from outbox.services import outbox_webhook
from saas import constants as c
from saas.documents import operation_document, subscription_document
from saas.keys import jwt_sign
from saas.models import Operation
from saas.selectors import offer_technical

WEBHOOK_SIGNER = "saas-connection-webhook"
WEBHOOK_ISSUER = "publisher-portal:saas"


def webhook_payload(operation: Operation) -> dict:
    """Return the documented webhook payload of an operation, with the subscription as it stands."""
    return {
        **operation_document(operation),
        "subscription": subscription_document(operation.subscription),
        "purchaseToken": None,
    }


def webhook_queue(operation: Operation) -> None:
    """Queue the operation for the offer's connection webhook, once per operation id (in the caller's transaction)."""
    subscription = operation.subscription
    technical = offer_technical(subscription.offer, test=subscription.is_test)
    url = technical.get("connection_webhook") or ""
    if not url:
        return
    outbox_webhook(
        key=f"saas-operation:{operation.pk}",
        url=url,
        payload=webhook_payload(operation),
        signer=WEBHOOK_SIGNER,
        meta={"audience": str(technical.get("app_id") or ""), "operation": str(operation.pk)},
        group=f"saas-subscription:{subscription.pk}",
        subject=f"{operation.action} {subscription.pk}",
    )


def webhook_sign(message, body: bytes) -> dict[str, str]:
    """Return ``Authorization: Bearer <JWT>`` for a webhook body, minted now (short-lived)."""
    now = int(time.time())
    token = jwt_sign(
        {
            "iss": WEBHOOK_ISSUER,
            "aud": (message.meta or {}).get("audience", ""),
            "sub": (message.meta or {}).get("operation", ""),
            "iat": now,
            "nbf": now,
            "exp": now + c.WEBHOOK_TOKEN_SECONDS,
            "jti": uuid.uuid4().hex,
            "body_sha256": hashlib.sha256(body).hexdigest(),
        }
    )
    return {"Authorization": f"Bearer {token}"}
