"""The one renderer of a frozen snapshot into a listing: what customers and reviewers read, its plans and prices."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from offers import constants as c
from offers.forms.listing import USEFUL_LINKS_MAX
from offers.models import OfferSnapshot
from offers.pricing import ListedPlan, listing_plans, money, price_amount
from offers.snapshots import snapshot_page_values
from offers.types import offer_type as offer_type_spec

FileUrl = Callable[[int], str]
"""Return the address where the reader loads a stored file of the snapshot, by its id ("" to leave it out)."""


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


@dataclass(frozen=True)
class ListedFile:
    """A stored file of the snapshot that the listing shows; ``url`` is empty where the reader has no link to it."""

    file_id: int
    url: str
    caption: str = ""


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
    logo: ListedFile | None = None
    screenshot_files: list[ListedFile] = field(default_factory=list)
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

    @property
    def logo_url(self) -> str:
        return self.logo.url if self.logo else ""

    @property
    def screenshots(self) -> list[tuple[str, str]]:
        """Return (address, caption) of each screenshot the reader can load."""
        return [(shot.url, shot.caption) for shot in self.screenshot_files if shot.url]


def listing_keywords(listing: dict) -> list[str]:
    return [listing[k] for k in sorted(listing) if k.startswith("search_keyword_") and listing[k]]


def listing_categories(data: dict) -> list[str]:
    """Return the marketplace categories of the snapshot (apps), or the consulting service's product."""
    properties = snapshot_page_values(data).get("properties") or {}
    if properties.get("categories"):
        return [str(name) for name in properties["categories"]]
    named = [properties.get("primary_category"), properties.get("secondary_category")]
    return [str(name) for name in named if name]


def listing_action(data: dict) -> Action:
    """Return the call to action the offer's setup chooses: Buy, Get it now / Free trial, or Contact me."""
    offer_type = (data.get("offer") or {}).get("type")
    setup = snapshot_page_values(data).get("offer_setup") or {}
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


def _consulting(data: dict) -> dict:
    pricing = snapshot_page_values(data).get("pricing_availability") or {}
    properties = snapshot_page_values(data).get("properties") or {}
    kind = pricing.get("price_kind")
    amount = price_amount(pricing.get("price"))
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
    for prefix in ["support", *[f"contact_{n}" for n in range(1, c.CONSULTING_SUPPORT_CONTACTS + 1)]]:
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


def stored_file_id(data: dict, value) -> int | None:
    """Return the id of the snapshot's stored file a page value refers to, or None."""
    if isinstance(value, int) and not isinstance(value, bool) and str(value) in (data.get("files") or {}):
        return value
    return None


def listing_build(
    snapshot: OfferSnapshot,
    *,
    publisher: str,
    file_url: FileUrl,
    statuses: dict[str, str] | None,
    preview: bool = False,
    tenant_id: str = "",
    subscription_ids=frozenset(),
) -> Listing:
    """Return the listing of a snapshot as customers read it; ``file_url`` links its logo, images and documents.

    ``statuses``, ``preview``, ``tenant_id`` and ``subscription_ids`` choose the plans (see ``listing_plans``).
    """

    data = snapshot.data
    pages = snapshot_page_values(data)
    listing = pages.get("offer_listing") or {}
    properties = pages.get("properties") or {}
    kind = (data.get("offer") or {}).get("type", "")
    try:
        type_label = str(offer_type_spec(kind).label)
    except KeyError:
        type_label = kind

    def shown(name: str, caption: str = "") -> ListedFile | None:
        file_id = stored_file_id(data, listing.get(name))
        return None if file_id is None else ListedFile(file_id, file_url(file_id), caption)

    def url(name: str) -> str:
        file = shown(name)
        return file.url if file else ""

    screenshots = [
        shown(f"screenshot_{n}", listing.get(f"screenshot_{n}_caption") or "") for n in range(1, c.SCREENSHOTS_MAX + 1)
    ]
    videos = [
        (listing.get(f"video_{n}_name") or "", listing.get(f"video_{n}_url") or "", url(f"video_{n}_thumbnail"))
        for n in range(1, c.VIDEOS_MAX + 1)
    ]
    links = [
        (listing.get(f"useful_link_{n}_title"), listing.get(f"useful_link_{n}_url"))
        for n in range(1, USEFUL_LINKS_MAX + 1)
    ]
    documents = [
        (listing.get(f"document_{n}_name") or "", url(f"document_{n}_file"))
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
        logo=shown("large_logo"),
        screenshot_files=[shot for shot in screenshots if shot is not None],
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
