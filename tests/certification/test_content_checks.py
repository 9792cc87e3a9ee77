"""Automated content validation: listing rules, media, working links, banned terms, language and categories."""

import pytest

from certification.checks.base import Severity, StepContext
from certification.checks.content import check_content, language_problem
from offers.demo import offer_fill_all
from offers.snapshots import snapshot_build
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

LINK_FIELDS = ("privacy_policy_url", "support_url", "useful_link_1_url", "useful_link_2_url")
GERMAN = (
    "<p>Contoso Expense Insights verwandelt Belege, Kartendaten und Reisebuchungen in eine einheitliche, "
    "prüfungssichere Sicht auf die Ausgaben des Unternehmens. Automatischer Abgleich von Belegen mit hoher "
    "Genauigkeit und Richtlinienprüfung vor der Einreichung.</p>"
)


def _context(owner, offer_type="saas", endpoint=None) -> StepContext:
    """Return the context of a complete offer; its listing links point at the local endpoint when given."""
    offer = OfferFactory(account=owner.account, offer_type=offer_type)
    offer_fill_all(offer, owner.user)
    snapshot = snapshot_build(offer)
    if endpoint is not None:
        listing = snapshot["pages"]["offer_listing"]
        for field in LINK_FIELDS:
            listing[field] = endpoint.url(f"/{field}")
    return StepContext(
        submission_id=3,
        snapshot=snapshot,
        account=owner.account,
        offer=offer,
        phase="certification",
        step_key="content_checks",
    )


def _listing(ctx) -> dict:
    return ctx.snapshot["pages"]["offer_listing"]


def _cited(findings) -> list[tuple[str, str]]:
    return [(finding.field, finding.policy) for finding in findings]


def test_a_complete_listing_with_working_links_passes(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    assert check_content(ctx) == []
    assert sorted(r["path"] for r in https_endpoint.received("GET")) == sorted(f"/{f}" for f in LINK_FIELDS)


def test_a_complete_consulting_listing_passes(owner):
    assert check_content(_context(owner, "consulting")) == []


def test_a_name_over_the_limit_cites_the_title_policy(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _listing(ctx)["name"] = "Contoso" + "X" * 200
    assert _cited(check_content(ctx)) == [("name", "100.1.1")]


def test_a_missing_search_results_summary_cites_the_summary_policy(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _listing(ctx)["search_results_summary"] = ""
    assert _cited(check_content(ctx)) == [("search_results_summary", "100.1.2")]


def test_a_missing_description_cites_the_description_policy(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _listing(ctx)["description"] = ""
    [finding] = check_content(ctx)
    assert (finding.code, finding.page, finding.field, finding.policy) == (
        "content.rule",
        "offer_listing",
        "description",
        "100.1.3",
    )


def test_a_missing_logo_cites_the_graphics_policy(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _listing(ctx)["large_logo"] = None
    assert _cited(check_content(ctx)) == [("large_logo", "100.3")]


def test_a_screenshot_of_the_wrong_size_cites_the_graphics_policy(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    ctx.snapshot["files"][str(_listing(ctx)["screenshot_1"])].update(width=800, height=600)
    [finding] = check_content(ctx)
    assert (finding.code, finding.field, finding.policy) == ("content.image_size", "screenshot_1", "100.3")


def test_a_missing_privacy_policy_cites_the_personal_information_policy(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _listing(ctx)["privacy_policy_url"] = ""
    assert _cited(check_content(ctx)) == [("privacy_policy_url", "100.6")]


def test_links_answering_500_fail_each_on_its_field(owner, https_endpoint):
    https_endpoint.status = 500
    findings = check_content(_context(owner, endpoint=https_endpoint))
    assert sorted(_cited(findings)) == sorted((field, "100.5") for field in LINK_FIELDS)
    assert {finding.code for finding in findings} == {"content.link_unreachable"}


def test_a_plain_http_link_is_refused_without_a_request_reaching_it(owner, https_endpoint, http_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _listing(ctx)["support_url"] = http_endpoint.url("/support")
    assert _cited(check_content(ctx)) == [("support_url", "100.5")]
    assert http_endpoint.requests == []


def test_an_unverifiable_claim_in_the_description_fails(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _listing(ctx)["description"] += "<p>The best in the world at matching receipts.</p>"
    [finding] = check_content(ctx)
    assert (finding.code, finding.field, finding.policy) == ("content.unverifiable_claim", "description", "100.1.3")
    assert "best in the world" in finding.message


def test_disparaging_microsoft_is_inappropriate_content(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _listing(ctx)["search_results_summary"] = "Expense management that is better than Microsoft."
    assert _cited(check_content(ctx)) == [("search_results_summary", "100.10")]


def test_masked_profanity_is_inappropriate_content(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _listing(ctx)["screenshot_1_caption"] = "No more sh*t receipts"
    [finding] = check_content(ctx)
    assert (finding.code, finding.field, finding.policy) == ("content.profanity", "screenshot_1_caption", "100.10")


def test_banned_terms_in_a_plan_are_found_on_the_plan(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    ctx.snapshot["plans"][0]["data"]["description"] = "Guaranteed #1 expense tool, free forever."
    findings = check_content(ctx)
    assert {(f.page, f.field, f.code) for f in findings} == {
        ("plan:plan-1", "description", "content.unverifiable_claim")
    }
    assert len(findings) == 2


def test_a_description_in_german_must_be_written_in_english(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _listing(ctx)["description"] = GERMAN
    [finding] = check_content(ctx)
    assert (finding.code, finding.field, finding.policy) == ("content.language", "description", "100.1.3")
    assert "Write the listing in English" in finding.message


def test_a_name_in_a_non_latin_script_must_be_written_in_english(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    _listing(ctx)["name"] = "経費インサイト"
    assert _cited(check_content(ctx)) == [("name", "100.1.3")]


def test_short_texts_are_too_short_to_judge_their_language():
    assert language_problem("Contoso Ausgaben") == ""
    assert language_problem("Audit-ready expense management with automatic receipt matching.") == ""


def test_a_subcategory_of_another_category_fails_once_on_its_field(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    ctx.snapshot["pages"]["properties"]["primary_subcategories"] = ["Business Intelligence", "Firewalls"]
    [finding] = check_content(ctx)
    assert (finding.code, finding.page, finding.field, finding.policy) == (
        "content.category_fit",
        "properties",
        "primary_subcategories",
        "100.2",
    )
    assert "Firewalls" in finding.message


def test_a_saas_offer_in_appsource_only_categories_fits(owner, https_endpoint):
    ctx = _context(owner, endpoint=https_endpoint)
    ctx.snapshot["pages"]["properties"].update(
        primary_category="Productivity",
        primary_subcategories=["Document Management"],
        secondary_category="",
        secondary_subcategories=[],
        categories=["Productivity"],
    )
    assert check_content(ctx) == []


def test_an_azure_application_in_appsource_only_categories_does_not_fit(owner, https_endpoint):
    ctx = _context(owner, "azure_application", endpoint=https_endpoint)
    properties = ctx.snapshot["pages"]["properties"]
    properties.update(primary_category="Productivity", primary_subcategories=["Document Management"])
    properties.update(secondary_category="", secondary_subcategories=[], categories=["Productivity"])
    [finding] = check_content(ctx)
    assert (finding.field, finding.severity, finding.policy) == ("primary_category", Severity.CRITICAL, "100.2")


def test_an_azure_application_with_one_appsource_only_category_is_warned(owner, https_endpoint):
    ctx = _context(owner, "azure_application", endpoint=https_endpoint)
    [finding] = check_content(ctx)
    assert (finding.field, finding.severity, finding.policy) == ("secondary_category", Severity.WARNING, "100.2")
