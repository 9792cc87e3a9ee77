"""A submission of an account whose verification is pending waits at business eligibility instead of failing,
and goes on when an operator decides; what the account lacks is said before Publish."""

import pytest
from django.urls import reverse

from accounts.enrollment import agreement_publish
from accounts.models import PublisherAccount, VerificationRequest
from accounts.verification import verification_decide
from certification.models import Finding, ReviewItem, Step, Submission
from certification.notifications import findings_for_report
from certification.services import (
    PublishRefused,
    submission_cancel,
    submission_start,
    submissions_verification_resume,
)
from offers.models import Offer, OfferEvent
from outbox.models import OutboxMessage
from tests.certification.support import complete_offer, drive
from tests.factories import MembershipFactory, PublisherAccountFactory, UserFactory
from tests.offers.factories import OfferFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policies")]

Verification = PublisherAccount.Verification


@pytest.fixture
def pending_owner(db):
    """The Owner of an account that accepted the agreement and waits for the operators' verification."""
    account = PublisherAccountFactory(verification=Verification.PENDING)
    VerificationRequest.objects.create(account=account, submitted_at=account.created_at)
    return MembershipFactory(account=account)


@pytest.fixture
def operator(db):
    return UserFactory(is_staff=True, email="otto@portal.example")


@pytest.fixture
def waiting(pending_owner, https_endpoint):
    """A consulting offer of the pending account, published and driven until it waits."""
    offer = complete_offer(pending_owner, "consulting", https_endpoint)
    submission = submission_start(offer_id=offer.pk, by=pending_owner.user)
    drive(submission.pk)
    submission.refresh_from_db()
    return submission


def _eligibility(submission) -> Step:
    return submission.steps.get(key="eligibility")


def _decide(owner, operator, decision, reasons, capture):
    request = VerificationRequest.objects.get(account_id=owner.account_id, state="open")
    with capture(execute=True):  # the signal goes out once the decision commits
        verification_decide(request_id=request.pk, decision=decision, by=operator, reasons=reasons)


def test_a_pending_accounts_submission_waits_at_eligibility_without_failing(waiting):
    assert waiting.state == Submission.State.WAITING_VERIFICATION
    assert _eligibility(waiting).state == Step.State.WAITING
    assert Offer.objects.get(pk=waiting.offer_id).status == Offer.Status.PUBLISH_IN_PROGRESS
    assert not Finding.objects.filter(submission=waiting).exists()
    assert not ReviewItem.objects.filter(submission=waiting).exists()
    assert OfferEvent.objects.filter(offer_id=waiting.offer_id, kind="verification_waiting").exists()


def test_the_overview_shows_the_wait_for_verification(client, pending_owner, waiting):
    client.force_login(pending_owner.user)
    html = client.get(reverse("certification:overview", args=[waiting.offer_id])).content.decode()
    assert 'data-testid="verification-wait"' in html
    assert 'data-testid="step-certification-eligibility">Waiting<' in html


def test_an_approval_resumes_the_submission_through_eligibility(
    waiting, pending_owner, operator, django_capture_on_commit_callbacks
):
    _decide(pending_owner, operator, VerificationRequest.Decision.APPROVE, "", django_capture_on_commit_callbacks)
    waiting.refresh_from_db()
    assert waiting.state == Submission.State.RUNNING
    assert _eligibility(waiting).state == Step.State.PENDING
    drive(waiting.pk)
    waiting.refresh_from_db()
    assert _eligibility(waiting).state == Step.State.SUCCEEDED
    assert waiting.state == Submission.State.WAITING_REVIEW  # on to the content review
    assert not Finding.objects.filter(submission=waiting).exists()


def test_a_rejection_fails_the_submission_with_the_reasons_and_a_link_to_account_settings(
    waiting, pending_owner, operator, django_capture_on_commit_callbacks
):
    _decide(
        pending_owner,
        operator,
        VerificationRequest.Decision.REJECT,
        "Not registered",
        django_capture_on_commit_callbacks,
    )
    drive(waiting.pk)
    waiting.refresh_from_db()
    assert waiting.state == Submission.State.FAILED
    assert Offer.objects.get(pk=waiting.offer_id).status == Offer.Status.ATTENTION_NEEDED
    [finding] = findings_for_report(waiting, absolute=False)
    assert (finding.code, finding.policy.number) == ("eligibility.verification_rejected", "100.13")
    assert "Not registered" in finding.message
    assert finding.fix_url == reverse("accounts:settings-verification")
    assert finding.page_title == "Account settings: Verification"
    report = OutboxMessage.objects.get(key=f"submission:{waiting.pk}:failure-report")
    assert reverse("accounts:settings-verification") in report.body_text


def test_a_waiting_submission_can_be_cancelled(waiting, pending_owner):
    submission_cancel(offer_id=waiting.offer_id, by=pending_owner.user)
    waiting.refresh_from_db()
    assert waiting.state == Submission.State.CANCELLED
    assert _eligibility(waiting).state == Step.State.SKIPPED
    assert Offer.objects.get(pk=waiting.offer_id).status == Offer.Status.DRAFT


def test_a_waiting_submission_is_the_offers_one_active_submission(waiting, pending_owner):
    with pytest.raises(PublishRefused):
        submission_start(offer_id=waiting.offer_id, by=pending_owner.user)
    assert Submission.objects.filter(offer_id=waiting.offer_id).count() == 1


def test_the_watchdog_resumes_a_submission_whose_decision_signal_was_lost(waiting, pending_owner, operator):
    request = VerificationRequest.objects.get(account_id=pending_owner.account_id)
    verification_decide(request_id=request.pk, decision=VerificationRequest.Decision.APPROVE, by=operator)
    # the on-commit signal never ran here (the test's transaction never commits)
    assert Submission.objects.get(pk=waiting.pk).state == Submission.State.WAITING_VERIFICATION
    assert submissions_verification_resume() == 1
    assert Submission.objects.get(pk=waiting.pk).state == Submission.State.RUNNING
    assert submissions_verification_resume() == 0


def test_a_submission_keeps_waiting_while_the_account_is_still_pending(waiting):
    assert submissions_verification_resume() == 0
    assert Submission.objects.get(pk=waiting.pk).state == Submission.State.WAITING_VERIFICATION


def test_a_pending_account_missing_the_new_agreement_fails_at_once(pending_owner, https_endpoint):
    agreement_publish(by=UserFactory(is_staff=True), title="Agreement", text="New terms")
    offer = complete_offer(pending_owner, "consulting", https_endpoint)
    submission = submission_start(offer_id=offer.pk, by=pending_owner.user)
    drive(submission.pk)
    submission.refresh_from_db()
    assert submission.state == Submission.State.FAILED
    assert list(submission.findings.values_list("code", flat=True)) == ["eligibility.agreement_outdated"]


def test_review_and_publish_says_what_the_account_lacks_with_links(client, owner):
    account = owner.account
    PublisherAccount.objects.filter(pk=account.pk).update(partner_id="", verification=Verification.NOT_SUBMITTED)
    offer = OfferFactory(account=account)
    client.force_login(owner.user)
    html = client.get(reverse("certification:review", args=[offer.pk])).content.decode()
    assert 'data-testid="account-lacks"' in html
    assert 'data-code="no_partner_id"' in html
    assert f'href="{reverse("accounts:settings-legal")}#id_partner_id"' in html
    assert 'data-code="not_verified"' in html


def test_review_and_publish_says_nothing_of_a_ready_account(client, owner):
    client.force_login(owner.user)
    html = client.get(reverse("certification:review", args=[OfferFactory(account=owner.account).pk])).content
    assert b'data-testid="account-lacks"' not in html


def test_the_dashboard_shows_the_checklist_until_the_account_is_ready(client, owner, pending_owner):
    client.force_login(pending_owner.user)
    assert b'data-testid="account-checklist"' in client.get(reverse("portal:dashboard")).content
    client.force_login(owner.user)
    assert b'data-testid="account-checklist"' not in client.get(reverse("portal:dashboard")).content
