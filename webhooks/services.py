"""Webhooks: emit an event to the account's endpoints, manage endpoints, redeliver, disable endpoints that keep failing.

An event is emitted inside the transaction of the change that causes it: one outbox message per enabled endpoint
subscribed to its type, keyed by endpoint and event id, so no event id is ever delivered twice to an endpoint.
Messages about one offer to one endpoint share an outbox group and are delivered in the order they were emitted.
"""

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import DateTimeField, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from outbox.links import absolute_url
from outbox.models import OutboxAttempt, OutboxMessage
from outbox.services import OutboxRefused, outbox_email, outbox_give_up, outbox_requeue, outbox_webhook
from webhooks.models import WebhookDelivery, WebhookEndpoint, webhook_secret_new
from webhooks.signing import SIGNER

logger = logging.getLogger(__name__)

ROTATION_GRACE = timedelta(hours=24)


class WebhookRefused(Exception):
    """An action on an endpoint or delivery that its state does not allow; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


# -- events -----------------------------------------------------------------------------------------------------


def webhook_event_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


# Inside ``webhook_endpoints_memo``: each account's enabled endpoints, read once (None outside the block).
_ENDPOINTS: ContextVar[dict | None] = ContextVar("webhook_endpoints_memo", default=None)
# Inside ``webhook_endpoints_turn``: the accounts found with no enabled endpoint (None outside the block).
_ABSENT: ContextVar[set | None] = ContextVar("webhook_endpoints_absent", default=None)


@contextmanager
def webhook_endpoints_memo() -> Iterator[None]:
    """Read each account's endpoints once for the whole block (one transaction of a busy writer, such as the
    pipeline recording one step and starting the next): call it inside the transaction, so what is read is what
    the transaction sees. Inside a block already, the outer block's reads serve."""
    if _ENDPOINTS.get() is not None:
        yield
        return
    token = _ENDPOINTS.set({})
    try:
        yield
    finally:
        _ENDPOINTS.reset(token)


@contextmanager
def webhook_endpoints_turn() -> Iterator[None]:
    """For a short run of transactions (one task of the pipeline, at most PIPELINE_TURN seconds): an account found
    with no enabled endpoint is not asked again. An endpoint added meanwhile receives events from the next run on;
    an account with endpoints is still read in each transaction, so no event goes to an endpoint deleted meanwhile."""
    token = _ABSENT.set(set())
    try:
        yield
    finally:
        _ABSENT.reset(token)


def _endpoints_enabled(account_id) -> list[WebhookEndpoint]:
    if not isinstance(account_id, int):
        return list(WebhookEndpoint.objects.filter(account_id=account_id, enabled=True))
    absent, memo = _ABSENT.get(), _ENDPOINTS.get()
    if absent is not None and account_id in absent:
        return []
    if memo is not None and account_id in memo:
        return memo[account_id]
    endpoints = list(WebhookEndpoint.objects.filter(account_id=account_id, enabled=True))
    if memo is not None:
        memo[account_id] = endpoints
    if absent is not None and not endpoints:
        absent.add(account_id)
    return endpoints


def webhook_emit(*, account, event_type: str, offer=None, data: dict | Callable[[], dict]) -> str | None:
    """Queue the event for every enabled endpoint of the account subscribed to its type; return its event id.

    Call inside the transaction of the change: the messages are handed to workers when it commits, and vanish
    with it if it rolls back. ``data`` and ``offer`` may be functions, called only when an endpoint subscribes;
    ``account`` may be a query expression of the account's id. Returns None when no endpoint subscribes (nothing
    is written, one query).
    """
    account_id = getattr(account, "pk", account)
    endpoints = [e for e in _endpoints_enabled(account_id) if e.subscribes_to(event_type)]
    if not endpoints:
        return None
    event_id = webhook_event_id()
    payload = {"type": event_type, "timestamp": timezone.now().isoformat(), "data": data() if callable(data) else data}
    if callable(offer):
        offer = offer()
    offer_id = getattr(offer, "pk", offer)
    for endpoint in endpoints:
        message = outbox_webhook(
            key=f"webhook:{endpoint.pk}:{event_id}",
            url=endpoint.url,
            payload=payload,
            signer=SIGNER,
            meta={"endpoint": endpoint.pk, "event_id": event_id},
            group=f"webhook:{endpoint.pk}:offer:{offer_id}" if offer_id else f"webhook:{endpoint.pk}",
            subject=event_type,
        )
        WebhookDelivery.objects.create(
            endpoint=endpoint, message=message, event_id=event_id, event_type=event_type, offer_id=offer_id
        )
    return event_id


# -- endpoints --------------------------------------------------------------------------------------------------


def _owner(by: Membership) -> None:
    if not Membership.objects.filter(pk=by.pk, role=Membership.Role.OWNER).exists():
        raise PermissionDenied(_("Only Owners of the account manage its webhooks."))


def _endpoint_lock(by: Membership, endpoint_id: int) -> WebhookEndpoint:
    _owner(by)
    return WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id, account_id=by.account_id)


@transaction.atomic
def webhook_endpoint_create(
    *, by: Membership, url: str, event_types: list[str], description: str = ""
) -> WebhookEndpoint:
    """Add an endpoint to the Owner's account, with a new secret; the caller validated the URL."""
    _owner(by)
    return WebhookEndpoint.objects.create(
        account_id=by.account_id,
        url=url,
        event_types=sorted(set(event_types)),
        description=description,
        created_by=by.user,
    )


@transaction.atomic
def webhook_endpoint_rotate(*, by: Membership, endpoint_id: int) -> WebhookEndpoint:
    """Give the endpoint a new secret; the previous one signs too for a day, so receivers switch without a gap."""
    endpoint = _endpoint_lock(by, endpoint_id)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + ROTATION_GRACE
    endpoint.secret = webhook_secret_new()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    return endpoint


@transaction.atomic
def webhook_endpoint_enable(*, by: Membership, endpoint_id: int, enabled: bool) -> WebhookEndpoint:
    """Enable or disable an endpoint; disabling gives up its pending deliveries (they can be redelivered later)."""
    endpoint = _endpoint_lock(by, endpoint_id)
    if enabled:
        endpoint.enabled, endpoint.disabled_reason, endpoint.failing_since = True, "", None
        endpoint.failures_counted_from = timezone.now()
    else:
        endpoint.enabled, endpoint.disabled_reason = False, _("Disabled by %(who)s.") % {"who": _who(by.user)}
        _give_up_pending(endpoint, endpoint.disabled_reason)
    endpoint.save(update_fields=["enabled", "disabled_reason", "failing_since", "failures_counted_from"])
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, by: Membership, endpoint_id: int) -> None:
    """Delete an endpoint and its delivery log; what it had pending is given up, never sent."""
    endpoint = _endpoint_lock(by, endpoint_id)
    _give_up_pending(endpoint, _("The webhook endpoint was deleted."))
    endpoint.delete()


def _give_up_pending(endpoint: WebhookEndpoint, reason: str) -> None:
    pending = OutboxMessage.objects.filter(webhook_delivery__endpoint=endpoint, state=OutboxMessage.State.PENDING)
    for message_id in pending.values_list("pk", flat=True):
        outbox_give_up(message_id=message_id, error=reason)


def _who(user) -> str:
    return user.get_full_name() or user.email


@transaction.atomic
def webhook_redeliver(*, by: Membership, delivery_id: int) -> WebhookDelivery:
    """Queue a failed or pending delivery of the Owner's account again; a sent one is refused."""
    _owner(by)
    delivery = WebhookDelivery.objects.select_related("endpoint").get(
        pk=delivery_id, endpoint__account_id=by.account_id
    )
    if not delivery.endpoint.enabled:
        raise WebhookRefused(_("Enable the endpoint before redelivering to it."))
    try:
        outbox_requeue(message_id=delivery.message_id)
    except OutboxRefused as refused:
        raise WebhookRefused(refused.message) from refused
    return delivery


# -- endpoints that keep failing --------------------------------------------------------------------------------


def webhook_endpoints_failing_check(*, now=None) -> int:
    """Record since when each enabled endpoint fails; disable those failing for WEBHOOK_DISABLE_AFTER_DAYS and
    email the account's Owners. Return how many were disabled (run by celery beat).

    An endpoint fails from its first failed attempt after its last successful one (and after it was last enabled
    again); a success clears it.
    """
    now = now or timezone.now()
    limit = timedelta(days=getattr(settings, "WEBHOOK_DISABLE_AFTER_DAYS", 5))
    attempts = OutboxAttempt.objects.filter(message__webhook_delivery__endpoint=OuterRef("pk"))
    last_ok = attempts.filter(ok=True).order_by("-at").values("at")[:1]
    epoch = Value(timezone.make_aware(timezone.datetime(1970, 1, 1)), output_field=DateTimeField())
    first_failure = (
        attempts.filter(ok=False, at__gt=Coalesce(OuterRef("last_ok"), epoch))
        .filter(at__gt=Coalesce(OuterRef("failures_counted_from"), epoch))
        .values("message__webhook_delivery__endpoint")
        .annotate(first=Min("at"))
        .values("first")
    )
    endpoints = WebhookEndpoint.objects.filter(enabled=True).annotate(
        last_ok=Subquery(last_ok), first_failure=Subquery(first_failure)
    )
    disabled = 0
    for endpoint in endpoints:
        if endpoint.first_failure != endpoint.failing_since:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=endpoint.first_failure)
        if endpoint.first_failure is not None and now - endpoint.first_failure >= limit:
            disabled += _disable_failing(endpoint.pk, endpoint.first_failure, limit)
    return disabled


@transaction.atomic
def _disable_failing(endpoint_id: int, failing_since, limit: timedelta) -> int:
    endpoint = WebhookEndpoint.objects.select_for_update().select_related("account").get(pk=endpoint_id)
    if not endpoint.enabled:
        return 0
    days = limit.days
    endpoint.enabled = False
    endpoint.failing_since = failing_since
    endpoint.disabled_reason = _("Disabled automatically: every delivery failed for %(days)d days.") % {"days": days}
    endpoint.save(update_fields=["enabled", "failing_since", "disabled_reason"])
    _give_up_pending(endpoint, endpoint.disabled_reason)
    outbox_email(
        key=f"webhook-endpoint:{endpoint.pk}:disabled:{failing_since:%Y%m%d%H%M%S}",
        to=_owner_emails(endpoint.account_id),
        template="webhooks/email/endpoint_disabled",
        context={
            "endpoint": endpoint,
            "account": endpoint.account,
            "days": days,
            "failing_since": failing_since,
            "webhooks_url": absolute_url(reverse("webhooks:endpoint", args=[endpoint.pk])),
        },
    )
    logger.warning("webhooks: endpoint %s disabled after failing since %s", endpoint.pk, failing_since)
    return 1


def _owner_emails(account_id: int) -> list[str]:
    return sorted(
        Membership.objects.filter(account_id=account_id, role=Membership.Role.OWNER)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
