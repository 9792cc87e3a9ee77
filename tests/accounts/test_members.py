"""Members: Owners change roles, remove members, send invitations again or cancel them; a member leaves; the
account always keeps an Owner; a role change counts at once; every change is in the history with its actor."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AccountEvent, Invitation, Membership
from accounts.services import (
    invitation_accept,
    invitation_cancel,
    invitation_resend,
    member_invite,
    member_leave,
    member_remove,
    member_role_change,
)
from certification.services import ensure_can_publish
from outbox.models import OutboxMessage
from tests.factories import InvitationFactory, MembershipFactory, UserFactory
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

Role = Membership.Role


def test_the_last_owner_cannot_be_demoted(owner, manager):
    with pytest.raises(ValidationError, match="only Owner"):
        member_role_change(by=owner, membership_id=owner.pk, role=Role.MANAGER)
    assert Membership.objects.get(pk=owner.pk).role == Role.OWNER


def test_the_last_owner_cannot_be_removed_even_by_themselves(owner):
    with pytest.raises(ValidationError, match="only Owner"):
        member_remove(by=owner, membership_id=owner.pk)
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_the_last_owner_cannot_leave(owner, developer):
    with pytest.raises(ValidationError, match="only Owner"):
        member_leave(membership=owner)
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_an_owner_can_step_down_once_another_member_is_owner(owner, manager):
    member_role_change(by=owner, membership_id=manager.pk, role=Role.OWNER)
    member_role_change(by=owner, membership_id=owner.pk, role=Role.DEVELOPER)
    roles = dict(Membership.objects.filter(account=owner.account).values_list("pk", "role"))
    assert roles == {owner.pk: Role.DEVELOPER, manager.pk: Role.OWNER}


def test_a_role_change_changes_what_the_member_may_do_at_once(client, owner, manager):
    offer = OfferFactory(account=owner.account)
    ensure_can_publish(offer, manager.user)
    client.force_login(manager.user)
    assert client.get(reverse("accounts:members")).context["current_membership"].can_publish

    member_role_change(by=owner, membership_id=manager.pk, role=Role.DEVELOPER)

    with pytest.raises(PermissionDenied):
        ensure_can_publish(offer, manager.user)
    page = client.post(reverse("certification:review", args=[offer.pk]), {"action": "publish"}, follow=True)
    assert page.context["current_membership"].role == Role.DEVELOPER
    assert b"Only Owners and Managers of the account can do this." in page.content


def test_a_demoted_owner_can_no_longer_change_members(owner, manager):
    member_role_change(by=owner, membership_id=manager.pk, role=Role.OWNER)
    member_role_change(by=manager, membership_id=owner.pk, role=Role.MANAGER)
    with pytest.raises(PermissionDenied):
        member_remove(by=owner, membership_id=manager.pk)  # ``owner`` still says Owner; the service reads again


@pytest.mark.parametrize("role", [Role.MANAGER, Role.DEVELOPER])
def test_managers_and_developers_cannot_change_members_or_invitations(owner, role):
    member = MembershipFactory(account=owner.account, role=role)
    invitation = InvitationFactory(account=owner.account)
    for action in (
        lambda: member_role_change(by=member, membership_id=owner.pk, role=Role.DEVELOPER),
        lambda: member_remove(by=member, membership_id=owner.pk),
        lambda: member_invite(by=member, email="new@example.com", role=Role.OWNER),
        lambda: invitation_resend(by=member, invitation_id=invitation.pk),
        lambda: invitation_cancel(by=member, invitation_id=invitation.pk),
    ):
        with pytest.raises(PermissionDenied):
            action()
    assert Membership.objects.get(pk=owner.pk).role == Role.OWNER
    assert Invitation.objects.get(pk=invitation.pk).pending
    assert not AccountEvent.objects.exists()


@pytest.mark.parametrize("url", ["accounts:member-role", "accounts:member-remove"])
@pytest.mark.parametrize("as_role", ["manager", "developer"])
def test_member_changes_answer_403_to_managers_and_developers(client, request, owner, url, as_role):
    client.force_login(request.getfixturevalue(as_role).user)
    response = client.post(reverse(url, args=[owner.pk]), {"role": Role.DEVELOPER})
    assert response.status_code == 403
    assert Membership.objects.get(pk=owner.pk).role == Role.OWNER


def test_a_member_leaves_and_lands_on_their_other_account(client, owner, developer):
    other = MembershipFactory(user=developer.user, role=Role.DEVELOPER)
    client.force_login(developer.user)
    client.post(reverse("accounts:switch-account"), {"account": owner.account_id})
    response = client.post(reverse("accounts:leave"), follow=True)
    assert not Membership.objects.filter(pk=developer.pk).exists()
    assert response.context["current_membership"] == other
    event = AccountEvent.objects.get(account=owner.account, kind=AccountEvent.Kind.MEMBER_LEFT)
    assert event.actor == developer.user


def test_sending_an_invitation_again_queues_another_email_with_the_same_link(owner):
    invitation = member_invite(by=owner, email="ivy@example.com", role=Role.DEVELOPER)
    invitation_resend(by=owner, invitation_id=invitation.pk)
    messages = OutboxMessage.objects.filter(key__startswith=f"invitation:{invitation.pk}").order_by("pk")
    assert [m.key for m in messages] == [f"invitation:{invitation.pk}", f"invitation:{invitation.pk}:again:1"]
    assert all(invitation.token in m.body_text for m in messages)
    assert Invitation.objects.get(pk=invitation.pk).resent_count == 1


def test_a_cancelled_invitation_can_no_longer_be_accepted(owner):
    invitation = InvitationFactory(account=owner.account)
    invitation_cancel(by=owner, invitation_id=invitation.pk)
    user = UserFactory(email=invitation.email, username=invitation.email)
    with pytest.raises(ValidationError, match="cancelled"):
        invitation_accept(token=invitation.token, user=user)
    assert not Membership.objects.filter(user=user).exists()
    with pytest.raises(ValidationError):
        invitation_resend(by=owner, invitation_id=invitation.pk)


def test_only_owners_invite(client, owner, manager):
    client.force_login(manager.user)
    response = client.post(reverse("accounts:members"), {"email": "x@example.com", "role": Role.DEVELOPER})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_every_change_to_members_is_in_the_history_with_its_actor(owner, manager, developer):
    invitee = UserFactory(email="ivy@example.com", username="ivy@example.com")
    invitation = member_invite(by=owner, email=invitee.email, role=Role.DEVELOPER)
    invitation_resend(by=owner, invitation_id=invitation.pk)
    joined = invitation_accept(token=invitation.token, user=invitee)
    cancelled = member_invite(by=owner, email="nope@example.com", role=Role.MANAGER)
    invitation_cancel(by=owner, invitation_id=cancelled.pk)
    member_role_change(by=owner, membership_id=manager.pk, role=Role.OWNER)
    member_remove(by=manager, membership_id=joined.pk)
    member_leave(membership=developer)

    events = list(
        AccountEvent.objects.filter(account=owner.account).order_by("created_at", "pk").values_list("kind", "actor")
    )
    Kind = AccountEvent.Kind
    assert events == [
        (Kind.MEMBER_INVITED, owner.user_id),
        (Kind.INVITATION_RESENT, owner.user_id),
        (Kind.MEMBER_JOINED, invitee.pk),
        (Kind.MEMBER_INVITED, owner.user_id),
        (Kind.INVITATION_CANCELLED, owner.user_id),
        (Kind.ROLE_CHANGED, owner.user_id),
        (Kind.MEMBER_REMOVED, manager.user_id),
        (Kind.MEMBER_LEFT, developer.user_id),
    ]
    role_change = AccountEvent.objects.get(kind=Kind.ROLE_CHANGED)
    assert (role_change.data["email"], role_change.data["after"]) == (manager.user.email, Role.OWNER)


def test_the_members_page_offers_owners_the_changes_and_others_only_the_list(client, owner, developer):
    client.force_login(owner.user)
    owners_page = client.get(reverse("accounts:members")).content.decode()
    assert reverse("accounts:member-remove", args=[developer.pk]) in owners_page
    client.force_login(developer.user)
    developers_page = client.get(reverse("accounts:members")).content.decode()
    assert reverse("accounts:member-remove", args=[owner.pk]) not in developers_page
    assert "Only Owners invite members and change roles." in developers_page
    assert reverse("accounts:leave") in developers_page
