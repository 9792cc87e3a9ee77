"""In Chromium (issue 13): while a reviewer holds the item the publisher's overview says who and when; the
publisher's reply to a finding reaches the reviewer's admin page and the answer reaches the publisher by email and
bell; the fixed resubmission keeps its due date and shows the reviewer the checklist.

Everything is real: the pipeline runs on a Celery worker thread over Redis, emails travel over SMTP to a local
server, and the offer's endpoints are a local HTTPS server.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certification.models import ReviewerAlias, ReviewItem
from certification.operations import staff_groups_ensure
from certification.services import submission_start
from tests.browser.test_reviewer_browser import _admin_sign_in, _claim, _emails, _open_item_from_the_queue, _wait_for
from tests.certification.support import complete_offer
from tests.factories import PASSWORD, UserFactory
from tests.support import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("policies")]

NOTES = "The name must say what the engagement delivers."
REPLY = "Our name already says Migration; which word is missing?"
ANSWER = "Name the database platform, for example SQL to Azure SQL."
FIXED_NAME = "SQL to Azure SQL: 3-Wk Proof of Concept"


def _publisher(page, base_url, owner, offer) -> None:
    page.goto("about:blank")  # the last page stops polling before its cookies go
    page.context.clear_cookies()
    browser_sign_in(page, base_url, owner.user.email, PASSWORD)
    page.goto(f"{base_url}/offers/{offer.pk}/")


def _submit(page, base_url, offer) -> None:
    page.goto(f"{base_url}/offers/{offer.pk}/review/")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("overview-status")).to_have_text("Publish in progress")


def test_who_and_when_a_conversation_on_a_finding_and_a_fix_up_that_keeps_its_due_date(
    page, live_server, celery_worker, smtp_sink, https_endpoint, owner, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    reviewer = UserFactory(is_staff=True, email="rita@portal.example")
    reviewer.groups.add(staff_groups_ensure()["Reviewers"])
    ReviewerAlias.objects.create(user=reviewer, alias="Rita")
    offer = complete_offer(owner, "consulting", https_endpoint)
    owner.user.set_password(PASSWORD)
    owner.user.save()
    first = submission_start(offer_id=offer.pk, by=owner.user)
    _wait_for(lambda: ReviewItem.objects.filter(submission=first, state="open").exists(), "the content review item")
    listing_name = first.snapshot.data["pages"]["offer_listing"]["name"]

    # The reviewer claims the item: the publisher's overview says who holds it and when to expect the decision.
    _admin_sign_in(page, live_server.url, reviewer)
    _open_item_from_the_queue(page, listing_name, "1")
    _claim(page)
    item = ReviewItem.objects.get(submission=first)
    due = timezone.localtime(item.due_at)
    _publisher(page, live_server.url, owner, offer)
    expect(page.get_by_test_id("review-holder")).to_have_text(
        f"picked up by Rita at {timezone.localtime(item.claimed_at):%H:%M}"
    )
    expect(page.get_by_test_id("review-due")).to_have_text(f"expected decision by {due:%a} {due.day} {due:%b}")
    _emails(smtp_sink, f"{listing_name}: Content review picked up by Rita")

    # The reviewer rejects; the publisher replies to the finding from the overview.
    _admin_sign_in(page, live_server.url, reviewer)
    page.goto(f"{live_server.url}/admin/certification/contentreviewitem/{item.pk}/review/")
    page.get_by_label("Reject").check()
    page.locator("#id_citations-0-policy").select_option("100.1.1")
    page.locator("#id_citations-0-notes").fill(NOTES)
    page.get_by_test_id("submit-decision").click()
    expect(page.locator(".messagelist")).to_contain_text("Rejected")
    _publisher(page, live_server.url, owner, offer)
    expect(page.get_by_test_id("overview-status")).to_have_text("Attention needed")
    finding = page.get_by_test_id("failure-report").locator("li[id^=finding-]").first
    finding.get_by_text("Reply or dispute").click()
    finding.get_by_label("Your message to the reviewers").fill(REPLY)
    finding.get_by_test_id("reply").click()
    expect(page.get_by_text("Sent to the reviewers.")).to_be_visible()

    # The reply reaches the reviewer (email and admin, marked unanswered); the reviewer answers.
    _emails(smtp_sink, f"{listing_name}: the publisher replied to a finding")
    _admin_sign_in(page, live_server.url, reviewer)
    page.goto(f"{live_server.url}/admin/certification/reviewitem/")
    row = page.locator("#result_list tbody tr").filter(has=page.get_by_test_id("unanswered-replies"))
    expect(row).to_have_count(1)
    row.get_by_role("link").first.click()
    thread = page.get_by_test_id("conversations")
    expect(thread).to_contain_text(REPLY)
    expect(thread.get_by_test_id("unanswered")).to_be_visible()
    thread.get_by_label("Your answer").fill(ANSWER)
    thread.get_by_test_id("answer").click()
    expect(page.locator(".messagelist")).to_contain_text("Answer sent to the publisher")

    # The answer reaches the publisher by email and in the bell, and shows on the overview as new.
    answer_email = _emails(smtp_sink, f"{listing_name}: a reviewer answered you")[0]
    assert ANSWER in answer_email.get_body(preferencelist=("plain",)).get_content()
    _publisher(page, live_server.url, owner, offer)
    expect(page.get_by_test_id("failure-report").get_by_test_id("unread")).to_be_visible()
    expect(page.get_by_test_id("failure-report")).to_contain_text(ANSWER)
    bell = page.get_by_test_id("bell")
    expect(bell).to_have_attribute("aria-label", re.compile(r"Notifications, [1-9]\d* unread"))
    bell.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("notices")).to_contain_text("a reviewer answered you on a finding")
    page.get_by_test_id("notices-read-all").click()
    expect(page.get_by_test_id("bell")).to_have_attribute("aria-label", "Notifications, 0 unread")

    # The publisher fixes the name and resubmits: the item keeps its due date and the reviewer sees the checklist.
    page.goto(f"{live_server.url}/offers/{offer.pk}/pages/offer_listing/")
    page.locator('[name="name"]').fill(FIXED_NAME)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("page-status")).to_have_text("Complete")
    _submit(page, live_server.url, offer)
    again = _wait_for(
        lambda: ReviewItem.objects.filter(submission__offer=offer, state="open").first(), "the resubmission's item"
    )
    assert again.due_at == item.due_at
    expect(page.get_by_test_id("review-due")).to_have_text(f"expected decision by {due:%a} {due.day} {due:%b}")
    _admin_sign_in(page, live_server.url, reviewer)
    page.goto(f"{live_server.url}/admin/certification/contentreviewitem/{again.pk}/review/")
    checklist = page.get_by_test_id("resubmission-checklist")
    expect(checklist).to_contain_text("Resubmission after the rejection of")
    expect(checklist.get_by_test_id("checklist-row")).to_have_count(1)
    expect(checklist.get_by_test_id("checklist-status")).to_have_text("To check")
    expect(checklist).to_contain_text(FIXED_NAME)
    _claim(page)
    page.get_by_test_id("resubmission-checklist").get_by_test_id("tick-fixed").click()
    expect(page.get_by_test_id("resubmission-checklist").get_by_test_id("checklist-status")).to_have_text("Fixed")
