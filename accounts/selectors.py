"""Read-only queries about accounts, members, the agreement, verification and history, scoped to one account."""

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from accounts.models import (
    AccountEvent,
    AgreementAcceptance,
    Invitation,
    Membership,
    PublisherAgreement,
    VerificationRequest,
)

SESSION_ACCOUNT_KEY = "publisher_account_id"


def memberships_for(user: AbstractBaseUser) -> QuerySet[Membership]:
    """Return the user's memberships with their accounts, in name order."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("account").order_by("account__name", "pk")


def membership_current(user: AbstractBaseUser, session) -> Membership | None:
    """Return the membership of the account the user is working in: the chosen one, else their first."""
    memberships = list(memberships_for(user))
    if not memberships:
        return None
    chosen = session.get(SESSION_ACCOUNT_KEY)
    for membership in memberships:
        if membership.account_id == chosen:
            return membership
    return memberships[0]


def account_members(account_id: int) -> QuerySet[Membership]:
    """Return the account's members with their users, by role and email."""
    return Membership.objects.filter(account_id=account_id).select_related("user").order_by("role", "user__email")


def members_mfa_status(account_id: int, user_ids: list[int] | None = None) -> dict[int, list[str]]:
    """Return, per user id of the account's members (only ``user_ids`` when given: a page of them), the kinds of MFA
    they set up ("totp", "webauthn"), in one query."""
    status: dict[int, list[str]] = {}
    members = Authenticator.objects.filter(user_id__in=user_ids) if user_ids is not None else Authenticator.objects
    rows = members.filter(
        user__memberships__account_id=account_id,
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN],
    ).values_list("user_id", "type")
    for user_id, kind in rows.distinct().order_by("user_id", "type"):
        status.setdefault(user_id, []).append(kind)
    return status


def invitations_pending(account_id: int) -> QuerySet[Invitation]:
    """Return the account's invitations nobody accepted or cancelled yet, newest first."""
    return Invitation.objects.filter(account_id=account_id, accepted_at__isnull=True, cancelled_at__isnull=True)


def agreement_current() -> PublisherAgreement | None:
    """Return the publisher agreement publishers accept now: the highest version."""
    return PublisherAgreement.objects.order_by("-version").first()


def acceptance_latest(account_id: int) -> AgreementAcceptance | None:
    """Return the account's acceptance of the highest agreement version it accepted, with who accepted it."""
    return (
        AgreementAcceptance.objects.filter(account_id=account_id)
        .select_related("agreement", "accepted_by")
        .order_by("-agreement__version")
        .first()
    )


def verification_requests_of(account_id: int) -> QuerySet[VerificationRequest]:
    """Return the account's verification requests, newest first, with who submitted and decided them."""
    return (
        VerificationRequest.objects.filter(account_id=account_id)
        .select_related("submitted_by", "decided_by")
        .order_by("-submitted_at", "-pk")
    )


def verification_decision_latest(account_id: int) -> VerificationRequest | None:
    """Return the account's most recently decided verification request."""
    return (
        VerificationRequest.objects.filter(account_id=account_id, decided_at__isnull=False)
        .order_by("-decided_at", "-pk")
        .first()
    )


def account_history(account_id: int, *, include_internal: bool = False) -> QuerySet[AccountEvent]:
    """Return the account's events, newest first; operators' internal events only when asked."""
    events = AccountEvent.objects.filter(account_id=account_id).select_related("actor").order_by("-created_at", "-pk")
    return events if include_internal else events.filter(internal=False)
