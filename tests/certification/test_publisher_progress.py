"""Issue 13: who holds the review and when to expect a decision, fix-ups that keep their due date with a checklist,
the conversation on a finding, and the bell."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certification.forecasts import forecasts_refresh
from certification.models import Finding, FindingMessage, Notice, ReviewerAlias, ReviewItem
from certification.operations import staff_groups_ensure
from certification.reviews import finding_reply
from offers.models import Offer, OfferEvent
from outbox.models import OutboxMessage
from tests.certification.support import complete_offer, finding_make, publish_to_preview
from tests.certification.test_admin_review_decisions import (
    _claimed,
    _decide_url,
    _decision,
    _item_url,
    _publish,
    _rename,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policies")]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reviewer(db):
    user = UserFactory(is_staff=True, email="rita@portal.example")
    user.groups.add(staff_groups_ensure()["Reviewers"])
    return user


@pytest.fixture
def reviewer_client(reviewer):
    browser = Client()
    browser.force_login(reviewer)
    return browser


@pytest.fixture
def consulting(owner, https_endpoint):
    return complete_offer(owner, "consulting", https_endpoint)


def _overview(client, offer) -> str:
    return client.get(reverse("certification:overview", args=[offer.pk])).content.decode()


def _rejected(reviewer_client, owner, offer, *citations):
    submission = _publish(offer, owner)
    item = _claimed(reviewer_client, submission)
    reviewer_client.post(_decide_url(item), _decision("reject", *(citations or [("100.1.1", "Rename it.")])))
    item.refresh_from_db()
    return submission, item


def _reply_url(offer, finding) -> str:
    return reverse("certification:finding-message", args=[offer.pk, finding.pk])


def _answer_url(item, finding) -> str:
    return reverse("admin:certification_reviewitem_answer", args=[item.pk, finding.pk])


# -- who and when --------------------------------------------------------------------------------------------------


def test_while_claimed_the_overview_shows_who_holds_it_and_the_queues_due_date(
    reviewer, reviewer_client, owner, owner_client, consulting
):
    ReviewerAlias.objects.create(user=reviewer, alias="Rita")
    submission = _publish(consulting, owner)
    item = _claimed(reviewer_client, submission)
    item.refresh_from_db()

    page = _overview(owner_client, consulting)

    due = timezone.localtime(item.due_at)
    assert f"picked up by Rita at {timezone.localtime(item.claimed_at):%H:%M}" in page
    assert f"expected decision by {due:%a} {due.day} {due:%b}" in page


def test_before_anyone_claims_it_the_overview_says_it_waits_for_a_reviewer(owner, owner_client, consulting):
    _publish(consulting, owner)

    page = _overview(owner_client, consulting)

    assert "waiting for a reviewer to pick it up" in page
    assert "expected decision by" in page


def test_a_claim_emails_the_publisher_who_and_when_and_rings_the_bell(reviewer, reviewer_client, owner, consulting):
    reviewer.first_name = "Rita"
    reviewer.save()
    item = _claimed(reviewer_client, _publish(consulting, owner))
    item.refresh_from_db()

    email = OutboxMessage.objects.get(key=f"review:{item.pk}:claimed")
    due = timezone.localtime(item.due_at)
    assert "picked up by Rita" in email.body_text
    assert f"Expected decision by {due:%a} {due.day} {due:%b}" in email.body_text
    assert owner.user.email in email.recipients
    assert Notice.objects.filter(user=owner.user, key=f"review:{item.pk}:claimed").exists()


def test_an_expired_claim_no_longer_shows_a_holder(reviewer_client, owner, owner_client, consulting, settings):
    item = _claimed(reviewer_client, _publish(consulting, owner))
    ReviewItem.objects.filter(pk=item.pk).update(
        claimed_at=timezone.now() - timedelta(hours=5), last_activity_at=timezone.now() - timedelta(hours=5)
    )

    assert "waiting for a reviewer to pick it up" in _overview(owner_client, consulting)


# -- fix-ups keep their place and due date ----------------------------------------------------------------------------


def test_a_fixed_resubmission_keeps_its_due_date_and_shows_the_checklist(reviewer_client, owner, consulting):
    _first, item = _rejected(reviewer_client, owner, consulting)
    _rename(consulting, "SQL to Azure Migration: 3-Wk Proof of Concept")

    again = ReviewItem.objects.get(submission=_publish(consulting, owner))

    assert again.due_at == item.due_at
    assert again.queued_since == item.queued_since
    assert again.resubmission_of == item
    page = reviewer_client.get(_item_url(again)).content.decode()
    assert "Resubmission after the rejection of" in page
    assert 'data-status="unchecked"' in page
    assert "SQL to Azure Migration: 3-Wk Proof of Concept" in page  # the change since the rejected snapshot


def test_the_reviewer_ticks_a_previous_finding_fixed(reviewer_client, owner, consulting):
    first, _item = _rejected(reviewer_client, owner, consulting)
    _rename(consulting, "SQL to Azure Migration: 3-Wk Proof of Concept")
    again = _claimed(reviewer_client, _publish(consulting, owner))
    finding = first.findings.get(source=Finding.Source.REVIEWER)

    reviewer_client.post(
        reverse("admin:certification_contentreviewitem_checklist", args=[again.pk, finding.pk]), {"fixed": "yes"}
    )

    assert 'data-status="fixed"' in reviewer_client.get(_item_url(again)).content.decode()


def test_a_resubmission_after_the_window_gets_a_new_due_date(reviewer_client, owner, consulting, settings):
    settings.REVIEW_RESUBMISSION_DAYS = 0
    _first, item = _rejected(reviewer_client, owner, consulting)
    _rename(consulting, "SQL to Azure Migration: 3-Wk Proof of Concept")

    again = ReviewItem.objects.get(submission=_publish(consulting, owner))

    assert again.queued_since == item.queued_since  # still its place
    assert again.due_at > item.due_at


# -- the conversation on a finding ----------------------------------------------------------------------------------


def test_a_publishers_reply_reaches_the_reviewer_and_marks_the_item(
    reviewer, reviewer_client, owner, owner_client, consulting
):
    submission, item = _rejected(reviewer_client, owner, consulting)
    finding = submission.findings.get(source=Finding.Source.REVIEWER)

    owner_client.post(_reply_url(consulting, finding), {"body": "The name says migration already.", "action": "reply"})

    message = FindingMessage.objects.get(finding=finding)
    assert message.kind == FindingMessage.Kind.REPLY
    email = OutboxMessage.objects.get(key=f"finding-message:{message.pk}")
    assert email.recipients == [reviewer.email]
    page = reviewer_client.get(_item_url(item, "review").replace("contentreviewitem", "reviewitem")).content.decode()
    assert "The name says migration already." in page
    assert 'data-testid="unanswered"' in page
    listing = reviewer_client.get(reverse("admin:certification_reviewitem_changelist")).content.decode()
    assert 'data-testid="unanswered-replies"' in listing


def test_the_reviewers_answer_reaches_the_publisher_by_email_bell_and_overview(
    reviewer_client, owner, owner_client, consulting
):
    submission, item = _rejected(reviewer_client, owner, consulting)
    finding = submission.findings.get(source=Finding.Source.REVIEWER)
    owner_client.post(_reply_url(consulting, finding), {"body": "Why?", "action": "reply"})

    reviewer_client.post(_answer_url(item, finding), {"body": "Say what it delivers.", "action": "answer"})

    answer = FindingMessage.objects.get(finding=finding, kind=FindingMessage.Kind.ANSWER)
    assert "Say what it delivers." in OutboxMessage.objects.get(key=f"finding-message:{answer.pk}").body_text
    assert Notice.objects.filter(user=owner.user, key=f"finding-message:{answer.pk}").exists()
    first_view = _overview(owner_client, consulting)
    assert "Say what it delivers." in first_view
    assert 'data-testid="unread"' in first_view
    assert 'data-testid="unread"' not in _overview(owner_client, consulting)  # read once seen
    assert FindingMessage.objects.get(pk=FindingMessage.objects.filter(kind="reply").get().pk).answered_at


def test_an_internal_comment_stays_internal(reviewer_client, owner, owner_client, consulting):
    submission, item = _rejected(reviewer_client, owner, consulting)
    finding = submission.findings.get(source=Finding.Source.REVIEWER)
    owner_client.post(_reply_url(consulting, finding), {"body": "Why?", "action": "reply"})

    reviewer_client.post(_answer_url(item, finding), {"body": "Ask Sam first.", "action": "internal"})

    assert "Ask Sam first." not in _overview(owner_client, consulting)
    assert not OutboxMessage.objects.filter(body_text__contains="Ask Sam first.").exists()
    assert (
        "Ask Sam first."
        in reviewer_client.get(_item_url(item).replace("contentreviewitem", "reviewitem")).content.decode()
    )


def test_an_accepted_dispute_withdraws_the_finding_in_history(reviewer_client, owner, owner_client, consulting):
    submission, item = _rejected(reviewer_client, owner, consulting)
    finding = submission.findings.get(source=Finding.Source.REVIEWER)
    owner_client.post(_reply_url(consulting, finding), {"body": "It is compliant.", "action": "dispute"})

    reviewer_client.post(_answer_url(item, finding), {"body": "Agreed, our mistake.", "action": "accept"})

    finding.refresh_from_db()
    assert finding.withdrawn
    assert OfferEvent.objects.filter(offer=consulting, kind="finding_withdrawn").exists()
    assert 'data-testid="withdrawn"' in _overview(owner_client, consulting)


def test_accepting_without_a_dispute_is_refused(reviewer_client, owner, owner_client, consulting):
    submission, item = _rejected(reviewer_client, owner, consulting)
    finding = submission.findings.get(source=Finding.Source.REVIEWER)
    owner_client.post(_reply_url(consulting, finding), {"body": "Why?", "action": "reply"})

    reviewer_client.post(_answer_url(item, finding), {"body": "Fine.", "action": "accept"})

    finding.refresh_from_db()
    assert not finding.withdrawn


def test_an_empty_reply_is_refused_with_a_message(reviewer_client, owner, owner_client, consulting):
    submission, _item = _rejected(reviewer_client, owner, consulting)
    finding = submission.findings.get(source=Finding.Source.REVIEWER)

    response = owner_client.post(_reply_url(consulting, finding), {"body": "  ", "action": "reply"}, follow=True)

    assert response.status_code == 200
    assert "Write your message." in response.content.decode()
    assert not FindingMessage.objects.exists()


def test_a_developer_may_not_answer_a_finding(reviewer_client, owner, consulting):
    submission, _item = _rejected(reviewer_client, owner, consulting)
    finding = submission.findings.get(source=Finding.Source.REVIEWER)
    developer = MembershipFactory(account=owner.account, role="developer")
    browser = Client()
    browser.force_login(developer.user)

    browser.post(_reply_url(consulting, finding), {"body": "Hi", "action": "reply"})

    assert not FindingMessage.objects.exists()


def test_a_finding_of_another_offer_is_not_found(reviewer_client, owner, owner_client, consulting, https_endpoint):
    submission, _item = _rejected(reviewer_client, owner, consulting)
    finding = submission.findings.get(source=Finding.Source.REVIEWER)
    other = complete_offer(owner, "consulting", https_endpoint, offer_id="other-offer")

    response = owner_client.post(_reply_url(other, finding), {"body": "Hi", "action": "reply"})

    assert response.status_code == 404


# -- the bell -------------------------------------------------------------------------------------------------------


def test_the_bell_counts_unread_entries_and_marks_them_read(owner, owner_client):
    Notice.objects.create(user=owner.user, key="a", message="Contoso: content review approved", url="/")
    Notice.objects.create(user=owner.user, key="b", message="Contoso is live", url="/")

    page = owner_client.get(reverse("certification-notices:list")).content.decode()
    assert 'aria-label="Notifications, 2 unread"' in page
    assert "Contoso is live" in page

    owner_client.post(reverse("certification-notices:read-all"))

    assert 'aria-label="Notifications, 0 unread"' in owner_client.get(reverse("portal:dashboard")).content.decode()


def test_one_entry_is_marked_read_and_opens_its_page(owner, owner_client):
    notice = Notice.objects.create(user=owner.user, key="a", message="m", url="/offers/1/")

    response = owner_client.post(reverse("certification-notices:read", args=[notice.pk]), {"open": "1"})

    assert response.url == "/offers/1/"
    notice.refresh_from_db()
    assert not notice.unread


def test_another_users_entry_is_not_found(owner, owner_client, manager):
    notice = Notice.objects.create(user=manager.user, key="a", message="m")

    response = owner_client.post(reverse("certification-notices:read", args=[notice.pk]))

    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.unread


def test_a_reply_may_carry_a_pdf_the_reviewer_downloads(reviewer_client, owner, owner_client, consulting):
    submission, item = _rejected(reviewer_client, owner, consulting)
    finding = submission.findings.get(source=Finding.Source.REVIEWER)
    pdf = SimpleUploadedFile("evidence.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "application/pdf")

    owner_client.post(_reply_url(consulting, finding), {"body": "See the PDF.", "action": "reply", "attachment": pdf})

    message = FindingMessage.objects.get(finding=finding)
    assert message.attachment.original_name == "evidence.pdf"
    url = reverse("admin:certification_reviewitem_attachment", args=[item.pk, message.pk])
    download = reviewer_client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_an_attachment_that_is_neither_pdf_nor_png_is_refused(reviewer_client, owner, owner_client, consulting):
    submission, _item = _rejected(reviewer_client, owner, consulting)
    finding = submission.findings.get(source=Finding.Source.REVIEWER)
    script = SimpleUploadedFile("run.sh", b"#!/bin/sh\nrm -rf /\n", "text/plain")

    response = owner_client.post(
        _reply_url(consulting, finding), {"body": "Hi", "action": "reply", "attachment": script}, follow=True
    )

    assert "Attach a PDF document or a PNG image." in response.content.decode()
    assert not FindingMessage.objects.exists()


def test_the_overview_shows_the_expected_finish_with_its_basis(owner, owner_client, consulting):
    _publish(consulting, owner)
    forecasts_refresh()

    page = _overview(owner_client, consulting)

    assert 'data-testid="submission-eta"' in page
    assert "no recent data" in page  # nobody has decided a content review yet


@pytest.mark.django_db(transaction=True)
def test_a_reply_runs_in_its_own_transaction_outside_a_test_transaction(owner):
    offer = Offer.objects.create(account=owner.account, offer_type="consulting", offer_id="tx", alias="tx")
    finding = finding_make(offer)

    message = finding_reply(membership=owner, finding_id=finding.pk, body="Why?")

    assert FindingMessage.objects.get(pk=message.pk).kind == FindingMessage.Kind.REPLY


def test_the_bell_gets_the_pipelines_events_like_the_emails(owner, reviewer, consulting):
    submission = publish_to_preview(consulting, owner, reviewer)

    messages = dict(Notice.objects.filter(user=owner.user).values_list("key", "message"))

    assert "the preview is ready" in messages[f"submission:{submission.pk}:signoff"]
    assert any(key.endswith(":decided") and "approved" in text for key, text in messages.items())
    assert any(":status:" in key and "Publish in progress" in text for key, text in messages.items())


def test_an_operator_sets_a_reviewers_alias(client, reviewer):
    operator = UserFactory(is_staff=True)
    operator.groups.add(staff_groups_ensure()["Operators"])
    client.force_login(operator)

    response = client.post(reverse("admin:certification_revieweralias_add"), {"user": reviewer.pk, "alias": "Rita"})

    assert response.status_code == 302
    assert ReviewerAlias.objects.get(user=reviewer).alias == "Rita"
