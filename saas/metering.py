"""The Metering API: usage events of metered dimensions, one per subscription, dimension and hour."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from saas import constants as c
from saas.documents import iso, usage_document
from saas.models import Subscription, UsageEvent
from saas.selectors import plan_dimensions


class UsageStatus:
    ACCEPTED = "Accepted"
    DUPLICATE = "Duplicate"
    EXPIRED = "Expired"
    RESOURCE_NOT_FOUND = "ResourceNotFound"
    INVALID_DIMENSION = "InvalidDimension"
    INVALID_QUANTITY = "InvalidQuantity"
    BAD_ARGUMENT = "BadArgument"


@dataclass
class UsageResult:
    """What became of one usage event: its status, the document to answer and, for a duplicate, the original."""

    status: str
    document: dict
    message: str = ""
    target: str = ""


def _echo(raw: dict, status: str, message: str, target: str) -> UsageResult:
    document = {
        "status": status,
        "messageTime": iso(timezone.now()),
        "resourceId": str(raw.get("resourceId") or ""),
        "quantity": raw.get("quantity"),
        "dimension": str(raw.get("dimension") or ""),
        "effectiveStartTime": raw.get("effectiveStartTime"),
        "planId": str(raw.get("planId") or ""),
        "error": {"code": status, "message": message, "target": target},
    }
    return UsageResult(status, document, message, target)


def _moment(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)


def usage_record(*, offer_id: int, raw) -> UsageResult:
    """Judge and record one usage event of the caller's offer; never raises on bad input."""
    return usage_record_batch(offer_id=offer_id, events=[raw])[0]


def _resource(raw) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw.get("resourceId") or raw.get("resourceUri") or ""))
    except (ValueError, AttributeError):
        return None


def usage_record_batch(*, offer_id: int, events: list) -> list[UsageResult]:
    """Judge and record usage events of the caller's offer in order; their subscriptions are read at once."""
    ids = {r for r in (_resource(raw) for raw in events if isinstance(raw, dict)) if r}
    subscriptions = {
        s.pk: s
        for s in Subscription.objects.filter(pk__in=ids, offer_id=offer_id)
        .exclude(status=Subscription.Status.UNSUBSCRIBED)
        .select_related("offer__live_snapshot", "offer__preview_snapshot")
    }
    dimensions: dict = {}
    return [_record(raw, subscriptions, dimensions) for raw in events]


def _record(raw, subscriptions: dict, dimensions: dict) -> UsageResult:
    if not isinstance(raw, dict):
        return _echo({}, UsageStatus.BAD_ARGUMENT, _("A usage event is a JSON object."), "usageEvent")
    resource = _resource(raw)
    if resource is None:
        return _echo(raw, UsageStatus.BAD_ARGUMENT, _("The resourceId is required."), "resourceId")
    quantity = raw.get("quantity")
    try:
        amount = None if isinstance(quantity, bool) else Decimal(str(quantity))
    except InvalidOperation:
        amount = None
    if amount is not None and amount.is_finite() and 0 < amount <= c.QUANTITY_MAX:
        amount = amount.quantize(Decimal("0.000001"))
    if amount is None or not amount.is_finite() or amount <= 0 or amount > c.QUANTITY_MAX:
        return _echo(raw, UsageStatus.INVALID_QUANTITY, _("The quantity must be a number above 0."), "quantity")
    start = _moment(raw.get("effectiveStartTime"))
    if start is None:
        return _echo(raw, UsageStatus.BAD_ARGUMENT, _("The effectiveStartTime is required."), "effectiveStartTime")
    now = timezone.now()
    if start < now - timedelta(hours=c.USAGE_MAX_AGE_HOURS) or start > now + timedelta(minutes=5):
        return _echo(raw, UsageStatus.EXPIRED, _("The usage event is older than 24 hours."), "effectiveStartTime")
    subscription = subscriptions.get(resource)
    if subscription is None or subscription.is_pending:
        return _echo(
            raw, UsageStatus.RESOURCE_NOT_FOUND, _("No active subscription has this resourceId."), "resourceId"
        )
    plan_id, dimension = str(raw.get("planId") or ""), str(raw.get("dimension") or "")
    if plan_id != subscription.plan_id:
        return _echo(raw, UsageStatus.INVALID_DIMENSION, _("The planId is not the subscription's plan."), "planId")
    known = (subscription.offer_id, plan_id, subscription.is_test)
    if known not in dimensions:
        dimensions[known] = plan_dimensions(subscription.offer, plan_id, test=subscription.is_test)
    if dimension not in dimensions[known]:
        return _echo(raw, UsageStatus.INVALID_DIMENSION, _("The plan has no such metered dimension."), "dimension")
    hour = start.replace(minute=0, second=0, microsecond=0)
    try:
        with transaction.atomic():
            event = UsageEvent.objects.create(
                subscription=subscription,
                plan_id=plan_id,
                dimension=dimension,
                quantity=amount,
                effective_start_time=start,
                hour=hour,
            )
    except IntegrityError:
        original = UsageEvent.objects.get(subscription=subscription, dimension=dimension, hour=hour)
        return UsageResult(
            UsageStatus.DUPLICATE,
            usage_document(original, status=UsageStatus.DUPLICATE),
            _("This usage event already exists."),
            "usageEventRequest",
        )
    return UsageResult(UsageStatus.ACCEPTED, usage_document(event))
