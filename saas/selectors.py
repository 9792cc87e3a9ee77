"""Read-only queries of SaaS subscriptions: scoped to the API caller's offer, the customer or the publisher."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from offers import constants as oc
from offers.models import Offer, OfferSnapshot, Plan
from offers.pricing import listing_plans
from offers.snapshots import snapshot_page_values
from saas.models import ApiCredential, Operation, Subscription, UsageEvent


def offer_snapshot(offer: Offer, *, test: bool = False) -> OfferSnapshot | None:
    """Return the snapshot customers buy from: the live one, or the preview one for a test (preview) purchase."""
    if test and offer.preview_snapshot_id:
        return offer.preview_snapshot
    return offer.live_snapshot or offer.preview_snapshot


def offer_technical(offer: Offer, *, test: bool = False) -> dict:
    """Return the technical configuration customers bought under (landing page, webhook, tenant, app ID)."""
    snapshot = offer_snapshot(offer, test=test)
    values = snapshot_page_values(snapshot.data) if snapshot else {}
    return values.get("technical_configuration") or {}


def plan_entries(offer: Offer, *, test: bool = False) -> dict[str, dict]:
    """Return the plans of the snapshot customers buy from, by plan ID (their data as published)."""
    snapshot = offer_snapshot(offer, test=test)
    plans = (snapshot.data.get("plans") if snapshot else None) or []
    return {entry.get("plan_id"): entry.get("data") or {} for entry in plans}


def plan_dimensions(offer: Offer, plan_id: str, *, test: bool = False) -> set[str]:
    """Return the IDs of the plan's metered dimensions as published."""
    data = plan_entries(offer, test=test).get(plan_id) or {}
    ids = (data.get(f"dimension_{n}_id") for n in range(1, oc.METERED_DIMENSIONS_MAX + 1))
    return {str(d) for d in ids if d}


def available_plans(subscription: Subscription) -> list[dict]:
    """Return the plans the subscription may move to (those customers of its tenant may buy), for the API."""
    offer = subscription.offer
    snapshot = offer_snapshot(offer, test=subscription.is_test)
    if snapshot is None:
        return []
    statuses = dict(Plan.objects.filter(offer=offer).values_list("plan_id", "status"))
    plans = listing_plans(
        snapshot.data, statuses=statuses, preview=subscription.is_test, tenant_id=subscription.tenant_id
    )
    return [
        {"planId": plan.plan_id, "displayName": plan.name, "isPrivate": plan.private}
        for plan in plans
        if not plan.stopping
    ]


def api_subscriptions(offer_id: int) -> QuerySet[Subscription]:
    """Return the subscriptions an API caller of this offer sees, oldest first (the list's page order)."""
    return Subscription.objects.filter(offer_id=offer_id).select_related("offer__account").order_by("created_at", "id")


def api_subscription(offer_id: int, subscription_id) -> Subscription:
    """Return one subscription of the caller's offer; PermissionDenied for another offer's (as the real API: 403)."""
    subscription = api_subscriptions(offer_id).filter(pk=subscription_id).first()
    if subscription is None:
        if Subscription.objects.filter(pk=subscription_id).exists():
            raise PermissionDenied
        raise Http404
    return subscription


def api_operation(offer_id: int, subscription_id, operation_id) -> Operation:
    operation = (
        Operation.objects.filter(pk=operation_id, subscription_id=subscription_id, subscription__offer_id=offer_id)
        .select_related("subscription__offer__account")
        .first()
    )
    if operation is None:
        api_subscription(offer_id, subscription_id)
        raise Http404
    return operation


def offer_credentials(offer: Offer) -> QuerySet[ApiCredential]:
    return ApiCredential.objects.filter(offer=offer).select_related("created_by")


def customer_subscription(user, subscription_id) -> Subscription:
    """Return one of the customer's subscriptions; Http404 for anyone else's."""
    subscription = (
        Subscription.objects.filter(customer=user, pk=subscription_id).select_related("offer__account").first()
    )
    if subscription is None:
        raise Http404
    return subscription


def subscription_operations(subscription: Subscription) -> QuerySet[Operation]:
    return subscription.operations.all()


def usage_totals(subscription_ids) -> dict:
    """Return {subscription id: [(dimension, total quantity, events)]} of the accepted usage of the subscriptions."""
    rows = (
        UsageEvent.objects.filter(subscription_id__in=list(subscription_ids))
        .values("subscription_id", "dimension")
        .annotate(total=Sum("quantity"), events=Count("id"))
        .order_by("subscription_id", "dimension")
    )
    totals: dict = {}
    for row in rows:
        totals.setdefault(row["subscription_id"], []).append((row["dimension"], row["total"], row["events"]))
    return totals
