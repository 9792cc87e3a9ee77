"""Reads of webhooks, always scoped to one publisher account."""

from django.db.models import OuterRef, QuerySet, Subquery

from outbox.models import OutboxAttempt
from webhooks.models import WebhookDelivery, WebhookEndpoint


def webhook_endpoints_of(account_id: int) -> QuerySet[WebhookEndpoint]:
    """Return the account's endpoints, oldest first."""
    return WebhookEndpoint.objects.filter(account_id=account_id).select_related("created_by")


def webhook_deliveries_of(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """Return the endpoint's deliveries, newest first, each with its message and its latest attempt's answer."""
    latest = OutboxAttempt.objects.filter(message_id=OuterRef("message_id")).order_by("-at", "-pk")
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("message")
        .annotate(
            last_at=Subquery(latest.values("at")[:1]),
            last_status=Subquery(latest.values("status_code")[:1]),
            last_duration=Subquery(latest.values("duration_ms")[:1]),
            last_excerpt=Subquery(latest.values("response_excerpt")[:1]),
            last_detail=Subquery(latest.values("detail")[:1]),
        )
    )


def webhook_deliveries_of_account(account_id: int) -> QuerySet[WebhookDelivery]:
    """Return every delivery to the account's endpoints."""
    return WebhookDelivery.objects.filter(endpoint__account_id=account_id)
