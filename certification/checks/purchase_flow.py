"""Offer purchase flow setup: every plan can be bought, and a SaaS offer's endpoints answer over HTTPS."""

from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext as _

from certification.checks.base import Finding, StepContext, unverified_finding
from offers import constants as c
from offers.forms.plans import SaasPlanForm, term_price_field
from offers.models import Plan
from outbox.outbound import outbound_request

POLICY_PRICING = "100.4"
POLICY_LANDING_PAGE = "1000.6"
POLICY_FULFILLMENT = "1000.4"
KNOWN_MARKETS = frozenset(code for code, _label in c.MARKETS)
TECHNICAL = "technical_configuration"
METER_PREFIXES = {
    "saas": ("dimension", c.METERED_DIMENSIONS_MAX),
    "azure_application": ("meter", c.MANAGED_APP_METERS_MAX),
}
PRICED_VM_MODELS = (c.VmPricing.FLAT_RATE, c.VmPricing.PER_CORE)
VM_MODELS = frozenset(c.VmPricing.values)


def check_purchase_flow(ctx: StepContext) -> list[Finding]:
    """Check every plan is priced for what it sells and the SaaS landing page and webhook answer."""
    findings = _plans_findings(ctx)
    if ctx.offer_type == "saas":
        findings += _endpoint_findings(ctx)
    return findings


def _price(value) -> Decimal | None:
    """Return a price of zero or more, or None when the value is missing or not a price."""
    if value in (None, ""):
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        return None
    return price if price.is_finite() and price >= 0 else None


def _plan_finding(plan: dict, code: str, field: str, message: str) -> Finding:
    return Finding(code, message, policy=POLICY_PRICING, page=f"plan:{plan['plan_id']}", field=field)


def _plans_findings(ctx: StepContext) -> list[Finding]:
    plans = [plan for plan in ctx.plans if plan.get("status", Plan.Status.DRAFT) in Plan.PURCHASABLE]
    if not plans:
        return [
            Finding(
                "purchase_flow.no_plans",
                _("Add at least one plan that customers can buy."),
                policy=POLICY_PRICING,
                page="plans",
            )
        ]
    findings = []
    for plan in plans:
        findings += _markets_findings(plan)
        findings += _PRICING.get(ctx.offer_type, lambda plan: [])(plan)
        findings += _meter_findings(ctx.offer_type, plan)
    if ctx.offer_type == "saas":
        shaped = [SimpleNamespace(plan_id=plan["plan_id"], data=plan["data"]) for plan in plans]
        for message in SaasPlanForm.offer_errors(shaped, ctx.snapshot.get("pages") or {}):
            findings.append(Finding("purchase_flow.pricing_model_mixed", message, policy=POLICY_PRICING, page="plans"))
    return findings


def _markets_findings(plan: dict) -> list[Finding]:
    markets = plan["data"].get("markets") or []
    if not markets:
        return [
            _plan_finding(
                plan,
                "purchase_flow.no_markets",
                "markets",
                _("Plan %(plan)s lists no market; choose at least one market where customers can buy it.")
                % {"plan": plan["plan_id"]},
            )
        ]
    unknown = sorted(str(market) for market in markets if market not in KNOWN_MARKETS)
    if unknown:
        return [
            _plan_finding(
                plan,
                "purchase_flow.unknown_market",
                "markets",
                _("Plan %(plan)s lists markets the marketplace does not sell in: %(markets)s.")
                % {"plan": plan["plan_id"], "markets": ", ".join(unknown)},
            )
        ]
    return []


def _saas_pricing(plan: dict) -> list[Finding]:
    terms = plan["data"].get("billing_terms") or []
    if not terms:
        return [
            _plan_finding(
                plan,
                "purchase_flow.no_terms",
                "billing_terms",
                _("Plan %(plan)s offers no billing term; choose at least one term and enter its price.")
                % {"plan": plan["plan_id"]},
            )
        ]
    findings = []
    for term in terms:
        if term not in c.BillingTerm.values:
            findings.append(
                _plan_finding(
                    plan,
                    "purchase_flow.unknown_term",
                    "billing_terms",
                    _("Plan %(plan)s offers an unknown billing term %(term)s.")
                    % {"plan": plan["plan_id"], "term": term},
                )
            )
        elif _price(plan["data"].get(term_price_field(term))) is None:
            findings.append(
                _plan_finding(
                    plan,
                    "purchase_flow.term_unpriced",
                    term_price_field(term),
                    _("Plan %(plan)s offers the %(term)s billing term without a valid price; enter its price.")
                    % {"plan": plan["plan_id"], "term": c.BillingTerm(term).label},
                )
            )
    return findings


def _azure_app_pricing(plan: dict) -> list[Finding]:
    data = plan["data"]
    if data.get("plan_type") == c.AzureAppPlanType.SOLUTION_TEMPLATE:
        return []  # not billed through the marketplace
    if data.get("plan_type") != c.AzureAppPlanType.MANAGED_APPLICATION:
        return [
            _plan_finding(
                plan,
                "purchase_flow.pricing_unknown",
                "plan_type",
                _("Plan %(plan)s has no plan type; choose Solution template or Managed application.")
                % {"plan": plan["plan_id"]},
            )
        ]
    if _price(data.get("monthly_price")) is None:
        return [
            _plan_finding(
                plan,
                "purchase_flow.price_missing",
                "monthly_price",
                _("Managed application plan %(plan)s has no valid monthly price; enter it.")
                % {"plan": plan["plan_id"]},
            )
        ]
    return []


def _vm_pricing(plan: dict) -> list[Finding]:
    model = plan["data"].get("pricing_model")
    if model not in VM_MODELS:
        return [
            _plan_finding(
                plan,
                "purchase_flow.pricing_unknown",
                "pricing_model",
                _("Plan %(plan)s has no pricing model; choose free, flat rate, per core or BYOL.")
                % {"plan": plan["plan_id"]},
            )
        ]
    if model in PRICED_VM_MODELS and _price(plan["data"].get("price")) is None:
        return [
            _plan_finding(
                plan,
                "purchase_flow.price_missing",
                "price",
                _("Plan %(plan)s is priced %(model)s but has no valid price per hour; enter it.")
                % {"plan": plan["plan_id"], "model": c.VmPricing(model).label.lower()},
            )
        ]
    return []


_PRICING = {"saas": _saas_pricing, "azure_application": _azure_app_pricing, "azure_vm": _vm_pricing}


def _meter_findings(offer_type: str, plan: dict) -> list[Finding]:
    """Refuse a metered dimension (SaaS) or meter (managed application) that has an ID but no price."""
    prefix, count = METER_PREFIXES.get(offer_type, ("", 0))
    findings = []
    for n in range(1, count + 1):
        meter_id = plan["data"].get(f"{prefix}_{n}_id")
        if meter_id and _price(plan["data"].get(f"{prefix}_{n}_price")) is None:
            findings.append(
                _plan_finding(
                    plan,
                    "purchase_flow.meter_unpriced",
                    f"{prefix}_{n}_price",
                    _("Plan %(plan)s bills %(meter)s without a valid price per unit; enter it.")
                    % {"plan": plan["plan_id"], "meter": meter_id},
                )
            )
    return findings


def _endpoint_findings(ctx: StepContext) -> list[Finding]:
    """Request the landing page (GET) and the connection webhook (a JSON ping) over HTTPS."""
    page = ctx.page(TECHNICAL)
    probes = (
        ("landing_page_url", "GET", None, POLICY_LANDING_PAGE, _("landing page")),
        ("connection_webhook", "POST", _webhook_ping(ctx), POLICY_FULFILLMENT, _("connection webhook")),
    )
    findings = []
    for field, method, body, policy, what in probes:
        url = page.get(field) or ""
        if not url:
            findings.append(
                Finding(
                    f"purchase_flow.{field}_missing",
                    _("Enter the %(what)s on the Technical configuration page.") % {"what": what},
                    policy=policy,
                    page=TECHNICAL,
                    field=field,
                )
            )
            continue
        result = outbound_request(method, url, json=body)
        if ctx.unverified(result):
            what = _("Your %(what)s %(url)s") % {"what": what, "url": url}
            findings.append(
                unverified_finding(
                    f"purchase_flow.{field}_unverified", what, policy=policy, page=TECHNICAL, field=field
                )
            )
        elif not result.ok:
            findings.append(
                Finding(
                    f"purchase_flow.{field}_unreachable",
                    _("Your %(what)s must answer over HTTPS with a success or redirect status: %(detail)s")
                    % {"what": what, "detail": result.detail},
                    policy=policy,
                    page=TECHNICAL,
                    field=field,
                )
            )
    return findings


def _webhook_ping(ctx: StepContext) -> dict:
    return {
        "action": "Ping",
        "offerId": ctx.snapshot["offer"]["offer_id"],
        "submissionId": ctx.submission_id,
        "timeStamp": timezone.now().isoformat(),
    }
