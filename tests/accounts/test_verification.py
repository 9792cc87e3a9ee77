"""Verification of accounts: operators claim and decide in the admin queue; the publisher is emailed and sees the
decision; the decision is announced to the apps above once committed."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountEvent, PublisherAccount, PublisherAgreement, VerificationRequest
from accounts.readiness import account_readiness
from accounts.services import invitation_cancel
from accounts.signals import account_verification_decided
from accounts.verification import (
    VerificationRefused,
    verification_claim,
    verification_decide,
    verification_release,
    verification_submit,
)
from certification.operations import staff_groups_ensure
from outbox.models import OutboxMessage
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    PublisherAccountFactory,
    UserFactory,
    agreement_ensure,
)

pytestmark = pytest.mark.django_db

Decision = VerificationRequest.Decision


@pytest.fixture
def operator(db):
    staff_groups_ensure()
    user = UserFactory(is_staff=True, email="otto@portal.example")
    user.groups.add(Group.objects.get(name="Operators"))
    return user


@pytest.fixture
def submitted(db):
    """An Owner whose account waits in the queue (with a Manager, who is not emailed decisions)."""
    owner = MembershipFactory(account=PublisherAccountFactory(verification=PublisherAccount.Verification.NOT_SUBMITTED))
    MembershipFactory(account=owner.account, role="manager")
    verification_submit(by=owner)
    return owner


def _request(owner) -> VerificationRequest:
    return VerificationRequest.objects.get(account_id=owner.account_id)


def test_an_approval_verifies_the_account_emails_its_owners_and_records_the_operator(submitted, operator):
    request = _request(submitted)
    verification_claim(request_id=request.pk, operator=operator)
    verification_decide(request_id=request.pk, decision=Decision.APPROVE, by=operator)
    account = PublisherAccount.objects.get(pk=submitted.account_id)
    assert account.is_verified
    assert _request(submitted).state == VerificationRequest.State.APPROVED
    email = OutboxMessage.objects.get(key=f"verification:{request.pk}:decision")
    assert email.recipients == [submitted.user.email]
    assert "is verified" in email.subject
    assert AccountEvent.objects.filter(
        account=account, kind=AccountEvent.Kind.VERIFICATION_APPROVED, actor=operator
    ).exists()


def test_a_decision_is_announced_once_committed(submitted, operator, django_capture_on_commit_callbacks):
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    account_verification_decided.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            verification_decide(request_id=_request(submitted).pk, decision=Decision.APPROVE, by=operator)
        assert heard == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        account_verification_decided.disconnect(listener)
    assert [(h["account_id"], h["verification"]) for h in heard] == [(submitted.account_id, "verified")]


@pytest.mark.parametrize("decision", [Decision.REJECT, Decision.REQUEST_INFORMATION])
def test_rejecting_or_asking_for_more_needs_reasons(submitted, operator, decision):
    with pytest.raises(ValidationError) as refused:
        verification_decide(request_id=_request(submitted).pk, decision=decision, by=operator, reasons="  ")
    assert "reasons" in refused.value.message_dict
    assert PublisherAccount.objects.get(pk=submitted.account_id).is_verification_pending
    assert _request(submitted).is_open


def test_a_rejection_reaches_the_publisher_with_its_reasons_and_they_can_submit_again(client, submitted, operator):
    verification_decide(
        request_id=_request(submitted).pk, decision=Decision.REJECT, by=operator, reasons="No such company."
    )
    client.force_login(submitted.user)
    page = client.get(reverse("accounts:settings-verification")).content.decode()
    assert "No such company." in page
    assert 'data-testid="submit-verification"' in page
    verification_submit(by=submitted)
    assert PublisherAccount.objects.get(pk=submitted.account_id).is_verification_pending
    assert VerificationRequest.objects.filter(account_id=submitted.account_id, state="open").count() == 1


def test_a_request_for_more_information_tells_the_publisher_what_is_needed(submitted, operator):
    verification_decide(
        request_id=_request(submitted).pk,
        decision=Decision.REQUEST_INFORMATION,
        by=operator,
        reasons="Add the registered address of the head office",
    )
    account = PublisherAccount.objects.get(pk=submitted.account_id)
    assert account.needs_more_information
    [lack] = account_readiness(account).lacks
    assert lack.code == "verification_more_info"
    assert "registered address of the head office" in lack.message
    email = OutboxMessage.objects.get(key__startswith="verification:")
    assert "More information needed" in email.subject
    assert "registered address of the head office" in email.body_text


def test_nobody_decides_or_claims_a_request_another_operator_holds(submitted, operator):
    other = UserFactory(is_staff=True)
    verification_claim(request_id=_request(submitted).pk, operator=other)
    with pytest.raises(VerificationRefused):
        verification_claim(request_id=_request(submitted).pk, operator=operator)
    with pytest.raises(PermissionDenied):
        verification_decide(request_id=_request(submitted).pk, decision=Decision.APPROVE, by=operator)
    assert PublisherAccount.objects.get(pk=submitted.account_id).is_verification_pending


def test_an_expired_claim_is_taken_over_and_a_released_one_is_free(submitted, operator, settings):
    other = UserFactory(is_staff=True)
    request = verification_claim(request_id=_request(submitted).pk, operator=other)
    VerificationRequest.objects.filter(pk=request.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=settings.REVIEW_CLAIM_MINUTES + 1)
    )
    assert verification_claim(request_id=request.pk, operator=operator).claimed_by == operator
    verification_release(request_id=request.pk, operator=operator)
    assert _request(submitted).claimed_by is None


def test_a_decided_request_cannot_be_decided_again(submitted, operator):
    request = _request(submitted)
    verification_decide(request_id=request.pk, decision=Decision.APPROVE, by=operator)
    with pytest.raises(VerificationRefused):
        verification_decide(request_id=request.pk, decision=Decision.REJECT, by=operator, reasons="Changed my mind")
    assert PublisherAccount.objects.get(pk=submitted.account_id).is_verified


# -- the queue in admin


def test_the_admin_index_counts_the_open_requests(client, submitted, operator):
    client.force_login(operator)
    html = client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="queue-count-verificationrequest">1<' in html


def test_the_queue_lists_open_requests_and_the_page_shows_legal_info_members_and_history(client, submitted, operator):
    client.force_login(operator)
    queue = client.get(reverse("admin:accounts_verificationrequest_changelist"))
    assert submitted.account.name in queue.content.decode()
    page = client.get(reverse("admin:accounts_verificationrequest_verify", args=[_request(submitted).pk]))
    html = page.content.decode()
    assert submitted.account.legal_name in html
    assert submitted.account.partner_id in html
    assert submitted.user.email in html  # members
    assert "Submitted for verification" in html  # history


def test_an_operator_claims_then_decides_in_admin(client, submitted, operator):
    request = _request(submitted)
    client.force_login(operator)
    decide = reverse("admin:accounts_verificationrequest_decide", args=[request.pk])
    refused = client.post(decide, {"decision": Decision.APPROVE}, follow=True)
    assert b"Claim the request before you decide" in refused.content
    client.post(reverse("admin:accounts_verificationrequest_claim", args=[request.pk]))
    invalid = client.post(decide, {"decision": Decision.REJECT, "reasons": ""})
    assert invalid.status_code == 400
    assert "Tell the publisher why" in str(invalid.context["form"].errors["reasons"])
    response = client.post(decide, {"decision": Decision.APPROVE})
    assert response.url == reverse("admin:accounts_verificationrequest_changelist")
    assert PublisherAccount.objects.get(pk=submitted.account_id).is_verified


def test_staff_without_the_permission_cannot_open_or_decide_the_queue(client, submitted):
    reviewer = UserFactory(is_staff=True)
    staff_groups_ensure()
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    client.force_login(reviewer)
    request = _request(submitted)
    assert client.get(reverse("admin:accounts_verificationrequest_changelist")).status_code == 403
    response = client.post(
        reverse("admin:accounts_verificationrequest_decide", args=[request.pk]), {"decision": Decision.APPROVE}
    )
    assert response.status_code == 403
    assert PublisherAccount.objects.get(pk=submitted.account_id).is_verification_pending


def test_an_operator_publishes_a_new_agreement_version_in_admin_numbered_after_the_current_one(client, operator):
    current = agreement_ensure()
    client.force_login(operator)
    add = reverse("admin:accounts_publisheragreement_add")
    assert current.text.splitlines()[-1][:40] in client.get(add).content.decode()  # starts from the current text
    client.post(add, {"title": "Publisher agreement", "text": "Revised terms."})
    newest = PublisherAgreement.objects.order_by("-version").first()
    assert (newest.version, newest.text, newest.published_by) == (current.version + 1, "Revised terms.", operator)
    change = reverse("admin:accounts_publisheragreement_change", args=[current.pk])
    client.post(change, {"title": "Rewritten", "text": "Rewritten history."})
    assert PublisherAgreement.objects.get(pk=current.pk).text == current.text  # a published version never changes


def test_a_cancelled_invitation_link_says_so(client, owner):
    invitation = InvitationFactory(account=owner.account)
    invitation_cancel(by=owner, invitation_id=invitation.pk)
    page = client.get(reverse("accounts:invitation-accept", args=[invitation.token]))
    assert b"This invitation was cancelled" in page.content


def test_the_account_record_in_admin_is_read_only_for_legal_info_verification_and_members(client, submitted):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    page = client.get(reverse("admin:accounts_publisheraccount_change", args=[submitted.account_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert submitted.account.legal_name in html
    assert 'name="legal_name"' not in html
    assert 'name="verification"' not in html
    assert 'name="memberships-0-role"' not in html
