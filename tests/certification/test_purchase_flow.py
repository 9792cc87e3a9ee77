"""Offer purchase flow setup: plans priced for every term and market, SaaS endpoints answering over HTTPS."""

import pytest

from certification.checks.base import StepContext
from certification.checks.purchase_flow import check_purchase_flow
from certification.steps import purchase_flow_applies
from offers.demo import offer_fill_all
from offers.snapshots import snapshot_build
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db


def _context(owner, offer_type="saas", endpoint=None) -> StepContext:
    """Return the context of a complete offer; its SaaS endpoints point at the local endpoint when given."""
    offer = OfferFactory(account=owner.account, offer_type=offer_type)
    offer_fill_all(offer, owner.user)
    snapshot = snapshot_build(offer)
    if endpoint is not None:
        technical = snapshot["pages"]["technical_configuration"]
        technical["landing_page_url"] = endpoint.url("/activate")
        technical["connection_webhook"] = endpoint.url("/webhook")
    return StepContext(
        submission_id=7,
        snapshot=snapshot,
        account=owner.account,
        offer=offer,
        phase="automated_validation",
        step_key="purchase_flow",
    )


def _plan(ctx: StepContext) -> dict:
    return ctx.snapshot["plans"][0]["data"]


def _codes(findings) -> list[str]:
    return [finding.code for finding in findings]


def test_a_complete_saas_offer_with_answering_endpoints_passes(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    assert check_purchase_flow(ctx) == []


def test_the_landing_page_is_requested_with_get_and_the_webhook_receives_a_json_ping(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    check_purchase_flow(ctx)
    assert len(https_endpoint.received("GET", "/activate")) == 1
    [ping] = https_endpoint.received("POST", "/webhook")
    assert ping["json"]["action"] == "Ping"
    assert ping["json"]["offerId"] == ctx.offer.offer_id


def test_a_redirecting_landing_page_counts_as_answering(owner, https_endpoint):
    https_endpoint.status = 302
    ctx = _context(owner, endpoint=https_endpoint)
    assert check_purchase_flow(ctx) == []


def test_endpoints_answering_500_fail_citing_landing_page_and_fulfillment_policies(owner, https_endpoint):
    https_endpoint.status = 500
    findings = check_purchase_flow(_context(owner, endpoint=https_endpoint))
    by_field = {finding.field: finding for finding in findings}
    assert by_field["landing_page_url"].policy == "1000.6"
    assert by_field["connection_webhook"].policy == "1000.4"
    assert {finding.page for finding in findings} == {"technical_configuration"}
    assert "500" in by_field["landing_page_url"].message


def test_a_plain_http_landing_page_is_refused_without_a_request_reaching_it(owner, https_endpoint, http_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    ctx.snapshot["pages"]["technical_configuration"]["landing_page_url"] = http_endpoint.url("/activate")
    findings = check_purchase_flow(ctx)
    assert _codes(findings) == ["purchase_flow.landing_page_url_unreachable"]
    assert "Only https" in findings[0].message
    assert http_endpoint.requests == []


def test_a_plan_without_markets_fails_on_its_markets_field(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _plan(ctx)["markets"] = []
    [finding] = check_purchase_flow(ctx)
    assert (finding.code, finding.policy, finding.page, finding.field) == (
        "purchase_flow.no_markets",
        "100.4",
        "plan:plan-1",
        "markets",
    )


def test_a_plan_listing_an_unknown_market_fails(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _plan(ctx)["markets"] = ["US", "XX"]
    assert _codes(check_purchase_flow(ctx)) == ["purchase_flow.unknown_market"]


def test_a_billing_term_without_a_price_fails_on_that_terms_price(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _plan(ctx)["price_p1y"] = None
    [finding] = check_purchase_flow(ctx)
    assert (finding.code, finding.field) == ("purchase_flow.term_unpriced", "price_p1y")


def test_a_negative_price_is_not_a_price(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _plan(ctx)["price_p1m"] = "-1.00"
    assert _codes(check_purchase_flow(ctx)) == ["purchase_flow.term_unpriced"]


def test_a_plan_offering_no_billing_term_fails(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _plan(ctx).update(billing_terms=[], price_p1m=None, price_p1y=None)
    [finding] = check_purchase_flow(ctx)
    assert (finding.code, finding.field) == ("purchase_flow.no_terms", "billing_terms")


def test_a_metered_dimension_without_a_price_fails(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _plan(ctx)["dimension_1_price"] = None
    [finding] = check_purchase_flow(ctx)
    assert (finding.code, finding.field) == ("purchase_flow.meter_unpriced", "dimension_1_price")


def test_plans_with_different_pricing_models_fail(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    other = {**_plan(ctx), "pricing_model": "per_user"}
    ctx.snapshot["plans"].append({"plan_id": "plan-2", "status": "draft", "data": other})
    assert _codes(check_purchase_flow(ctx)) == ["purchase_flow.pricing_model_mixed"]


def test_an_offer_without_a_purchasable_plan_fails(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    ctx.snapshot["plans"][0]["status"] = "stopped"
    [finding] = check_purchase_flow(ctx)
    assert (finding.code, finding.page) == ("purchase_flow.no_plans", "plans")


def test_a_managed_application_plan_passes_with_its_monthly_price(owner):
    assert check_purchase_flow(_context(owner, "azure_application")) == []


def test_a_managed_application_plan_without_a_monthly_price_fails(owner):
    ctx = _context(owner, "azure_application")
    _plan(ctx)["monthly_price"] = None
    [finding] = check_purchase_flow(ctx)
    assert (finding.code, finding.field) == ("purchase_flow.price_missing", "monthly_price")


def test_a_solution_template_plan_needs_no_price(owner):
    ctx = _context(owner, "azure_application")
    _plan(ctx).update(plan_type="solution_template", monthly_price=None, meter_1_id="", meter_1_price=None)
    assert check_purchase_flow(ctx) == []


def test_a_per_core_virtual_machine_plan_without_a_price_fails(owner):
    ctx = _context(owner, "azure_vm")
    _plan(ctx)["price"] = None
    [finding] = check_purchase_flow(ctx)
    assert (finding.code, finding.field) == ("purchase_flow.price_missing", "price")


def test_a_bring_your_own_license_virtual_machine_plan_needs_no_price(owner):
    ctx = _context(owner, "azure_vm")
    _plan(ctx).update(pricing_model="byol", price=None, free_trial=None)
    assert check_purchase_flow(ctx) == []


def test_the_step_applies_to_saas_sold_through_microsoft_and_to_azure_offers_only(owner):
    saas = _context(owner).snapshot
    assert purchase_flow_applies(saas)
    saas["pages"]["offer_setup"]["sell_through_microsoft"] = False
    assert not purchase_flow_applies(saas)
    assert purchase_flow_applies({"offer": {"type": "azure_vm"}, "pages": {}})
    assert not purchase_flow_applies({"offer": {"type": "consulting"}, "pages": {}})
