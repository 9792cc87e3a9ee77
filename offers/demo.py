"""Demo offers for `make run`: one of each type, filled through the real forms to different stages."""

from django.db import transaction

from offers.models import Offer
from offers.pages import OfferState
from offers.samples import listing, misc, plans
from offers.samples.plans import plan_data
from offers.services import offer_create, page_save, plan_create
from outbox.sandbox import sandbox_addresses


def _sample(offer_type: str, key: str):

    for module in (misc, listing, plans):
        try:
            return module.page_data(offer_type, key)
        except (KeyError, ValueError, LookupError):
            continue
    raise LookupError(f"no sample for {offer_type}:{key}")


# The samples' outside addresses (the landing page, webhook and leads fields are pointed by name).
SAMPLE_SITES = ("https://contoso.example/", "https://www.contoso.example/")
SANDBOX_FIELDS = ("landing_page_url", "connection_webhook", "leads_https_url")


def demo_urls(values: dict) -> dict:
    """Point a sample's publisher endpoints and website links at the publisher sandbox of `make run`, if it is on.

    Then the demo offers' checks really run and pass on a machine without network; without a sandbox the sample's
    own addresses stay.
    """
    addresses = sandbox_addresses()
    if not addresses:
        return values
    adapted = dict(values)
    for name, value in values.items():
        if name in SANDBOX_FIELDS and value:
            adapted[name] = addresses[name]
        elif isinstance(value, str):
            site = next((site for site in SAMPLE_SITES if value.startswith(site)), None)
            adapted[name] = f"{addresses['site']}{value[len(site) :]}" if site else value
    return adapted


def offer_fill_page(
    offer: Offer, key: str, by, data: dict | None = None, files: dict | None = None, *, adapt=None
) -> None:
    """Save one page of the offer through its form, as the page view does; ``adapt`` changes the values first."""
    if data is None:
        data, files = _sample(offer.offer_type, key)
    if adapt is not None:
        data = adapt(data)
    state = OfferState(offer)
    form = state.page_form(state.spec.page(key), data=data, files=files or {})
    if not form.is_valid():
        raise ValueError(f"sample for {offer.offer_type}:{key} is not valid: {form.errors.as_json()}")
    page_save(offer=offer, key=key, form=form, by=by)


def offer_fill_plan(offer: Offer, by, n: int = 1) -> None:

    data, files = plan_data(offer.offer_type, n)
    state = OfferState(offer)
    form = state.plan_form(data=data, files=files or {})
    if not form.is_valid():
        raise ValueError(f"sample plan for {offer.offer_type} is not valid: {form.errors.as_json()}")
    plan_create(offer=offer, form=form, by=by)


def offer_fill_all(offer: Offer, by, *, setup_done: bool = False, adapt=None) -> None:
    """Fill every page the offer's choices bring in, and one plan where the offer has plans."""
    if not setup_done:
        offer_fill_page(offer, "offer_setup", by, adapt=adapt)
    for spec in OfferState(offer).pages():
        if spec.key == "offer_setup":
            continue
        if spec.kind == "plans":
            offer_fill_plan(offer, by)
        else:
            offer_fill_page(offer, spec.key, by, adapt=adapt)


DEMO_OFFERS = [
    # type, offer ID, alias, how far: "all" pages, or the page keys to fill
    ("saas", "contoso-analytics", "Contoso Analytics", "all"),
    ("azure_application", "contoso-data-platform", "Contoso Data Platform", "all"),
    ("azure_vm", "contoso-secure-gateway", "Contoso Secure Gateway", ("offer_setup", "properties")),
    ("consulting", "contoso-migration-poc", "Data Migration PoC", "all"),
    ("saas", "contoso-field-service", "Contoso Field Service", ()),
    ("consulting", "contoso-security-workshop", "Security Workshop", "all"),
    ("azure_vm", "contoso-edge-router", "Contoso Edge Router", "all"),
    ("azure_application", "contoso-legacy-sync", "Contoso Legacy Sync", "all"),
]


# Each demo offer's own listing name (the samples share one per offer type).
DEMO_LISTING_NAMES = {
    "contoso-analytics": "Contoso Analytics",
    "contoso-data-platform": "Contoso Data Platform",
    "contoso-edge-router": "Contoso Edge Router",
    "contoso-legacy-sync": "Contoso Legacy Sync",
    "contoso-security-workshop": "Zero Trust Readiness: 3-Wk Proof of Concept",
}


def _rename_listing(offer: Offer, by) -> None:
    name = DEMO_LISTING_NAMES.get(offer.offer_id)
    if name is None:
        return
    data, files = _sample(offer.offer_type, "offer_listing")
    offer_fill_page(offer, "offer_listing", by, data={**data, "name": name}, files=files, adapt=demo_urls)


@transaction.atomic
def demo_offers_load(membership) -> list[Offer]:
    """Create the demo offers of the account unless they exist already."""
    offers = []
    for offer_type, offer_id, alias, pages in DEMO_OFFERS:
        existing = Offer.objects.filter(account_id=membership.account_id, offer_id=offer_id).first()
        if existing:
            offers.append(existing)
            continue
        offer = offer_create(membership=membership, offer_type_key=offer_type, offer_id=offer_id, alias=alias)
        if pages == "all":
            offer_fill_all(offer, membership.user, adapt=demo_urls)
            _rename_listing(offer, membership.user)
        else:
            for key in pages:
                offer_fill_page(offer, key, membership.user, adapt=demo_urls)
        offers.append(offer)
    return offers
