"""The pipeline, driven step by step in this process with the real checks against local endpoints."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from certification.models import Finding, ReviewItem, Step, Submission
from certification.pipeline import submission_advance
from certification.reviews import review_decide
from certification.services import PublishRefused, publish_go_live, submission_cancel, submission_start
from offers.models import Offer
from outbox.models import OutboxMessage
from tests.certification.support import drive
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policies")]


@pytest.fixture
def reviewer(db):
    return UserFactory(is_staff=True, email="reviewer@portal.example")


def _publish(offer, owner):
    submission = submission_start(offer_id=offer.pk, by=owner.user)
    drive(submission.pk)
    submission.refresh_from_db()
    return submission


def _approve_all(submission, reviewer):
    while True:
        submission.refresh_from_db()
        item = ReviewItem.objects.filter(submission=submission, state=ReviewItem.State.OPEN).first()
        if item is None:
            return submission
        review_decide(item_id=item.pk, decision="approve", by=reviewer)
        drive(submission.pk)


def test_publishing_plans_only_the_steps_the_offer_brings_in(owner, consulting):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    keys = list(submission.steps.values_list("phase", "key"))
    assert ("automated_validation", "purchase_flow") not in keys  # consulting is not sold through Microsoft
    assert ("automated_validation", "lead_management") in keys
    assert ("certification", "technical_review") not in keys  # consulting does not require testing
    assert keys[-1] == ("publish", "final_publish")
    assert Offer.objects.get(pk=consulting.pk).status == Offer.Status.PUBLISH_IN_PROGRESS


def test_a_clean_offer_waits_for_content_review_after_the_automated_checks(owner, consulting, https_endpoint):
    submission = _publish(consulting, owner)
    assert submission.state == Submission.State.WAITING_REVIEW
    item = ReviewItem.objects.get(submission=submission)
    assert item.level == ReviewItem.Level.CONTENT
    assert not Finding.objects.filter(submission=submission).exists()
    leads = [r for r in https_endpoint.received("POST") if (r["json"] or {}).get("leadId", "").startswith("MSFT_TEST_")]
    assert len(leads) == 1


def test_an_approved_offer_reaches_preview_then_live_after_go_live(owner, consulting, reviewer):
    submission = _approve_all(_publish(consulting, owner), reviewer)
    offer = Offer.objects.get(pk=consulting.pk)
    assert offer.status == Offer.Status.PREVIEW
    assert offer.preview_snapshot_id == submission.snapshot_id
    assert submission.state == Submission.State.WAITING_SIGNOFF
    assert OutboxMessage.objects.filter(key=f"submission:{submission.pk}:signoff").exists()

    publish_go_live(offer_id=offer.pk, by=owner.user)
    drive(submission.pk)
    offer.refresh_from_db()
    submission.refresh_from_db()
    assert offer.status == Offer.Status.LIVE
    assert offer.live_snapshot_id == submission.snapshot_id
    assert submission.state == Submission.State.COMPLETED
    assert OutboxMessage.objects.filter(key=f"submission:{submission.pk}:live").exists()
    assert set(submission.steps.values_list("state", flat=True)) == {Step.State.SUCCEEDED}


def test_a_rejection_must_cite_a_policy(owner, consulting, reviewer):
    submission = _publish(consulting, owner)
    item = ReviewItem.objects.get(submission=submission)
    with pytest.raises(ValidationError):
        review_decide(item_id=item.pk, decision="reject", by=reviewer, citations=[])
    item.refresh_from_db()
    assert item.state == ReviewItem.State.OPEN


def test_a_rejection_sends_the_offer_to_attention_needed_with_the_cited_policy_and_notes(owner, consulting, reviewer):
    submission = _publish(consulting, owner)
    item = ReviewItem.objects.get(submission=submission)
    review_decide(
        item_id=item.pk,
        decision="reject",
        by=reviewer,
        citations=[("100.1.1", "Say what the service delivers.")],
        internal_comment="Borderline; second opinion from Rita.",
    )
    offer = Offer.objects.get(pk=consulting.pk)
    assert offer.status == Offer.Status.ATTENTION_NEEDED
    finding = Finding.objects.get(submission=submission)
    assert (finding.policy.number, finding.review_notes, finding.source) == (
        "100.1.1",
        "Say what the service delivers.",
        "reviewer",
    )
    report = OutboxMessage.objects.get(key=f"submission:{submission.pk}:failure-report")
    assert "100.1.1" in report.body_text
    assert "Say what the service delivers." in report.body_html
    assert "second opinion" not in report.body_text + report.body_html


def test_a_resubmission_with_an_unchanged_listing_is_content_approved_automatically(owner, consulting, reviewer):
    first = _approve_all(_publish(consulting, owner), reviewer)
    submission_cancel_allowed = first.state == Submission.State.WAITING_SIGNOFF
    assert submission_cancel_allowed
    # edit something outside the listing and resubmit from Preview
    second = submission_start(offer_id=consulting.pk, by=owner.user)
    drive(second.pk)
    item = ReviewItem.objects.get(submission=second, level=ReviewItem.Level.CONTENT)
    assert item.state == ReviewItem.State.APPROVED
    assert item.auto_rule
    assert consulting.events.filter(kind="review_approved", data__rule=item.auto_rule).exists()


def test_eicar_in_a_screenshot_fails_the_malware_scan_and_names_the_field(owner, consulting):
    from django.core.files.storage import default_storage

    from offers.models import OfferFile

    listing = consulting.pages.get(key="offer_listing")
    stored = OfferFile.objects.get(pk=listing.data["screenshot_1"])
    eicar = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    with default_storage.open(stored.file.name, "wb") as handle:
        handle.write(eicar)
    submission = _publish(consulting, owner)
    assert submission.state == Submission.State.FAILED
    finding = Finding.objects.get(submission=submission, code="malware.detected")
    assert (finding.page, finding.field, finding.policy.number) == ("offer_listing", "screenshot_1", "100.11")
    assert Offer.objects.get(pk=consulting.pk).status == Offer.Status.ATTENTION_NEEDED
    assert (
        Step.objects.get(submission=submission, key="technical_review" if False else "malware_scan").state == "failed"
    )
    assert not Step.objects.filter(submission=submission, state=Step.State.PENDING).exists()


def test_an_unreachable_lead_endpoint_fails_lead_management(owner, consulting, https_endpoint):
    https_endpoint.status = 503
    submission = _publish(consulting, owner)
    assert submission.state == Submission.State.FAILED
    finding = Finding.objects.get(submission=submission)
    assert finding.step.key == "lead_management"
    assert finding.page == "offer_setup"


def test_running_the_same_step_twice_sends_one_test_lead(owner, consulting, https_endpoint):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    step = submission.steps.get(key="lead_management", phase="automated_validation")
    submission_advance(submission_id=submission.pk)
    step.refresh_from_db()
    assert step.state == Step.State.SUCCEEDED
    # a re-delivered task finds the step done and runs the next one instead: still one lead
    Step.objects.filter(pk=step.pk).update(state=Step.State.PENDING)  # as if the success was lost
    submission_advance(submission_id=submission.pk)
    assert len(https_endpoint.received("POST")) == 1
    assert OutboxMessage.objects.filter(key__endswith=":lead_management:test-lead").count() == 1


def test_cancel_before_sign_off_returns_the_offer_to_draft_and_closes_the_review(owner, consulting):
    submission = _publish(consulting, owner)
    submission_cancel(offer_id=consulting.pk, by=owner.user)
    submission.refresh_from_db()
    assert submission.state == Submission.State.CANCELLED
    assert Offer.objects.get(pk=consulting.pk).status == Offer.Status.DRAFT
    assert ReviewItem.objects.get(submission=submission).state == ReviewItem.State.CANCELLED


def test_cancel_is_refused_once_the_publish_phase_has_started(owner, consulting, reviewer):
    submission = _approve_all(_publish(consulting, owner), reviewer)
    publish_go_live(offer_id=consulting.pk, by=owner.user)
    with pytest.raises(PublishRefused):
        submission_cancel(offer_id=consulting.pk, by=owner.user)
    assert Offer.objects.get(pk=consulting.pk).status == Offer.Status.PUBLISH_IN_PROGRESS
    assert Submission.objects.get(pk=submission.pk).state == Submission.State.RUNNING


def test_a_developer_cannot_publish(developer, consulting):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        submission_start(offer_id=consulting.pk, by=developer.user)
    assert not Submission.objects.exists()


def test_publishing_an_offer_already_in_progress_is_refused(owner, consulting):
    submission_start(offer_id=consulting.pk, by=owner.user)
    with pytest.raises(PublishRefused):
        submission_start(offer_id=consulting.pk, by=owner.user)
    assert Submission.objects.count() == 1


def test_the_database_allows_one_active_submission_per_offer(owner, consulting):
    first = submission_start(offer_id=consulting.pk, by=owner.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(offer=consulting, number=2, snapshot=first.snapshot, origin_status="draft")


def test_go_live_is_refused_unless_the_offer_waits_for_sign_off(owner, consulting):
    with pytest.raises(PublishRefused):
        publish_go_live(offer_id=consulting.pk, by=owner.user)
    assert Offer.objects.get(pk=consulting.pk).status == Offer.Status.DRAFT


def test_publish_to_live_helpers_reach_live(owner, consulting, reviewer):
    from tests.certification.support import publish_to_live

    submission = publish_to_live(consulting, owner, reviewer)
    assert submission.state == Submission.State.COMPLETED
    assert Offer.objects.get(pk=consulting.pk).listed
