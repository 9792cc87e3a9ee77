"""Inviting members by email and accepting invitations."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Invitation, Membership
from accounts.services import invitation_accept, member_invite
from outbox.models import OutboxMessage
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_owner_invites_a_member_and_the_email_is_queued_in_the_outbox(owner):
    invitation = member_invite(by=owner, email="New@Example.com", role=Membership.Role.MANAGER)
    message = OutboxMessage.objects.get(key=f"invitation:{invitation.pk}")
    assert message.recipients == ["new@example.com"]
    assert owner.account.name in message.subject
    assert invitation.token in message.body_text
    assert invitation.token in message.body_html


def test_a_developer_cannot_invite(developer):
    with pytest.raises(PermissionDenied):
        member_invite(by=developer, email="x@example.com", role=Membership.Role.OWNER)
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_is_refused_on_the_email_field(owner_client, owner, developer):
    response = owner_client.post(
        reverse("accounts:members"), {"email": developer.user.email, "role": Membership.Role.DEVELOPER}
    )
    assert response.status_code == 200
    assert "already a member" in str(response.context["form"].errors["email"])


def test_accepting_an_invitation_joins_the_account_with_its_role(owner):
    invitation = InvitationFactory(account=owner.account, role=Membership.Role.MANAGER)
    user = UserFactory(email=invitation.email, username=invitation.email)
    membership = invitation_accept(token=invitation.token, user=user)
    assert membership.account == owner.account
    assert membership.role == Membership.Role.MANAGER


def test_an_invitation_for_another_email_cannot_be_accepted(owner):
    invitation = InvitationFactory(account=owner.account)
    with pytest.raises(PermissionDenied):
        invitation_accept(token=invitation.token, user=UserFactory())
    assert not Membership.objects.filter(account=owner.account).exclude(pk=owner.pk).exists()


def test_an_invitation_cannot_be_used_twice(owner):
    invitation = InvitationFactory(account=owner.account)
    user = UserFactory(email=invitation.email, username=invitation.email)
    invitation_accept(token=invitation.token, user=user)
    with pytest.raises(ValidationError):
        invitation_accept(token=invitation.token, user=user)


def test_signing_up_from_an_invitation_joins_the_inviting_account_without_creating_one(client, owner):
    invitation = InvitationFactory(account=owner.account, role=Membership.Role.DEVELOPER)
    response = client.post(
        reverse("accounts:sign-up") + f"?invite={invitation.token}",
        {"full_name": "Ivy Invitee", "password1": "a-Strong-test-passw0rd", "invite": invitation.token},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email=invitation.email)
    assert membership.account == owner.account
    assert membership.role == Membership.Role.DEVELOPER
