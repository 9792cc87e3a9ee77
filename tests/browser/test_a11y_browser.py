"""In Chromium with axe-core: every page a publisher, a reviewer, an operator and a customer reach meets WCAG 2.2 AA,
and a publisher signs in, fills a page, saves and publishes with the keyboard alone.

The pages come from the demo data of `make run` (an offer of each type, the overview in every status); each role
has one browser context, and each page is checked once it has loaded (and, for forms, once its errors show).
"""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from certification.models import ReviewItem
from certification.reviews import review_decide
from offers.models import Offer, Plan
from portal.management.commands.demo_data import DEMO_USERS
from tests.browser.axe import AXE_JS, axe_report, axe_violations
from tests.certification.support import complete_offer
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# the editor's pages of each offer type: a live SaaS offer, a draft Azure VM (some pages empty), a filled Azure
# Application and a filled consulting service (a draft shows only the pages its offer setup makes apply)
EDITOR_OFFERS = ("contoso-analytics", "contoso-secure-gateway", "contoso-data-platform", "contoso-migration-poc")
DEMO_PASSWORDS = {email: password for email, password, *_rest in DEMO_USERS}


@pytest.fixture
def demo():
    """The demo data of `make run`: Contoso's offers in every status, a reviewer, an operator, open queue items."""
    call_command("demo_data", stdout=StringIO())
    return {offer.offer_id: offer for offer in Offer.objects.all()}


def _context(browser, live_server, email: str | None = None):
    """One browser context per role, with axe-core in every page (the context bypasses the CSP to let it in)."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 900})
    context.add_init_script(path=str(AXE_JS))
    page = context.new_page()
    page.set_default_timeout(15_000)
    if email:
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(DEMO_PASSWORDS[email])
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page).not_to_have_url(re.compile(r"/sign-in/"))
    return context, page


class Sweep:
    """Check pages one after another and keep every failure, so one run lists them all."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url
        self.checked: list[str] = []
        self.failures: list[str] = []

    def visit(self, path: str, label: str | None = None) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None
        assert response.ok, f"{path} answered {response.status}"
        self.check(label or path)

    def check(self, label: str) -> None:
        self.page.wait_for_load_state("load")  # its stylesheets applied: contrast is judged on the finished page
        self.checked.append(label)
        violations = axe_violations(self.page)
        if violations:
            self.failures.append(axe_report(f"{label} ({self.page.url})", violations))


def _editor_paths(page) -> list[str]:
    """The offer's pages that apply, as its navigation lists them (on any page of the offer)."""
    return page.locator(".offer-nav a[href*='/pages/']").evaluate_all("links => links.map(a => a.pathname)")


def test_every_page_a_publisher_reviewer_operator_and_customer_reach_meets_wcag_22_aa(browser, live_server, demo):
    sweeps = [
        _publisher_sweep(browser, live_server, demo),
        *(_staff_sweep(browser, live_server, demo, email) for email in STAFF_PAGES),
        _public_sweep(browser, live_server, demo),
    ]

    failures = [failure for sweep in sweeps for failure in sweep.failures]
    assert not failures, "axe-core found WCAG 2.2 AA violations:\n" + "\n".join(failures)
    checked = {label for sweep in sweeps for label in sweep.checked}
    assert len(checked) >= 60, sorted(checked)


def _publisher_sweep(browser, live_server, demo) -> "Sweep":
    context, page = _context(browser, live_server, "owner@contoso.example")
    sweep = Sweep(page, live_server.url)
    for path in (
        "/dashboard/",
        "/offers/new/",
        "/account/settings/",
        "/account/settings/legal/",
        "/account/settings/agreement/",
        "/account/settings/verification/",
        "/account/settings/history/",
        "/account/members/",
        "/account/settings/api-tokens/",
        "/account/settings/webhooks/",
        "/account/security/",
        "/marketplace/sales/",
        "/notifications/",
    ):
        sweep.visit(path)
    # the overview in every status; the editor's pages of each offer type
    editor_paths = []
    for offer in demo.values():
        sweep.visit(f"/offers/{offer.pk}/", f"overview: {offer.get_status_display()}")
        if offer.offer_id in EDITOR_OFFERS:
            editor_paths += _editor_paths(page)
    live = demo["contoso-analytics"]
    for path in (f"/offers/{live.pk}/history/", f"/offers/{live.pk}/compare/", f"/offers/{live.pk}/review/"):
        sweep.visit(path)
    sweep.visit(f"/offers/{demo['contoso-migration-poc'].pk}/history/", "history: attention needed")
    page.goto(f"{live_server.url}/offers/{demo['contoso-migration-poc'].pk}/")
    page.get_by_test_id("conversation").first.get_by_text("Reply or dispute").click()
    expect(page.get_by_test_id("reply").first).to_be_visible()
    sweep.check("overview: the reply to a finding open")
    for path in editor_paths:
        sweep.visit(path)
    plan = Plan.objects.filter(offer=demo["contoso-data-platform"]).first()
    sweep.visit(f"/offers/{plan.offer_id}/plans/{plan.pk}/")
    sweep.visit(f"/offers/{demo['contoso-secure-gateway'].pk}/plans/new/")

    # a page saved with an error shows it; Review and publish then lists what is missing
    draft = demo["contoso-field-service"]
    page.goto(f"{live_server.url}/offers/{draft.pk}/pages/offer_listing/")
    page.get_by_label("Name", exact=True).fill("Emoji are refused 🚀")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    sweep.check("editor page with errors")
    sweep.visit(f"/offers/{draft.pk}/review/", "Review and publish with errors")
    page.goto(f"{live_server.url}/offers/new/")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    sweep.check("new offer with errors")

    # the publisher as a customer of the marketplace
    for path in (
        "/marketplace/",
        f"/marketplace/offers/{live.pk}/",
        "/marketplace/purchases/",
        "/marketplace/account/",
    ):
        sweep.visit(path)
    context.close()
    return sweep


STAFF_PAGES = {
    "reviewer@portal.example": [
        "/admin/",
        "/admin/certification/contentreviewitem/",
        "/admin/certification/technicalreviewitem/",
        "/admin/certification/eligibilityreviewitem/",
    ],
    "operator@portal.example": [
        "/admin/",
        "/admin/certification/reviewitem/",
        "/admin/accounts/verificationrequest/",
        "/admin/certification/submission/",
        "/admin/offers/offer/",
        "/admin/certification/revieweralias/",
    ],
}


def _staff_sweep(browser, live_server, demo, email: str) -> "Sweep":
    context, page = _context(browser, live_server, email)
    sweep = Sweep(page, live_server.url)
    for path in STAFF_PAGES[email]:
        sweep.visit(path, f"{email} {path}")
    if email.startswith("reviewer"):
        page.goto(f"{live_server.url}/admin/certification/contentreviewitem/")
        page.locator("#result_list tbody tr a").first.click()
        expect(page).to_have_url(re.compile(r"/review/$"))
        sweep.check("a review page")
    else:
        sweep.visit(f"/admin/offers/offer/{demo['contoso-analytics'].pk}/change/", "an offer in admin (read only)")
        page.goto(f"{live_server.url}/admin/certification/reviewitem/?state__exact=rejected")
        page.locator("#result_list tbody tr a").first.click()
        expect(page.get_by_test_id("conversations")).to_be_visible()
        sweep.check("a decided review item with its conversation")
    context.close()
    return sweep


def _public_sweep(browser, live_server, demo) -> "Sweep":
    context, page = _context(browser, live_server)
    sweep = Sweep(page, live_server.url)
    live = demo["contoso-analytics"]
    for path in ("/", "/sign-in/", "/sign-up/", "/marketplace/", "/marketplace/?storefront=appsource"):
        sweep.visit(path)
    sweep.visit(f"/marketplace/offers/{live.pk}/", "storefront offer page")
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct")
    sweep.check("sign-in with an error")
    page.goto(f"{live_server.url}/sign-up/")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_be_visible()
    sweep.check("sign-up with errors")
    page.goto(f"{live_server.url}/marketplace/account/sign-up/")
    page.locator("main form [type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    sweep.check("customer sign-up with errors")
    context.close()
    return sweep


def test_a_form_with_errors_announces_them_and_links_each_to_its_field(page, live_server):
    page.goto(f"{live_server.url}/sign-up/")
    page.get_by_role("button", name="Create account").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There are 4 problems")
    summary.get_by_role("link", name="Work email: This field is required.").click()
    expect(page.get_by_label("Work email")).to_be_focused()
    expect(page.get_by_label("Work email")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Work email")).to_have_accessible_description(re.compile("This field is required"))


def test_a_wrong_password_marks_both_fields_invalid_and_describes_them_by_the_alert(page, live_server, owner):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email").fill(owner.user.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("alert")).to_be_focused()
    for label in ("Email", "Password"):
        expect(page.get_by_label(label)).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_label(label)).to_have_accessible_description(re.compile("Please enter a correct"))


def _tab_to(page, predicate: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches the JavaScript predicate (given the element as `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


@pytest.mark.usefixtures("policies")
def test_a_publisher_signs_in_fills_a_page_saves_and_publishes_with_the_keyboard_alone(
    page, live_server, owner, https_endpoint
):
    offer = complete_offer(owner, "consulting", https_endpoint)
    page.goto(f"{live_server.url}/sign-in/")
    expect(page.get_by_label("Email")).to_be_focused()  # the sign-in form starts in its first field
    page.keyboard.type(owner.user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    page.keyboard.press("Tab")  # the skip link comes first, and jumps over the navigation
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    _tab_to(page, f"el.getAttribute('href') === '/offers/{offer.pk}/'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/offers/{offer.pk}/$"))
    _tab_to(page, "el.textContent.trim() === 'Offer listing' || el.textContent.trim().startsWith('Offer listing')")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/pages/offer_listing/$"))
    _tab_to(page, "el.labels?.[0]?.textContent.trim() === 'Search results summary'")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Typed with the keyboard: a migration proved in three weeks.")
    _tab_to(page, "el.value === 'save'")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Offer listing saved. The page is complete.")).to_be_visible()
    expect(page.get_by_label("Search results summary")).to_have_value(
        "Typed with the keyboard: a migration proved in three weeks."
    )

    _tab_to(page, "el.textContent.trim().endsWith('Review and publish') && el.tagName === 'A'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/review/$"))
    _tab_to(page, "el.dataset.testid === 'publish'")
    page.keyboard.press("Space")
    expect(page.get_by_test_id("overview-status")).to_have_text("Publish in progress")


def test_a_step_that_changes_while_the_overview_polls_is_announced_in_the_polite_live_region(
    browser, live_server, demo
):
    context, page = _context(browser, live_server, "owner@contoso.example")
    publishing = demo["contoso-security-workshop"]
    page.goto(f"{live_server.url}/offers/{publishing.pk}/")
    region = page.locator("#live-region")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_be_empty()  # nothing is read out on load
    item = ReviewItem.objects.get(submission__offer=publishing, state=ReviewItem.State.OPEN)
    reviewer = get_user_model().objects.get(email="reviewer@portal.example")

    review_decide(item_id=item.pk, decision="approve", by=reviewer)

    expect(region).to_contain_text(re.compile(r"content review: Succeeded", re.IGNORECASE), timeout=15_000)
    context.close()
