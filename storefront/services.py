"""Services of the storefront: customers, purchases and their landing tokens, contact requests, search rows."""

import uuid
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.security import self_sign_up_mark
from offers.constants import PricingModel
from offers.leads import lead_payload
from offers.listing import ActionKind, listing_action, listing_categories, listing_keywords, price_label
from offers.models import Offer, OfferSnapshot
from offers.pricing import listing_plans
from offers.snapshots import snapshot_page_values
from outbox.services import outbox_lead_queue
from saas.services import marketplace_token, subscription_open
from storefront.models import CatalogueEntry, ContactRequest, CustomerProfile, CustomerSubscription, Purchase
from storefront.selectors import customer_subscription_ids, customer_tenant_id, plan_statuses

User = get_user_model()

AZURE_OFFER_TYPES = ("azure_application", "azure_vm")
SAAS_OFFER_TYPE = "saas"  # sold through Microsoft: each purchase is a SaaS subscription of the Fulfillment API


class AcquisitionRefused(Exception):
    """A purchase or contact request that the listing does not allow; nothing was recorded."""


# -- customers ------------------------------------------------------------------------------------------------


@transaction.atomic
def customer_sign_up(*, email: str, password: str, full_name: str = "", company: str = "") -> CustomerProfile:
    """Create a user who is a marketplace customer (not a member of any publisher account)."""
    first, _sep, last = full_name.strip().partition(" ")
    email = email.strip().lower()
    user = User(username=email, email=email, first_name=first, last_name=last)
    user.set_password(password)
    self_sign_up_mark(user)  # the email is verified by a link (the view sends it), not on creation
    user.save()
    return CustomerProfile.objects.create(user=user, company=company)


def customer_profile_ensure(user) -> CustomerProfile:
    """Return the user's customer profile, creating it: any user, publisher or not, can become a customer."""
    profile, _created = CustomerProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def customer_profile_update(*, user, company: str, tenant_id: str, subscription_ids: list[str]) -> CustomerProfile:
    """Save the customer's company, Entra tenant ID and the exact set of their Azure subscription IDs."""
    profile = customer_profile_ensure(user)
    profile.company = company
    profile.tenant_id = (tenant_id or "").lower()
    profile.save(update_fields=["company", "tenant_id"])
    wanted = {s.lower() for s in subscription_ids}
    profile.subscriptions.exclude(subscription_id__in=wanted).delete()
    have = set(profile.subscriptions.values_list("subscription_id", flat=True))
    CustomerSubscription.objects.bulk_create(
        CustomerSubscription(profile=profile, subscription_id=s) for s in sorted(wanted - have)
    )
    return profile


# -- acquisitions -----------------------------------------------------------------------------------------------


def _ensure_on_sale(offer: Offer, snapshot: OfferSnapshot, *, preview: bool) -> None:
    """Refuse an acquisition from a snapshot that is no longer what the storefront shows."""
    if preview:
        if offer.preview_snapshot_id != snapshot.pk:
            raise AcquisitionRefused(_("This preview has been replaced; open the new preview link."))
        return
    if not offer.listed or offer.live_snapshot_id != snapshot.pk:
        raise AcquisitionRefused(_("This offer is no longer available in the marketplace."))
    if offer.status == Offer.Status.PENDING_STOP_SELL:
        raise AcquisitionRefused(_("This offer is being removed from the marketplace and can no longer be acquired."))


@transaction.atomic
def purchase_create(
    *,
    offer_id: int,
    snapshot: OfferSnapshot,
    plan_id: str,
    customer,
    term: str = "",
    azure_subscription_id: str = "",
    preview: bool = False,
) -> Purchase:
    """Buy a plan of the listing shown from ``snapshot``; a preview purchase is a test acquisition."""
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    _ensure_on_sale(offer, snapshot, preview=preview)
    data = snapshot.data
    if listing_action(data).kind != ActionKind.BUY:
        raise AcquisitionRefused(_("This offer is not sold through the marketplace."))
    subscriptions = customer_subscription_ids(customer)
    tenant_id = customer_tenant_id(customer)
    plans = listing_plans(
        data, statuses=plan_statuses(offer), preview=preview, tenant_id=tenant_id, subscription_ids=subscriptions
    )
    plan = next((p for p in plans if p.plan_id == plan_id), None)
    if plan is None:
        raise AcquisitionRefused(_("This plan is not available."))
    if plan.stopping:
        raise AcquisitionRefused(_("This plan is no longer sold."))
    chosen = next((t for t in plan.terms if t[0] == term), None) if term else (plan.terms[0] if plan.terms else None)
    if chosen is None:
        raise AcquisitionRefused(_("Choose one of the plan's billing terms."))
    azure_subscription_id = (azure_subscription_id or "").lower()
    if azure_subscription_id and azure_subscription_id not in subscriptions:
        raise AcquisitionRefused(_("Choose one of the Azure subscriptions you registered."))
    if not azure_subscription_id and offer.offer_type in AZURE_OFFER_TYPES:
        raise AcquisitionRefused(_("Choose the Azure subscription to deploy into."))
    listing = snapshot_page_values(data).get("offer_listing") or {}
    customer_profile_ensure(customer)
    offer_name = (listing.get("name") or offer.alias)[:200]
    subscription = None
    if offer.offer_type == SAAS_OFFER_TYPE:
        subscription = _saas_subscription_open(offer, snapshot, plan, chosen[0], customer, tenant_id, preview)
    return Purchase.objects.create(
        subscription_id=subscription.pk if subscription else uuid.uuid4(),
        saas_subscription=subscription,
        offer=offer,
        snapshot=snapshot,
        offer_name=offer_name,
        plan_id=plan.plan_id,
        plan_name=plan.name[:200],
        billing_term=chosen[0],
        price=chosen[2],
        customer=customer,
        customer_email=customer.email,
        azure_subscription_id=azure_subscription_id,
        tenant_id=tenant_id,
        preview=preview,
    )


def _saas_subscription_open(offer, snapshot, plan, term, customer, tenant_id, preview):
    entry = next((p for p in snapshot.data.get("plans") or [] if p.get("plan_id") == plan.plan_id), {})
    plan_data = entry.get("data") or {}
    per_user = plan_data.get("pricing_model") == PricingModel.PER_USER
    listing = snapshot_page_values(snapshot.data).get("offer_listing") or {}
    return subscription_open(
        offer=offer,
        plan_id=plan.plan_id,
        name=f"{listing.get('name') or offer.alias} · {plan.name}",
        term_unit=term or "P1M",
        customer=customer,
        email=customer.email,
        tenant_id=tenant_id,
        quantity=(plan_data.get("min_seats") or 1) if per_user else None,
        is_test=preview,
        is_free_trial=bool(plan_data.get("free_trial")),
    )


def landing_page_url(purchase: Purchase, *, with_token: bool = True) -> str:
    """Return the publisher's landing page for the purchase, with a fresh ``?token=`` while it awaits activation."""
    technical = snapshot_page_values(purchase.snapshot.data).get("technical_configuration") or {}
    url = technical.get("landing_page_url") or ""
    subscription = purchase.saas_subscription
    if not url or not with_token or subscription is None or not subscription.is_pending:
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "token"]
    query.append(("token", marketplace_token(subscription)))
    return urlunsplit(parts._replace(query=urlencode(query)))


# -- contact requests (leads) ---------------------------------------------------------------------------------


@transaction.atomic
def contact_request_create(
    *, offer_id: int, snapshot: OfferSnapshot, customer, data: dict, preview: bool = False
) -> ContactRequest:
    """Record a Contact me request and queue its lead in the outbox; a worker delivers it once the transaction commits."""
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    _ensure_on_sale(offer, snapshot, preview=preview)
    if listing_action(snapshot.data).kind != ActionKind.CONTACT:
        raise AcquisitionRefused(_("This offer does not take contact requests."))
    lead_id = f"{'PREVIEW_' if preview else ''}LEAD_{uuid.uuid4().hex}"
    request = ContactRequest.objects.create(
        lead_id=lead_id,
        offer=offer,
        snapshot=snapshot,
        customer=customer if customer is not None and customer.is_authenticated else None,
        name=data["name"],
        email=data["email"],
        company=data.get("company") or "",
        phone=data.get("phone") or "",
        country=data.get("country") or "",
        message=data.get("message") or "",
        preview=preview,
        outbox_key=f"storefront:lead:{lead_id}",
    )
    setup = snapshot_page_values(snapshot.data).get("offer_setup") or {}
    outbox_lead_queue(key=request.outbox_key, setup=setup, payload=contact_request_lead_payload(request))
    return request


def contact_request_lead_payload(request: ContactRequest) -> dict:
    """Return the lead document of a contact request, as the publisher's destination receives it."""
    customer = {"name": request.name, "email": request.email, "company": request.company}
    if request.phone:
        customer["phone"] = request.phone
    if request.country:
        customer["country"] = request.country
    payload = lead_payload(request.offer, lead_id=request.lead_id, customer=customer, description=request.message)
    payload.update(createdAt=request.created_at.isoformat(), source="marketplace", preview=request.preview)
    return payload


# -- the catalogue's search rows ----------------------------------------------------------------------------------


def catalogue_entry_values(offer: Offer, snapshot: OfferSnapshot) -> dict:
    """Return the search row of an offer's live snapshot: what the catalogue filters, searches and shows."""
    data = snapshot.data
    listing = snapshot_page_values(data).get("offer_listing") or {}
    name = listing.get("name") or offer.alias
    summary = listing.get("search_results_summary") or ""
    words = [name, summary, *listing_keywords(listing)]
    logo = listing.get("large_logo")
    return {
        "snapshot": snapshot,
        "offer_type": offer.offer_type,
        "name": name[:200],
        "summary": summary[:300],
        "publisher": offer.account.name[:200],
        "search_text": " ".join(words).lower(),
        "categories": "|" + "|".join(listing_categories(data)) + "|",
        "storefronts": "|" + "|".join(data.get("storefronts") or []) + "|",
        "logo": str(logo) if isinstance(logo, int) and not isinstance(logo, bool) else "",
        "price_label": price_label(data)[:100],
        "published_at": offer.updated_at or timezone.now(),
        "listed": True,
    }


CATALOGUE_FIELDS = [
    "snapshot",
    "offer_type",
    "name",
    "summary",
    "publisher",
    "search_text",
    "categories",
    "storefronts",
    "logo",
    "price_label",
    "published_at",
    "listed",
]

# The catalogue's rows follow each listing change as it is saved (``catalogue_entry_sync``, on the Offer's
# post_save, in the same transaction); the catalogue reads them and never checks on read. ``catalogue_sync``
# below is the repair run by beat (``storefront.tasks.catalogue_repair``) and after loading data: while the
# newest offer change is younger than this, it checks every row, so a transaction that commits late is never missed.
CATALOGUE_SETTLE_SECONDS = 120
_synced_through: list = [None]  # per process: the newest Offer.updated_at a settled full check has seen


def catalogue_entry_sync(offer: Offer) -> bool:
    """Make the offer's search row match its listing now (listed from its live snapshot, or unlisted); return
    whether a row was written. One query when the row is already current (the saves that change no listing)."""
    if offer.live_snapshot_id is None or offer.delisted_at is not None:
        return CatalogueEntry.objects.filter(offer_id=offer.pk, listed=True).update(listed=False) > 0
    if CatalogueEntry.objects.filter(offer_id=offer.pk, snapshot_id=offer.live_snapshot_id, listed=True).exists():
        return False
    values = catalogue_entry_values(offer, offer.live_snapshot)
    CatalogueEntry.objects.update_or_create(offer_id=offer.pk, defaults=values)
    return True


def catalogue_sync(*, force: bool = False) -> int:
    """Bring the search rows in line with the offers' live snapshots; return how many rows were written.

    One indexed query when no offer changed since the last settled check; otherwise a full check in a fixed
    number of queries, whatever the number of offers.
    """
    latest = Offer.objects.aggregate(latest=Max("updated_at"))["latest"]
    settled = latest is None or latest < timezone.now() - timedelta(seconds=CATALOGUE_SETTLE_SECONDS)
    if settled and not force and _synced_through[0] == latest:
        return 0
    written = catalogue_sync_all()
    if settled:
        _synced_through[0] = latest
    return written


@transaction.atomic
def catalogue_sync_all() -> int:
    """Write the rows of listed offers that are missing or behind; unlist the rows of offers no longer listed."""
    current = CatalogueEntry.objects.filter(offer=OuterRef("pk"), snapshot=OuterRef("live_snapshot"), listed=True)
    stale = list(
        Offer.objects.filter(live_snapshot__isnull=False, delisted_at__isnull=True)
        .filter(~Exists(current))
        .select_related("live_snapshot", "account")
        .order_by("pk")
    )
    if stale:
        rows = [CatalogueEntry(offer=offer, **catalogue_entry_values(offer, offer.live_snapshot)) for offer in stale]
        CatalogueEntry.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["offer"], update_fields=CATALOGUE_FIELDS
        )
    still_listed = Offer.objects.filter(
        pk=OuterRef("offer_id"), live_snapshot=OuterRef("snapshot"), delisted_at__isnull=True
    )
    CatalogueEntry.objects.filter(listed=True).filter(~Exists(still_listed)).update(listed=False)
    return len(stale)
