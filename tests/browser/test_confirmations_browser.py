"""In Chromium: Go live, Cancel publish and Stop selling ask first; backing out changes nothing, answering acts."""

import pytest
from playwright.sync_api import expect

from certification.models import Submission
from certification.services import submission_start
from offers.models import Offer, Plan
from tests.certification.support import complete_offer, publish_to_preview
from tests.factories import PASSWORD, UserFactory
from tests.storefront.factories import live_offer, saas_plan
from tests.support import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("policies")]


def _status(offer) -> str:
    return Offer.objects.get(pk=offer.pk).status


def test_go_live_asks_first_backing_out_changes_nothing_and_answering_goes_live(
    page, live_server, celery_worker, owner, https_endpoint
):
    offer = complete_offer(owner, "consulting", https_endpoint)
    publish_to_preview(offer, owner, UserFactory(is_staff=True))
    browser_sign_in(page, live_server.url, owner.user.email, PASSWORD)
    page.goto(f"{live_server.url}/offers/{offer.pk}/")

    page.get_by_test_id("go-live").click()
    dialog = page.get_by_role("dialog", name="Go live?")
    expect(dialog).to_contain_text("every customer of the marketplace")
    expect(dialog.get_by_role("button", name="Not yet")).to_be_focused()
    dialog.get_by_role("button", name="Not yet").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("go-live")).to_be_focused()
    assert _status(offer) == Offer.Status.PREVIEW

    page.get_by_test_id("go-live").click()
    expect(dialog.get_by_role("button", name="Not yet")).to_be_focused()  # shown: Escape now closes it
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert _status(offer) == Offer.Status.PREVIEW

    page.get_by_test_id("go-live").click()
    dialog.get_by_role("button", name="Go live").click()
    expect(page.get_by_text("Go live: the publish phase has started.")).to_be_visible()
    expect(page.get_by_test_id("overview-status")).to_have_text("Live", timeout=20_000)


def test_cancel_publish_asked_while_the_panel_refreshes_cancels_the_submission(
    page, live_server, celery_worker, owner, https_endpoint
):
    offer = complete_offer(owner, "consulting", https_endpoint)
    submission = submission_start(offer_id=offer.pk, by=owner.user)
    browser_sign_in(page, live_server.url, owner.user.email, PASSWORD)
    page.goto(f"{live_server.url}/offers/{offer.pk}/")

    page.get_by_test_id("cancel-publish").click()
    dialog = page.get_by_role("dialog", name="Cancel publishing?")
    dialog.get_by_role("button", name="Keep publishing").click()
    expect(dialog).to_be_hidden()
    assert _status(offer) == Offer.Status.PUBLISH_IN_PROGRESS

    page.get_by_test_id("cancel-publish").click()
    page.evaluate("document.getElementById('status-inner').dataset.asked = 'yes'")
    expect(page.locator("#status-inner[data-asked]")).to_have_count(0)  # htmx swapped the panel meanwhile
    dialog.get_by_role("button", name="Cancel publish").click()
    expect(page.get_by_text("Publishing cancelled.")).to_be_visible()
    assert Submission.objects.get(pk=submission.pk).state == Submission.State.CANCELLED
    assert _status(offer) == Offer.Status.DRAFT


def test_stop_selling_a_plan_asks_first_and_names_the_plan(page, live_server, owner):
    offer = live_offer(owner.account, plans=[saas_plan("standard"), saas_plan("premium", name="Premium")])
    browser_sign_in(page, live_server.url, owner.user.email, PASSWORD)
    page.goto(f"{live_server.url}/offers/{offer.pk}/")

    plans = page.get_by_role("button", name="Stop selling plan")
    plans.last.click()
    dialog = page.get_by_role("dialog", name="Stop selling the plan Premium?")
    dialog.get_by_role("button", name="Keep selling").click()
    expect(dialog).to_be_hidden()
    assert Plan.objects.get(offer=offer, plan_id="premium").status == Plan.Status.LIVE

    plans.last.click()
    dialog.get_by_role("button", name="Stop selling plan").click()
    expect(page.get_by_text("Stop selling plan premium requested.")).to_be_visible()
    assert Plan.objects.get(offer=offer, plan_id="premium").status != Plan.Status.LIVE
    assert Plan.objects.get(offer=offer, plan_id="standard").status == Plan.Status.LIVE


def test_without_javascript_stop_selling_asks_on_a_page_of_its_own(browser, live_server, owner):
    offer = live_offer(owner.account)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    browser_sign_in(page, live_server.url, owner.user.email, PASSWORD)
    page.goto(f"{live_server.url}/offers/{offer.pk}/")

    page.get_by_test_id("stop-selling").click()
    expect(page.get_by_role("heading", name="Stop selling this offer?")).to_be_visible()
    page.get_by_role("link", name="Keep selling").click()
    expect(page.get_by_test_id("overview-status")).to_have_text("Live")
    assert _status(offer) == Offer.Status.LIVE

    page.get_by_test_id("stop-selling").click()
    page.get_by_role("button", name="Stop selling").click()
    expect(page.get_by_text("Stop selling requested.")).to_be_visible()
    assert _status(offer) == Offer.Status.PENDING_STOP_SELL
    context.close()
