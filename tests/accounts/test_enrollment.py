"""Program enrollment and verification in account settings: accepting the agreement (who, when, which version,
from which address), a new version asking for acceptance again, submitting for verification, the history page."""

import pytest
from django.urls import reverse

from accounts.enrollment import agreement_publish
from accounts.models import AccountEvent, AgreementAcceptance, PublisherAccount, VerificationRequest
from accounts.readiness import account_readiness
from tests.factories import MembershipFactory, PublisherAccountFactory, UserFactory, agreement_ensure

pytestmark = pytest.mark.django_db

AGREEMENT = reverse("accounts:settings-agreement")
SUBMIT = reverse("accounts:settings-verification-submit")


@pytest.fixture
def enrolling(db):
    """The Owner of an account with complete legal info that has not accepted the agreement nor been submitted."""
    agreement_ensure()
    return MembershipFactory(
        account=PublisherAccountFactory(
            verification=PublisherAccount.Verification.NOT_SUBMITTED, agreement_accepted=False
        )
    )


def test_accepting_the_agreement_records_who_when_which_version_and_from_which_address(client, enrolling):
    agreement = agreement_ensure()
    client.force_login(enrolling.user)
    response = client.post(AGREEMENT, {"version": agreement.version, "accept": "on"}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    acceptance = AgreementAcceptance.objects.get(account=enrolling.account)
    assert (acceptance.agreement, acceptance.accepted_by, acceptance.ip_address) == (
        agreement,
        enrolling.user,
        "203.0.113.7",
    )
    assert acceptance.accepted_at is not None
    event = AccountEvent.objects.get(account=enrolling.account, kind=AccountEvent.Kind.AGREEMENT_ACCEPTED)
    assert (event.actor, event.data["version"]) == (enrolling.user, agreement.version)


def test_accepting_without_ticking_the_box_is_refused_on_the_box(client, enrolling):
    client.force_login(enrolling.user)
    response = client.post(AGREEMENT, {"version": agreement_ensure().version})
    assert response.status_code == 200
    assert "Tick the box" in str(response.context["form"].errors["accept"])
    assert not AgreementAcceptance.objects.exists()


def test_a_new_agreement_version_asks_the_account_to_accept_again(client, owner):
    assert account_readiness(owner.account).agreement_accepted
    newer = agreement_publish(by=UserFactory(is_staff=True), title="Agreement", text="Clause one, revised.")
    readiness = account_readiness(owner.account)
    assert not readiness.agreement_accepted
    assert [lack.code for lack in readiness.lacks] == ["agreement_outdated"]
    client.force_login(owner.user)
    page = client.get(AGREEMENT)
    assert b"A new version waits for your acceptance" in page.content
    assert b"Clause one, revised." in page.content
    client.post(AGREEMENT, {"version": newer.version, "accept": "on"})
    assert account_readiness(owner.account).agreement_accepted


def test_accepting_a_version_older_than_the_current_one_is_refused(client, enrolling):
    old = agreement_ensure()
    agreement_publish(by=UserFactory(is_staff=True), title="Agreement", text="Newer terms.")
    client.force_login(enrolling.user)
    response = client.post(AGREEMENT, {"version": old.version, "accept": "on"})
    assert response.status_code == 200
    assert "published meanwhile" in str(response.context["form"].non_field_errors())
    assert not AgreementAcceptance.objects.exists()


def test_submitting_for_verification_puts_the_account_in_the_operators_queue(client, enrolling):
    AgreementAcceptance.objects.create(
        account=enrolling.account, agreement=agreement_ensure(), accepted_at=enrolling.account.created_at
    )
    client.force_login(enrolling.user)
    client.post(SUBMIT)
    account = PublisherAccount.objects.get(pk=enrolling.account_id)
    assert account.is_verification_pending
    request = VerificationRequest.objects.get(account=account)
    assert (request.state, request.submitted_by) == (VerificationRequest.State.OPEN, enrolling.user)
    assert AccountEvent.objects.filter(
        account=account, kind=AccountEvent.Kind.VERIFICATION_SUBMITTED, actor=enrolling.user
    ).exists()


def test_submitting_before_accepting_the_agreement_is_refused_and_says_what_is_missing(client, enrolling):
    client.force_login(enrolling.user)
    response = client.post(SUBMIT, follow=True)
    assert b"accept the publisher agreement" in response.content
    assert PublisherAccount.objects.get(pk=enrolling.account_id).is_verification_not_submitted
    assert not VerificationRequest.objects.exists()


def test_a_verified_account_cannot_be_submitted_again(client, owner):
    client.force_login(owner.user)
    client.post(SUBMIT)
    assert PublisherAccount.objects.get(pk=owner.account_id).is_verified
    assert not VerificationRequest.objects.exists()


@pytest.mark.parametrize("role", ["manager", "developer"])
def test_only_owners_accept_the_agreement_or_submit_for_verification(client, request, enrolling, role):
    member = MembershipFactory(account=enrolling.account, role=role)
    client.force_login(member.user)
    assert client.get(AGREEMENT).status_code == 200
    assert client.post(AGREEMENT, {"version": agreement_ensure().version, "accept": "on"}).status_code == 403
    assert client.post(SUBMIT).status_code == 403
    assert not AgreementAcceptance.objects.exists()
    assert not VerificationRequest.objects.exists()


@pytest.mark.parametrize("role", ["manager", "developer"])
def test_only_owners_read_the_account_history(client, request, role):
    member = request.getfixturevalue(role)
    client.force_login(member.user)
    assert client.get(reverse("accounts:settings-history")).status_code == 403


def test_the_owner_reads_the_history_with_each_actor_and_operators_shown_as_the_marketplace(client, owner):
    operator = UserFactory(is_staff=True, first_name="Otto", last_name="Operator")
    AccountEvent.objects.create(account=owner.account, kind=AccountEvent.Kind.LEGAL_INFO_CHANGED, actor=owner.user)
    AccountEvent.objects.create(account=owner.account, kind=AccountEvent.Kind.VERIFICATION_APPROVED, actor=operator)
    AccountEvent.objects.create(
        account=owner.account, kind=AccountEvent.Kind.VERIFICATION_CLAIMED, actor=operator, internal=True
    )
    client.force_login(owner.user)
    page = client.get(reverse("accounts:settings-history"))
    html = page.content.decode()
    assert owner.user.get_full_name() in html
    assert "Marketplace operations" in html
    assert "Otto" not in html
    assert "Verification claimed" not in html  # operators' internal events stay with them


def test_the_settings_entry_opens_the_first_section_that_needs_something(client, enrolling):
    client.force_login(enrolling.user)
    assert client.get(reverse("accounts:settings")).url == AGREEMENT
