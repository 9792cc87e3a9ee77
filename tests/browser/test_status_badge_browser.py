"""In Chromium: the status badge beside the offer's name and the status panel agree after every transition."""

import pytest
from playwright.sync_api import expect

from tests.certification.support import complete_offer, publish_to_live
from tests.factories import PASSWORD, UserFactory
from tests.support import browser_go_live, browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("policies")]


def _agree(page, status: str) -> None:
    expect(page.get_by_test_id("overview-status")).to_have_text(status, timeout=30_000)
    expect(page.get_by_test_id("offer-status")).to_have_text(status)


def test_an_update_to_preview_then_a_failed_go_live_keep_the_badge_and_the_panel_in_agreement(
    page, live_server, celery_worker, owner, https_endpoint
):
    offer = complete_offer(owner, "consulting", https_endpoint)
    publish_to_live(offer, owner, UserFactory(is_staff=True))
    browser_sign_in(page, live_server.url, owner.user.email, PASSWORD)
    page.goto(f"{live_server.url}/offers/{offer.pk}/")
    _agree(page, "Live")

    page.get_by_role("link", name="Update offer").click()
    page.get_by_test_id("publish").click()
    expect(page.get_by_text("Publishing started.")).to_be_visible()
    page.evaluate("window.__samePage = true")
    _agree(page, "Preview")  # the unchanged listing's content review is approved by rule
    expect(page.get_by_text("Publishing started.")).to_have_count(0)
    expect(page.get_by_test_id("go-live")).to_be_visible()

    https_endpoint.status = 500  # the publish phase's lead check is refused
    browser_go_live(page)
    page.evaluate("window.__samePage = true")
    _agree(page, "Attention needed")
    expect(page.get_by_text("Go live: the publish phase has started.")).to_have_count(0)
    expect(page.get_by_test_id("step-publish-lead_management")).to_have_text("Failed")
    assert page.evaluate("window.__samePage") is True  # the panel refreshed itself, no reload
