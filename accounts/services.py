"""Services that change accounts and members: sign up, switch, invite, accept, change roles, remove, leave.

Only Owners change members; an account always keeps at least one Owner. Every change is recorded with its actor
in the account's history.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.history import account_event_record
from accounts.models import AccountEvent, Invitation, Membership, PublisherAccount
from accounts.selectors import SESSION_ACCOUNT_KEY
from outbox.links import absolute_url
from outbox.services import outbox_email

User = get_user_model()
# The backend the portal signs users in with when it does so directly (a customer's sign-up): allauth's.
AUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _who(user) -> str:
    return user.get_full_name() or user.email


@transaction.atomic
def account_create(*, owner, name: str) -> Membership:
    """Create a publisher account with the user as its Owner (sign-up; the email is verified before sign-in)."""
    account = PublisherAccount.objects.create(name=name)
    account_event_record(account, AccountEvent.Kind.ACCOUNT_CREATED, actor=owner, message=_("Account created"))
    return Membership.objects.create(account=account, user=owner, role=Membership.Role.OWNER)


def account_switch(*, user, session, account_id: int) -> Membership:
    """Make another of the user's accounts current; raise Http404 when the user is not a member of it."""
    membership = Membership.objects.filter(user=user, account_id=account_id).select_related("account").first()
    if membership is None:
        raise Http404(_("No such publisher account."))
    session[SESSION_ACCOUNT_KEY] = membership.account_id
    return membership


def owner_lock(by: Membership) -> tuple[PublisherAccount, Membership]:
    """Lock the account and return it with the actor's membership as it is now; refuse anyone but an Owner.

    The role is read again under the lock, so a role changed a moment ago counts at once.
    """
    account = PublisherAccount.objects.select_for_update().get(pk=by.account_id)
    actor = Membership.objects.filter(pk=by.pk, account=account).select_related("user").first()
    if actor is None or not actor.is_owner:
        raise PermissionDenied(_("Only Owners of the account can change its members and settings."))
    return account, actor


def _owners(account: PublisherAccount) -> int:
    return Membership.objects.filter(account=account, role=Membership.Role.OWNER).count()


def _invitation_send(invitation: Invitation, account: PublisherAccount, inviter, *, key: str) -> None:
    outbox_email(
        key=key,
        to=[invitation.email],
        template="accounts/email/invitation",
        context={
            "invitation": invitation,
            "account": account,
            "inviter": inviter,
            "role": invitation.get_role_display(),
            "accept_url": absolute_url(reverse("accounts:invitation-accept", args=[invitation.token])),
        },
    )


@transaction.atomic
def member_invite(*, by: Membership, email: str, role: str) -> Invitation:
    """Invite someone by email to the Owner's account and queue the invitation email."""
    account, actor = owner_lock(by)
    email = email.strip().lower()
    if Membership.objects.filter(account=account, user__email__iexact=email).exists():
        raise ValidationError({"email": _("%(email)s is already a member of this account.") % {"email": email}})
    now = timezone.now()
    invitation = Invitation.objects.create(
        account=account, email=email, role=role, invited_by=actor.user, last_sent_at=now
    )
    _invitation_send(invitation, account, actor.user, key=f"invitation:{invitation.pk}")
    account_event_record(
        account,
        AccountEvent.Kind.MEMBER_INVITED,
        actor=actor.user,
        message=_("Invited %(email)s as %(role)s") % {"email": email, "role": invitation.get_role_display()},
        email=email,
        role=role,
    )
    return invitation


def _pending_invitation(account: PublisherAccount, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id, account=account).first()
    if invitation is None:
        raise Http404(_("No such invitation."))
    if not invitation.pending:
        raise ValidationError(_("This invitation was already accepted or cancelled."))
    return invitation


@transaction.atomic
def invitation_resend(*, by: Membership, invitation_id: int) -> Invitation:
    """Send a pending invitation again (a new email with the same link)."""
    account, actor = owner_lock(by)
    invitation = _pending_invitation(account, invitation_id)
    invitation.resent_count += 1
    invitation.last_sent_at = timezone.now()
    invitation.save(update_fields=["resent_count", "last_sent_at"])
    _invitation_send(invitation, account, actor.user, key=f"invitation:{invitation.pk}:again:{invitation.resent_count}")
    account_event_record(
        account,
        AccountEvent.Kind.INVITATION_RESENT,
        actor=actor.user,
        message=_("Invitation to %(email)s sent again") % {"email": invitation.email},
        email=invitation.email,
    )
    return invitation


@transaction.atomic
def invitation_cancel(*, by: Membership, invitation_id: int) -> Invitation:
    """Cancel a pending invitation: its link no longer works."""
    account, actor = owner_lock(by)
    invitation = _pending_invitation(account, invitation_id)
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    account_event_record(
        account,
        AccountEvent.Kind.INVITATION_CANCELLED,
        actor=actor.user,
        message=_("Invitation to %(email)s cancelled") % {"email": invitation.email},
        email=invitation.email,
    )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user) -> Membership:
    """Join the user to the inviting account; the invitation must be pending and for the user's email."""
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None:
        raise Http404(_("This invitation does not exist."))
    if invitation.is_cancelled:
        raise ValidationError(_("This invitation was cancelled. Ask an Owner of the account for a new one."))
    if not invitation.pending:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.email.lower() != (user.email or "").lower():
        raise PermissionDenied(_("This invitation was sent to another email address."))
    membership, created = Membership.objects.get_or_create(
        account_id=invitation.account_id, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if created:
        account_event_record(
            membership.account,
            AccountEvent.Kind.MEMBER_JOINED,
            actor=user,
            message=_("%(who)s joined as %(role)s") % {"who": _who(user), "role": membership.get_role_display()},
            email=user.email,
            role=membership.role,
        )
    return membership


def _member(account: PublisherAccount, membership_id: int) -> Membership:
    member = Membership.objects.select_for_update().select_related("user").filter(pk=membership_id, account=account)
    member = member.first()
    if member is None:
        raise Http404(_("No such member."))
    return member


def _keep_an_owner(account: PublisherAccount, member: Membership, refusal: str) -> None:
    if member.is_owner and _owners(account) <= 1:
        raise ValidationError(refusal)


@transaction.atomic
def member_role_change(*, by: Membership, membership_id: int, role: str) -> Membership:
    """Give a member another role; the account's last Owner cannot be demoted."""
    account, actor = owner_lock(by)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose Owner, Manager or Developer.")})
    member = _member(account, membership_id)
    if member.role == role:
        return member
    if role != Membership.Role.OWNER:
        _keep_an_owner(
            account,
            member,
            _("%(who)s is the account's only Owner. Make another member Owner first.") % {"who": _who(member.user)},
        )
    before = member.get_role_display()
    member.role = role
    member.save(update_fields=["role"])
    account_event_record(
        account,
        AccountEvent.Kind.ROLE_CHANGED,
        actor=actor.user,
        message=_("%(who)s: %(before)s → %(after)s")
        % {"who": _who(member.user), "before": before, "after": member.get_role_display()},
        email=member.user.email,
        before=before,
        after=member.role,
    )
    return member


@transaction.atomic
def member_remove(*, by: Membership, membership_id: int) -> None:
    """Remove a member from the account; the account's last Owner cannot be removed."""
    account, actor = owner_lock(by)
    member = _member(account, membership_id)
    _keep_an_owner(account, member, _("The account's only Owner cannot be removed. Make another member Owner first."))
    member.delete()
    account_event_record(
        account,
        AccountEvent.Kind.MEMBER_REMOVED,
        actor=actor.user,
        message=_("%(who)s (%(role)s) removed") % {"who": _who(member.user), "role": member.get_role_display()},
        email=member.user.email,
    )


@transaction.atomic
def member_leave(*, membership: Membership) -> None:
    """Leave an account; its last Owner cannot leave until another member is Owner."""
    account = PublisherAccount.objects.select_for_update().get(pk=membership.account_id)
    member = _member(account, membership.pk)
    _keep_an_owner(account, member, _("You are the account's only Owner. Make another member Owner before you leave."))
    member.delete()
    account_event_record(
        account,
        AccountEvent.Kind.MEMBER_LEFT,
        actor=member.user,
        message=_("%(who)s (%(role)s) left the account")
        % {"who": _who(member.user), "role": member.get_role_display()},
        email=member.user.email,
    )
