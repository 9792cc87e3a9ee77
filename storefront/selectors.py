"""Read-only queries of the storefront: the catalogue, listed offers, customers' subscriptions and purchases."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.http import Http404

from offers.models import Offer, Plan
from saas.selectors import usage_totals
from storefront.models import CatalogueEntry, ContactRequest, CustomerProfile, CustomerSubscription, Purchase

SEARCH_TERMS_MAX = 8


def email_registered(email: str) -> bool:
    """Whether a user (publisher, customer or staff) already signs in with this email."""
    return get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


def customer_profile(user) -> CustomerProfile | None:
    """Return the user's customer profile, or None when they never became a customer."""
    if not user.is_authenticated:
        return None
    return CustomerProfile.objects.filter(user=user).first()


def customer_subscription_ids(user) -> set[str]:
    """Return the Azure subscription IDs (lower case) the user registered as a customer."""
    if not user.is_authenticated:
        return set()
    return set(CustomerSubscription.objects.filter(profile__user=user).values_list("subscription_id", flat=True))


def customer_tenant_id(user) -> str:
    """Return the Microsoft Entra tenant ID the user registered as a customer, or an empty string."""
    if not user.is_authenticated:
        return ""
    return CustomerProfile.objects.filter(user=user).values_list("tenant_id", flat=True).first() or ""


def catalogue_entries() -> QuerySet[CatalogueEntry]:
    """Return the search rows of the listed offers (as of the last ``catalogue_sync``), newest first."""
    return CatalogueEntry.objects.filter(listed=True).order_by("-published_at", "-pk")


def catalogue_search(
    *, query: str = "", category: str = "", offer_type: str = "", storefront: str = "", sort: str = ""
) -> QuerySet[CatalogueEntry]:
    """Return the listed offers matching every word of the query (name, summary, keywords) and the filters."""
    entries = catalogue_entries()
    for term in query.lower().split()[:SEARCH_TERMS_MAX]:
        entries = entries.filter(search_text__contains=term)
    if category:
        entries = entries.filter(categories__contains=f"|{category}|")
    if offer_type:
        entries = entries.filter(offer_type=offer_type)
    if storefront:
        entries = entries.filter(storefronts__contains=f"|{storefront}|")
    if sort == "name":
        entries = entries.order_by("name", "pk")
    return entries


def offer_for_storefront(offer_pk: int) -> Offer:
    """Return an offer that was ever live (listed or removed), with its live snapshot; Http404 otherwise."""
    offer = Offer.objects.select_related("live_snapshot", "account").filter(pk=offer_pk).first()
    if offer is None or offer.live_snapshot_id is None:
        raise Http404
    return offer


def plan_statuses(offer: Offer) -> dict[str, str]:
    """Return the current status of each plan of the offer, by plan ID."""
    return dict(Plan.objects.filter(offer=offer).values_list("plan_id", "status"))


def customer_purchases(user) -> QuerySet[Purchase]:
    """Return the user's purchases, newest first, whatever became of the offer since."""
    return Purchase.objects.filter(customer=user).select_related("offer", "saas_subscription")


def customer_purchase(user, subscription_id) -> Purchase:
    purchase = customer_purchases(user).select_related("snapshot").filter(subscription_id=subscription_id).first()
    if purchase is None:
        raise Http404
    return purchase


def customer_contact_requests(user) -> QuerySet[ContactRequest]:
    """Return the user's contact requests, newest first, each with the listing name it was sent from."""
    return (
        ContactRequest.objects.filter(customer=user)
        .select_related("offer")
        .annotate(
            offer_name=KeyTextTransform("name", KeyTransform("offer_listing", KeyTransform("pages", "snapshot__data")))
        )
    )


def publisher_purchases(membership) -> QuerySet[Purchase]:
    """Return the purchases of the member's account's offers, newest first."""
    return Purchase.objects.filter(offer__account_id=membership.account_id).select_related("offer", "saas_subscription")


def publisher_contact_requests(membership) -> QuerySet[ContactRequest]:
    """Return the contact requests (leads) of the member's account's offers, newest first."""
    return ContactRequest.objects.filter(offer__account_id=membership.account_id).select_related("offer")


def purchases_with_usage(purchases) -> list[Purchase]:
    """Return the purchases as a list, each with ``usage``: [(dimension, total, events)] of its SaaS subscription."""
    rows = list(purchases)
    totals = usage_totals([p.saas_subscription_id for p in rows if p.saas_subscription_id])
    for purchase in rows:
        purchase.usage = totals.get(purchase.saas_subscription_id, [])
    return rows
