"""The Standard Webhooks signer: the headers of a webhook, computed by the outbox when it sends it.

``webhook-id`` is the event id (the same on every retry, so receivers drop duplicates), ``webhook-timestamp`` the
moment of this attempt and ``webhook-signature`` ``v1,<base64 HMAC-SHA256>`` of ``id.timestamp.body`` with the
endpoint's secret; during a rotation's grace period the previous secret signs too (space-separated signatures).
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from webhooks.models import WebhookEndpoint

SIGNER = "standard-webhooks"


class EndpointUnavailable(Exception):
    """The endpoint of a queued webhook was deleted or disabled: nothing is sent to it."""


def webhook_sign(message, body: bytes) -> dict[str, str]:
    """Return the Standard Webhooks headers of an outbox message for this exact body."""
    endpoint = WebhookEndpoint.objects.filter(pk=message.meta.get("endpoint")).first()
    if endpoint is None:
        raise EndpointUnavailable(_("The webhook endpoint was deleted."))
    if not endpoint.enabled:
        raise EndpointUnavailable(_("The webhook endpoint is disabled."))
    now = timezone.now()
    event_id = message.meta["event_id"]
    secrets = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now:
        secrets.append(endpoint.previous_secret)
    signatures = " ".join(Webhook(secret).sign(event_id, now, body) for secret in secrets)
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signatures,
    }
