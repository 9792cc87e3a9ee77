"""In Chromium: a reviewer works the content queue in admin; the publisher reads the report, fixes and resubmits.

Everything is real: the pipeline runs on a Celery worker thread over Redis, emails travel over SMTP to a local
server, and the offer's endpoints are a local HTTPS server.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from certification.models import ReviewItem, Submission
from certification.operations import staff_groups_ensure
from certification.services import submission_start
from offers.models import Offer
from tests.certification.support import complete_offer
from tests.factories import PASSWORD, UserFactory
from tests.support import browser_sign_in, browser_staff_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("policies")]

NOTES = "The name must say what the engagement delivers; add the database platform."
INTERNAL = "Borderline call; Sam agreed."
FIXED_NAME = "SQL to Azure SQL: 3-Wk Proof of Concept"


def _wait_for(condition, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _emails(sink, subject_start: str, count: int = 1) -> list:
    def arrived():
        found = [m["message"] for m in sink.messages if m["message"]["Subject"].startswith(subject_start)]
        return found if len(found) >= count else None

    return _wait_for(arrived, f"{count} email(s) '{subject_start}…'")


def _admin_sign_in(page, base_url: str, user, landmark: str = "Content review queue") -> None:
    page.goto("about:blank")  # the last page stops polling before its cookies go
    page.context.clear_cookies()
    browser_staff_sign_in(page, base_url, user.email, PASSWORD)
    expect(page.get_by_role("link", name=landmark, exact=True)).to_be_visible()


def _open_item_from_the_queue(page, listing_name: str, count: str) -> None:
    expect(page.get_by_test_id("queue-count-contentreviewitem")).to_have_text(count)
    page.get_by_role("link", name="Content review queue").click()
    row = page.locator("#result_list tbody tr").filter(has_text=listing_name)
    expect(row).to_have_count(1)
    row.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/admin/certification/contentreviewitem/\d+/review/$"))
    expect(page.get_by_test_id("listing-name")).to_have_text(listing_name)


def _claim(page) -> None:
    page.get_by_test_id("claim").click()
    expect(page.get_by_test_id("release")).to_be_visible()


def test_a_reviewer_rejects_in_admin_the_publisher_fixes_and_resubmits_and_the_offer_reaches_preview(
    page, live_server, celery_worker, smtp_sink, https_endpoint, owner, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    reviewer = UserFactory(is_staff=True, email="rita@portal.example")
    reviewer.groups.add(staff_groups_ensure()["Reviewers"])  # transactional tests flush what the migration made
    offer = complete_offer(owner, "consulting", https_endpoint)
    owner.user.set_password(PASSWORD)
    owner.user.save()
    first = submission_start(offer_id=offer.pk, by=owner.user)
    _wait_for(lambda: ReviewItem.objects.filter(submission=first, state="open").exists(), "the content review item")
    listing_name = first.snapshot.data["pages"]["offer_listing"]["name"]

    # The reviewer finds the item in the content queue, claims it and rejects it citing 100.1.1.
    _admin_sign_in(page, live_server.url, reviewer)
    _open_item_from_the_queue(page, listing_name, "1")
    _claim(page)
    page.get_by_label("Reject").check()
    page.locator("#id_citations-0-policy").select_option("100.1.1")
    page.locator("#id_citations-0-notes").fill(NOTES)
    page.get_by_label("Internal comments").fill(INTERNAL)
    page.get_by_test_id("submit-decision").click()
    expect(page.locator(".messagelist")).to_contain_text("Rejected")
    expect(page.locator("#result_list")).to_have_count(0)  # the queue is empty now

    # The report email arrives over SMTP, sent by the worker, without the internal comments.
    report = _emails(smtp_sink, "Action needed")[0]
    report_text = report.get_body(preferencelist=("plain",)).get_content()
    report_html = report.get_body(preferencelist=("html",)).get_content()
    assert "Policy 100.1.1 Title" in report_text
    assert NOTES in report_text
    assert f"/offers/{offer.pk}/pages/offer_listing/#id_name" in report_html
    assert INTERNAL not in report_text + report_html
    [recipients] = [m["to"] for m in smtp_sink.messages if m["message"] is report]  # not "the first email sent"
    assert sorted(recipients) == [owner.user.email]

    # The publisher sees Attention needed and the report on the overview page, and fixes the name.
    page.goto("about:blank")  # the last page stops polling before its cookies go
    page.context.clear_cookies()
    browser_sign_in(page, live_server.url, owner.user.email, PASSWORD)
    page.goto(f"{live_server.url}/offers/{offer.pk}/")
    expect(page.get_by_test_id("overview-status")).to_have_text("Attention needed")
    failure_report = page.get_by_test_id("failure-report")
    expect(failure_report).to_contain_text("100.1.1")
    expect(failure_report).to_contain_text(NOTES)
    expect(page.locator("body")).not_to_contain_text(INTERNAL)
    failure_report.get_by_role("link", name=re.compile("Fix it")).first.click()
    expect(page).to_have_url(re.compile(rf"/offers/{offer.pk}/pages/offer_listing/"))
    page.locator('[name="name"]').fill(FIXED_NAME)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("page-status")).to_have_text("Complete")
    expect(page.locator('[name="name"]')).to_have_value(FIXED_NAME)
    page.goto(f"{live_server.url}/offers/{offer.pk}/review/")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("overview-status")).to_have_text("Publish in progress")
    second = Submission.objects.get(offer=offer, number=2)
    _wait_for(lambda: ReviewItem.objects.filter(submission=second, state="open").exists(), "the resubmission's item")

    # The listing changed, so no rule approves it: the reviewer approves the resubmission, which kept its place.
    _admin_sign_in(page, live_server.url, reviewer)
    _open_item_from_the_queue(page, FIXED_NAME, "1")
    expect(page.get_by_test_id("resubmission")).to_be_visible()
    expect(page.get_by_test_id("earlier-decisions")).to_contain_text(NOTES)
    _claim(page)
    page.get_by_label("Approve").check()
    page.get_by_test_id("submit-decision").click()
    expect(page.locator(".messagelist")).to_contain_text("Approved")

    # The offer reaches Preview and the sign-off email arrives.
    _wait_for(lambda: Offer.objects.get(pk=offer.pk).status == Offer.Status.PREVIEW, "Preview")
    signoff = _emails(smtp_sink, "Preview ready")[0]
    assert f"/offers/{offer.pk}/" in signoff.get_body(preferencelist=("plain",)).get_content()
    page.goto("about:blank")  # the last page stops polling before its cookies go
    page.context.clear_cookies()
    browser_sign_in(page, live_server.url, owner.user.email, PASSWORD)
    page.goto(f"{live_server.url}/offers/{offer.pk}/")
    expect(page.get_by_test_id("overview-status")).to_have_text("Preview")
    expect(page.get_by_test_id("go-live")).to_be_visible()


def test_an_operator_cancels_publishing_from_the_submission_page(
    page, live_server, celery_worker, smtp_sink, https_endpoint, owner, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    operator = UserFactory(is_staff=True, email="otto@portal.example")
    operator.groups.add(staff_groups_ensure()["Operators"])
    offer = complete_offer(owner, "consulting", https_endpoint)
    submission = submission_start(offer_id=offer.pk, by=owner.user)
    _wait_for(
        lambda: ReviewItem.objects.filter(submission=submission, state="open").exists(), "the content review item"
    )

    # The Cancel publishing button posts the change form to the operator's cancel view, which runs the service.
    _admin_sign_in(page, live_server.url, operator, landmark="Submissions")
    page.goto(f"{live_server.url}/admin/certification/submission/{submission.pk}/change/")
    page.get_by_test_id("operator-transitions").get_by_role("button", name="Cancel publishing").click()

    expect(page.locator(".messagelist")).to_contain_text("Cancelled: 1 submission(s).")
    expect(page).to_have_url(re.compile(rf"/admin/certification/submission/{submission.pk}/change/$"))
    expect(page.get_by_test_id("operator-transitions")).to_have_count(0)
    submission.refresh_from_db()
    assert submission.state == Submission.State.CANCELLED
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.DRAFT
