"""What a customer reads: a listing built from a frozen snapshot (never the draft), its plans and prices."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from offers import constants as c
from offers.models import Plan
from offers.types import offer_type as offer_type_spec

FILE_SALT = "storefront.file"
# Files a listing shows or offers for download; packages and templates are never served.
SERVED_CONTENT_TYPES = ("image/png", "application/pdf")
TERM_PERIODS = {"P1M": "month", "P1Y": "year", "P2Y": "2 years", "P3Y": "3 years"}
USEFUL_LINKS_MAX = 5
CONSULTING_CONTACTS = c.CONSULTING_SUPPORT_CONTACTS


class ActionKind:
    BUY = "buy"
    LINK = "link"
    CONTACT = "contact"
    NONE = "none"


@dataclass(frozen=True)
class Action:
    """The call to action of a listing, by the offer's setup."""

    kind: str
    label: str
    url: str = ""


@dataclass
class ListedPlan:
    """A plan as customers see it: its prices per billing term, notes and metered charges."""

    plan_id: str
    name: str
    description: str
    prices: list[tuple[str, str]] = field(default_factory=list)  # (term or kind, "$49.00 / month")
    terms: list[tuple[str, str, Decimal | None]] = field(default_factory=list)  # (term, label, price) to buy
    notes: list[str] = field(default_factory=list)
    meters: list[tuple[str, str, str]] = field(default_factory=list)  # (name, unit, "$2.50")
    markets: list[str] = field(default_factory=list)
    private: bool = False
    lowest: tuple[Decimal, str] | None = None  # the cheapest price and its text, for the catalogue card

    @property
    def free(self) -> bool:
        return self.lowest is None


@dataclass
class Listing:
    """Everything the offer page shows, read from one snapshot."""

    snapshot_id: int
    offer_type: str
    type_label: str
    name: str
    summary: str
    description: str
    publisher: str
    short_description: str = ""
    getting_started: str = ""
    logo_url: str = ""
    screenshots: list[tuple[str, str]] = field(default_factory=list)
    videos: list[tuple[str, str, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    support_url: str = ""
    privacy_url: str = ""
    legal: tuple[str, str] = ("", "")  # (label, URL or "")
    categories: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    storefronts: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    app_version: str = ""
    plans: list[ListedPlan] = field(default_factory=list)
    action: Action = Action(ActionKind.NONE, "")
    consulting: dict | None = None


def money(amount: Decimal | None) -> str:
    return "" if amount is None else f"${amount:,.2f}"


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def file_signature(snapshot_id: int, file_id) -> str:
    return signing.Signer(salt=FILE_SALT).signature(f"{snapshot_id}:{file_id}")


def file_url(snapshot_id: int, data: dict, file_id) -> str:
    """Return the address of a stored file of the snapshot that customers may load, or an empty string."""
    if file_id in (None, "") or isinstance(file_id, bool):
        return ""
    stored = (data.get("files") or {}).get(str(file_id))
    if not stored or stored.get("content_type") not in SERVED_CONTENT_TYPES:
        return ""
    return reverse("storefront:file", args=[snapshot_id, int(file_id), file_signature(snapshot_id, file_id)])


def snapshot_pages(data: dict) -> dict:
    return data.get("pages") or {}


def listing_keywords(listing: dict) -> list[str]:
    return [listing[k] for k in sorted(listing) if k.startswith("search_keyword_") and listing[k]]


def listing_categories(data: dict) -> list[str]:
    """Return the marketplace categories of the snapshot (apps), or the consulting service's product."""
    properties = snapshot_pages(data).get("properties") or {}
    if properties.get("categories"):
        return [str(name) for name in properties["categories"]]
    named = [properties.get("primary_category"), properties.get("secondary_category")]
    return [str(name) for name in named if name]


def listing_action(data: dict) -> Action:
    """Return the call to action the offer's setup chooses: Buy, Get it now / Free trial, or Contact me."""
    offer_type = (data.get("offer") or {}).get("type")
    setup = snapshot_pages(data).get("offer_setup") or {}
    if offer_type == "consulting":
        return Action(ActionKind.CONTACT, _("Contact me"))
    if offer_type == "saas" and setup.get("sell_through_microsoft") is not True:
        option = setup.get("listing_option")
        if option in (c.ListingOption.GET_IT_NOW, c.ListingOption.FREE_TRIAL) and setup.get("listing_url"):
            return Action(ActionKind.LINK, str(c.ListingOption(option).label), setup["listing_url"])
        if option == c.ListingOption.CONTACT_ME:
            return Action(ActionKind.CONTACT, _("Contact me"))
        return Action(ActionKind.NONE, "")
    # SaaS sold through Microsoft, Azure Applications and virtual machines are transacted in the marketplace.
    return Action(ActionKind.BUY, _("Buy a plan"))


def _meters(data: dict, prefix: str, count: int) -> list[tuple[str, str, str]]:
    meters = []
    for n in range(1, count + 1):
        name, unit = data.get(f"{prefix}_{n}_name"), data.get(f"{prefix}_{n}_unit")
        if name:
            meters.append((name, unit or "", money(_decimal(data.get(f"{prefix}_{n}_price")))))
    return meters


def _price(plan: ListedPlan, label: str, amount: Decimal | None, text: str) -> None:
    plan.prices.append((label, text))
    if amount is not None and amount > 0 and (plan.lowest is None or amount < plan.lowest[0]):
        plan.lowest = (amount, text)


def _saas_plan(plan: ListedPlan, data: dict) -> None:
    per_user = data.get("pricing_model") == c.PricingModel.PER_USER
    chosen = data.get("billing_terms") or []
    for term in c.BillingTerm:
        if term.value not in chosen:
            continue
        amount = _decimal(data.get(f"price_{term.value.lower()}"))
        period = TERM_PERIODS[term.value]
        text = f"{money(amount)} / user / {period}" if per_user else f"{money(amount)} / {period}"
        plan.terms.append((term.value, str(term.label), amount))
        _price(plan, str(term.label), amount, text)
    if per_user:
        low, high = data.get("min_seats"), data.get("max_seats")
        if low or high:
            plan.notes.append(_("For %(low)s to %(high)s users") % {"low": low or 1, "high": high or "any number of"})
        else:
            plan.notes.append(_("Priced per user"))
    if data.get("free_trial"):
        plan.notes.append(_("One-month free trial"))
    plan.meters = _meters(data, "dimension", c.METERED_DIMENSIONS_MAX)


def _azure_app_plan(plan: ListedPlan, data: dict) -> None:
    if data.get("plan_type") == c.AzureAppPlanType.MANAGED_APPLICATION:
        amount = _decimal(data.get("monthly_price"))
        plan.terms.append(("P1M", _("1 month"), amount))
        _price(plan, _("Managed application"), amount, f"{money(amount)} / month")
        plan.meters = _meters(data, "meter", c.MANAGED_APP_METERS_MAX)
    else:
        plan.terms.append(("", _("Solution template"), None))
        _price(plan, _("Solution template"), None, _("Free"))
        plan.notes.append(_("You pay only for the Azure resources it deploys."))


def _vm_plan(plan: ListedPlan, data: dict) -> None:
    model = data.get("pricing_model")
    amount = _decimal(data.get("price"))
    if model == c.VmPricing.FLAT_RATE:
        _price(plan, _("Software"), amount, f"{money(amount)} / hour")
    elif model == c.VmPricing.PER_CORE:
        _price(plan, _("Software"), amount, f"{money(amount)} / core / hour")
    elif model == c.VmPricing.BYOL:
        _price(plan, _("Software"), None, _("Bring your own license"))
    else:
        _price(plan, _("Software"), None, _("Free"))
    plan.terms.append(
        ("", _("Pay as you go"), amount if model in (c.VmPricing.FLAT_RATE, c.VmPricing.PER_CORE) else None)
    )
    if data.get("free_trial"):
        plan.notes.append(_("%(n)s-month free trial") % {"n": data["free_trial"]})
    plan.notes.append(_("Plus the Azure infrastructure it runs on."))
    if data.get("os_name"):
        plan.notes.append(str(data["os_name"]))


def _plan_on_sale(status: str | None, *, preview: bool) -> bool:
    if preview:
        return status not in (Plan.Status.STOP_SELL_PENDING, Plan.Status.STOPPED)
    return status == Plan.Status.LIVE


_PLAN_PRICING = {"saas": _saas_plan, "azure_application": _azure_app_plan, "azure_vm": _vm_plan}


def listing_plans(
    data: dict,
    *,
    statuses: dict[str, str] | None,
    preview: bool = False,
    tenant_id: str = "",
    subscription_ids=frozenset(),
) -> list[ListedPlan]:
    """Return the plans customers may see and buy.

    Live: only plans whose current status is Live (a plan that stopped selling disappears). Preview: every
    plan of the snapshot except stopped ones. Hidden VM plans never show; a private plan shows only to the
    tenants (SaaS) or subscriptions (Azure) of its restricted audience. ``statuses=None`` ignores the status.
    """
    offer_type = (data.get("offer") or {}).get("type")
    pricing = _PLAN_PRICING.get(offer_type)
    if pricing is None:
        return []
    viewer = {tenant_id.lower()} if offer_type == "saas" else {s.lower() for s in subscription_ids}
    viewer.discard("")
    plans = []
    for entry in data.get("plans") or []:
        plan_data = entry.get("data") or {}
        if statuses is not None and not _plan_on_sale(statuses.get(entry.get("plan_id")), preview=preview):
            continue
        if plan_data.get("hidden"):
            continue
        private = plan_data.get("visibility") == c.PlanVisibility.PRIVATE
        if private and not viewer & {str(a).lower() for a in plan_data.get("restricted_audience") or []}:
            continue
        plan = ListedPlan(
            plan_id=entry.get("plan_id", ""),
            name=plan_data.get("name") or entry.get("plan_id", ""),
            description=plan_data.get("description") or "",
            markets=list(plan_data.get("markets") or []),
            private=private,
        )
        pricing(plan, plan_data)
        plans.append(plan)
    return plans


def _consulting(data: dict) -> dict:
    pricing = snapshot_pages(data).get("pricing_availability") or {}
    properties = snapshot_pages(data).get("properties") or {}
    kind = pricing.get("price_kind")
    amount = _decimal(pricing.get("price"))
    if kind == c.ConsultingPrice.FREE or amount is None:
        price = _("Free")
    elif kind == c.ConsultingPrice.ESTIMATED:
        price = _("Estimated %(price)s") % {"price": money(amount)}
    else:
        price = money(amount)
    unit = pricing.get("duration_unit")
    duration = ""
    if pricing.get("duration") and unit in c.ConsultingDurationUnit.values:
        duration = f"{pricing['duration']} {c.ConsultingDurationUnit(unit).label.lower()}"
    service_type = properties.get("service_type")
    product = properties.get("primary_product")
    return {
        "price": price,
        "amount": amount,
        "duration": duration,
        "service_type": str(c.ConsultingServiceType(service_type).label)
        if service_type in c.ConsultingServiceType.values
        else "",
        "product": str(c.ConsultingProduct(product).label) if product in c.ConsultingProduct.values else "",
        "competencies": list(properties.get("competencies") or []),
        "markets": list(pricing.get("markets") or []),
    }


def price_label(data: dict, plans: list[ListedPlan] | None = None) -> str:
    """Return the one-line price of the catalogue card: the cheapest plan, a free trial, or the action."""
    action = listing_action(data)
    if (data.get("offer") or {}).get("type") == "consulting":
        return _consulting(data)["price"]
    if action.kind != ActionKind.BUY:
        return action.label
    plans = listing_plans(data, statuses=None) if plans is None else plans
    priced = [plan.lowest for plan in plans if plan.lowest]
    if priced:
        return _("From %(price)s") % {"price": min(priced)[1]}
    return _("Free") if plans else ""


def _contacts(listing: dict) -> list[dict]:
    contacts = []
    for prefix in ["support", *[f"contact_{n}" for n in range(1, CONSULTING_CONTACTS + 1)]]:
        if listing.get(f"{prefix}_name") or listing.get(f"{prefix}_email"):
            contacts.append(
                {
                    "name": listing.get(f"{prefix}_name") or "",
                    "email": listing.get(f"{prefix}_email") or "",
                    "phone": listing.get(f"{prefix}_phone") or "",
                }
            )
    return contacts


def _industries(properties: dict) -> list[str]:
    return [properties[k] for k in ("industry_1", "industry_2") if properties.get(k)]


def _legal(properties: dict) -> tuple[str, str]:
    if properties.get("use_standard_contract") is True:
        return _("Standard Contract"), ""
    if properties.get("terms_url"):
        return _("License agreement"), properties["terms_url"]
    if properties.get("terms_text"):
        return _("License agreement (see the publisher's terms)"), ""
    return "", ""


def listing_build(
    snapshot,
    *,
    publisher: str,
    statuses: dict[str, str] | None,
    preview: bool = False,
    tenant_id: str = "",
    subscription_ids=frozenset(),
) -> Listing:
    """Return the listing of an OfferSnapshot as customers read it."""

    data = snapshot.data
    pages = snapshot_pages(data)
    listing = pages.get("offer_listing") or {}
    properties = pages.get("properties") or {}
    kind = (data.get("offer") or {}).get("type", "")
    try:
        type_label = str(offer_type_spec(kind).label)
    except KeyError:
        type_label = kind

    def url(file_id) -> str:
        return file_url(snapshot.pk, data, file_id)

    screenshots = [
        (url(listing.get(f"screenshot_{n}")), listing.get(f"screenshot_{n}_caption") or "")
        for n in range(1, c.SCREENSHOTS_MAX + 1)
    ]
    videos = [
        (
            listing.get(f"video_{n}_name") or "",
            listing.get(f"video_{n}_url") or "",
            url(listing.get(f"video_{n}_thumbnail")),
        )
        for n in range(1, c.VIDEOS_MAX + 1)
    ]
    links = [
        (listing.get(f"useful_link_{n}_title"), listing.get(f"useful_link_{n}_url"))
        for n in range(1, USEFUL_LINKS_MAX + 1)
    ]
    documents = [
        (listing.get(f"document_{n}_name") or "", url(listing.get(f"document_{n}_file")))
        for n in range(1, c.SUPPORTING_DOCUMENTS_MAX + 1)
    ]
    storefront_labels = dict(c.Storefront.choices)
    return Listing(
        snapshot_id=snapshot.pk,
        offer_type=kind,
        type_label=type_label,
        name=listing.get("name") or "",
        summary=listing.get("search_results_summary") or "",
        description=listing.get("description") or "",
        publisher=publisher,
        short_description=listing.get("short_description") or "",
        getting_started=listing.get("getting_started_instructions") or "",
        logo_url=url(listing.get("large_logo")),
        screenshots=[(src, caption) for src, caption in screenshots if src],
        videos=[(name, link, thumb) for name, link, thumb in videos if name and link],
        links=[(title, link) for title, link in links if title and link],
        documents=[(name, link) for name, link in documents if name and link],
        contacts=_contacts(listing),
        support_url=listing.get("support_url") or "",
        privacy_url=listing.get("privacy_policy_url") or "",
        legal=_legal(properties),
        categories=listing_categories(data),
        industries=_industries(properties),
        storefronts=[str(storefront_labels.get(s, s)) for s in data.get("storefronts") or []],
        keywords=listing_keywords(listing),
        app_version=properties.get("app_version") or "",
        plans=listing_plans(
            data, statuses=statuses, preview=preview, tenant_id=tenant_id, subscription_ids=subscription_ids
        ),
        action=listing_action(data),
        consulting=_consulting(data) if kind == "consulting" else None,
    )
