"""Listed offers built straight from snapshot JSON (fast), for catalogue, gating and query-count tests.

Tests of the whole path use tests.certification.support instead, which drives the real pipeline.
"""

import itertools

from offers.models import Offer, OfferSnapshot, Plan
from offers.snapshots import content_hash
from tests.factories import PublisherAccountFactory

APP_ID = "5d1c7a2e-3b8f-4c6d-9e0a-1f2b3c4d5e6f"
TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
SUBSCRIPTION = "4c9a1f2e-7b3d-4e8a-9f61-2d5c8b7a0e13"
_numbers = itertools.count(1)


def saas_plan(plan_id: str = "standard", *, name: str = "Standard", **data) -> dict:
    return {
        "plan_id": plan_id,
        "status": "draft",
        "data": {
            "name": name,
            "description": f"{name}: for growing teams.",
            "markets": ["US"],
            "visibility": "public",
            "restricted_audience": [],
            "pricing_model": "flat_rate",
            "billing_terms": ["P1M", "P1Y"],
            "price_p1m": "49.00",
            "price_p1y": "499.00",
            "free_trial": True,
            **data,
        },
    }


def azure_app_plan(plan_id: str = "managed", *, name: str = "Managed") -> dict:
    return {
        "plan_id": plan_id,
        "status": "draft",
        "data": {
            "name": name,
            "description": "Managed for you.",
            "markets": ["US"],
            "visibility": "public",
            "plan_type": "managed_application",
            "monthly_price": "199.00",
        },
    }


def snapshot_data(
    offer: Offer,
    *,
    name: str,
    summary: str = "A useful offer for businesses.",
    keywords: tuple[str, ...] = (),
    categories: tuple[str, ...] = ("Analytics",),
    storefronts: tuple[str, ...] = ("azure_marketplace",),
    setup: dict | None = None,
    plans: list[dict] | None = None,
    audience: list[str] | None = None,
    hide_key: str = "",
    landing_page_url: str = "https://contoso.example/activate",
) -> dict:
    """Return snapshot JSON shaped like offers.snapshots.snapshot_build for the offer's type."""
    listing = {
        "name": name,
        "search_results_summary": summary,
        "description": "<p>Does <strong>useful</strong> things.</p><script>alert(1)</script>",
        "support_url": "https://contoso.example/support",
        "privacy_policy_url": "https://contoso.example/privacy",
        "support_name": "Contoso Support",
        "support_email": "support@contoso.example",
        "support_phone": "+1 425 555 0100",
        **{f"search_keyword_{n}": word for n, word in enumerate(keywords, start=1)},
    }
    pages = {"offer_listing": listing, "offer_setup": setup or {}}
    if offer.offer_type == "consulting":
        pages["properties"] = {"primary_product": "azure", "service_type": "assessment"}
        pages["pricing_availability"] = {
            "markets": ["US"],
            "price_kind": "fixed",
            "price": "15000.00",
            "duration": 3,
            "duration_unit": "weeks",
            "hide_key": hide_key,
        }
        pages["offer_setup"] = setup or {"leads_destination": "https", "leads_https_url": "https://leads.example/x"}
    else:
        pages["properties"] = {"categories": list(categories), "primary_category": categories[0] if categories else ""}
    if audience is not None:
        pages["preview_audience"] = {"entries": audience}
    if offer.offer_type == "saas" and (setup or {}).get("sell_through_microsoft"):
        pages["technical_configuration"] = {
            "landing_page_url": landing_page_url,
            "connection_webhook": "https://contoso.example/webhook",
            "tenant_id": TENANT_ID,
            "app_id": APP_ID,
        }
    if offer.offer_type == "azure_application":
        pages["technical_configuration"] = {"tenant_id": TENANT_ID, "app_id": APP_ID}
    if plans is None:
        plans = {"saas": [saas_plan()], "azure_application": [azure_app_plan()]}.get(offer.offer_type, [])
        if offer.offer_type == "saas" and not (setup or {}).get("sell_through_microsoft"):
            plans = []
    return {
        "version": 1,
        "offer": {"id": offer.pk, "offer_id": offer.offer_id, "alias": offer.alias, "type": offer.offer_type},
        "account": {"id": offer.account_id},
        "pages": pages,
        "plans": plans,
        "files": {},
        "storefronts": list(storefronts),
        "requires_testing": False,
    }


def snapshot_store(offer: Offer, data: dict) -> OfferSnapshot:
    return OfferSnapshot.objects.create(offer=offer, data=data, content_hash=content_hash(data))


SELL_THROUGH_MICROSOFT = {"sell_through_microsoft": True, "leads_destination": ""}
CONTACT_ME = {
    "sell_through_microsoft": False,
    "listing_option": "contact_me",
    "leads_destination": "https",
    "leads_https_url": "https://leads.example/api/leads",
}


def new_offer(account=None, *, offer_type: str = "saas", offer_id: str = "") -> Offer:
    n = next(_numbers)
    return Offer.objects.create(
        account=account or PublisherAccountFactory(),
        offer_type=offer_type,
        offer_id=offer_id or f"offer-{n}",
        alias=f"Offer {n}",
    )


def live_offer(account=None, *, offer_type: str = "saas", offer_id: str = "", **snapshot) -> Offer:
    """Create an offer that is Live with a live snapshot built from the keyword arguments."""
    offer = new_offer(account, offer_type=offer_type, offer_id=offer_id)
    snapshot.setdefault("name", f"Listing {offer.offer_id}")
    if offer_type == "saas":
        snapshot.setdefault("setup", SELL_THROUGH_MICROSOFT)
    stored = snapshot_store(offer, snapshot_data(offer, **snapshot))
    for entry in stored.data["plans"]:
        plan = Plan.objects.create(offer=offer, plan_id=entry["plan_id"], data=entry["data"])
        plan.go_live()
        plan.save()
    offer.start_publishing()
    offer.publish_live(stored)
    offer.save()
    return offer


def preview_offer(account=None, *, offer_type: str = "saas", offer: Offer | None = None, **snapshot) -> Offer:
    """Create (or update) an offer whose preview snapshot is built from the keyword arguments."""
    offer = offer or new_offer(account, offer_type=offer_type)
    snapshot.setdefault("name", f"Preview {offer.offer_id}")
    if offer.offer_type == "saas":
        snapshot.setdefault("setup", SELL_THROUGH_MICROSOFT)
    stored = snapshot_store(offer, snapshot_data(offer, **snapshot))
    for entry in stored.data["plans"]:
        Plan.objects.get_or_create(offer=offer, plan_id=entry["plan_id"], defaults={"data": entry["data"]})
    offer.start_publishing()
    offer.preview_ready(stored)
    offer.save()
    return offer


def stop_selling(offer: Offer) -> None:
    """Complete a stop sell of a live offer (what the publisher's Stop selling and the beat job do)."""
    from django.utils import timezone

    offer.stop_selling()
    offer.save()
    offer.stop_sell_complete(timezone.now())
    offer.save()
