"""Plans as customers see them in a listing: prices per billing term, notes, meters, and who may see each."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from offers import constants as c
from offers.models import Plan

TERM_PERIODS = {"P1M": "month", "P1Y": "year", "P2Y": "2 years", "P3Y": "3 years"}


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
    stopping: bool = False  # its stop sell is being completed: shown, no longer sold

    @property
    def free(self) -> bool:
        return self.lowest is None


def money(amount: Decimal | None) -> str:
    """Return an amount as customers read it ("$1,234.50"), or an empty string for none."""
    return "" if amount is None else f"${amount:,.2f}"


def price_amount(value) -> Decimal | None:
    """Return a price a page or plan holds as a Decimal, or None when it holds none."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _meters(data: dict, prefix: str, count: int) -> list[tuple[str, str, str]]:
    meters = []
    for n in range(1, count + 1):
        name, unit = data.get(f"{prefix}_{n}_name"), data.get(f"{prefix}_{n}_unit")
        if name:
            meters.append((name, unit or "", money(price_amount(data.get(f"{prefix}_{n}_price")))))
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
        amount = price_amount(data.get(f"price_{term.value.lower()}"))
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
        amount = price_amount(data.get("monthly_price"))
        plan.terms.append(("P1M", _("1 month"), amount))
        _price(plan, _("Managed application"), amount, f"{money(amount)} / month")
        plan.meters = _meters(data, "meter", c.MANAGED_APP_METERS_MAX)
    else:
        plan.terms.append(("", _("Solution template"), None))
        _price(plan, _("Solution template"), None, _("Free"))
        plan.notes.append(_("You pay only for the Azure resources it deploys."))


def _vm_plan(plan: ListedPlan, data: dict) -> None:
    model = data.get("pricing_model")
    amount = price_amount(data.get("price"))
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


def _plan_listed(status: str | None, *, preview: bool) -> bool:
    if preview:
        return status not in Plan.INACTIVE
    return status in Plan.LISTED


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

    Live: plans whose current status is Live, and those whose stop sell is being completed (``stopping``: shown,
    no longer sold) until the removal completes. Preview: every plan of the snapshot except stopped ones.
    Hidden VM plans never show; a private plan shows only to the tenants (SaaS) or subscriptions (Azure) of its
    restricted audience. ``statuses=None`` ignores the status.
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
        status = statuses.get(entry.get("plan_id")) if statuses is not None else None
        if statuses is not None and not _plan_listed(status, preview=preview):
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
            stopping=status == Plan.Status.STOP_SELL_PENDING,
        )
        pricing(plan, plan_data)
        plans.append(plan)
    return plans
