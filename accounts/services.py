"""Services that change accounts and members: sign up, switch, invite, accept."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Invitation, Membership, PublisherAccount
from accounts.selectors import SESSION_ACCOUNT_KEY
from outbox.links import absolute_url
from outbox.services import outbox_email

User = get_user_model()
# The one backend the portal signs users in with (sign-up and invitations log the new user in directly).
AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"


@transaction.atomic
def account_sign_up(*, email: str, password: str, account_name: str, full_name: str = "") -> Membership:
    """Create a user and their publisher account, with the user as its Owner."""
    first, _sep, last = full_name.strip().partition(" ")
    user = User.objects.create_user(
        username=email.lower(), email=email.lower(), password=password, first_name=first, last_name=last
    )
    account = PublisherAccount.objects.create(name=account_name)
    return Membership.objects.create(account=account, user=user, role=Membership.Role.OWNER)


@transaction.atomic
def user_sign_up_invited(*, email: str, password: str, full_name: str, invitation: Invitation) -> Membership:
    """Create a user from an invitation and join them to the inviting account."""
    first, _sep, last = full_name.strip().partition(" ")
    user = User.objects.create_user(
        username=email.lower(), email=email.lower(), password=password, first_name=first, last_name=last
    )
    return invitation_accept(token=invitation.token, user=user)


def account_switch(*, user, session, account_id: int) -> Membership:
    """Make another of the user's accounts current; raise Http404 when the user is not a member of it."""
    membership = Membership.objects.filter(user=user, account_id=account_id).select_related("account").first()
    if membership is None:
        raise Http404(_("No such publisher account."))
    session[SESSION_ACCOUNT_KEY] = membership.account_id
    return membership


@transaction.atomic
def member_invite(*, by: Membership, email: str, role: str) -> Invitation:
    """Invite someone by email to the inviter's account and queue the invitation email."""
    if not by.can_manage_members:
        raise PermissionDenied(_("Only Owners and Managers can invite members."))
    email = email.strip().lower()
    if Membership.objects.filter(account_id=by.account_id, user__email__iexact=email).exists():
        raise ValidationError({"email": _("%(email)s is already a member of this account.") % {"email": email}})
    invitation = Invitation.objects.create(account_id=by.account_id, email=email, role=role, invited_by=by.user)
    outbox_email(
        key=f"invitation:{invitation.pk}",
        to=[email],
        template="accounts/email/invitation",
        context={
            "invitation": invitation,
            "account": by.account,
            "inviter": by.user,
            "role": invitation.get_role_display(),
            "accept_url": absolute_url(reverse("accounts:invitation-accept", args=[invitation.token])),
        },
    )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user) -> Membership:
    """Join the user to the inviting account; the invitation must be pending and for the user's email."""
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None:
        raise Http404(_("This invitation does not exist."))
    if not invitation.pending:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.email.lower() != (user.email or "").lower():
        raise PermissionDenied(_("This invitation was sent to another email address."))
    membership, _created = Membership.objects.get_or_create(
        account_id=invitation.account_id, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership
