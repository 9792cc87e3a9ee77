"""In Chromium: publish from Review and publish, watch the timeline advance without reloading, Go live, see Live."""

import time

import pytest
from playwright.sync_api import expect

from certification.models import ReviewItem
from certification.reviews import review_decide
from tests.certification.support import complete_offer
from tests.factories import PASSWORD, UserFactory
from tests.support import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("policies")]


def _approve_when_queued(offer, reviewer, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = ReviewItem.objects.filter(submission__offer=offer, state=ReviewItem.State.OPEN).first()
        if item is not None:
            review_decide(item_id=item.pk, decision="approve", by=reviewer)
            return
        time.sleep(0.1)
    raise AssertionError("no review item appeared")


def test_a_publisher_publishes_watches_the_steps_advance_goes_live_and_sees_live(
    page, live_server, celery_worker, owner, https_endpoint
):
    reviewer = UserFactory(is_staff=True)
    offer = complete_offer(owner, "consulting", https_endpoint)
    browser_sign_in(page, live_server.url, owner.user.email, PASSWORD)
    page.goto(f"{live_server.url}/offers/{offer.pk}/review/")
    page.get_by_test_id("publish").click()

    # the overview polls with htmx: the steps advance while the page stays the same document
    expect(page.get_by_test_id("overview-status")).to_have_text("Publish in progress")
    page.evaluate("window.__samePage = true")
    expect(page.get_by_test_id("step-automated_validation-lead_management")).to_have_text("Succeeded", timeout=20_000)
    expect(page.get_by_test_id("step-certification-content_review")).to_have_text("Waiting", timeout=20_000)
    _approve_when_queued(offer, reviewer)
    expect(page.get_by_test_id("overview-status")).to_have_text("Preview", timeout=20_000)
    assert page.evaluate("window.__samePage") is True
    expect(page.get_by_test_id("preview-links")).to_contain_text("preview")

    page.get_by_test_id("go-live").click()
    page.get_by_role("dialog", name="Go live?").get_by_role("button", name="Go live").click()
    expect(page.get_by_test_id("overview-status")).to_have_text("Live", timeout=20_000)
    expect(page.get_by_test_id("step-publish-final_publish")).to_have_text("Succeeded")
    expect(page.get_by_test_id("stop-selling")).to_be_visible()
