"""Signing in safely: the one check of a ``next`` address, who must use multi-factor authentication, the user's
security history, and the end of sessions.

Sign-in, sign-up, email verification, password reset and change, MFA and sessions are django-allauth's
(accounts/adapters.py styles and routes them); this module holds the portal's own rules around them.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.utils.http import base36_to_int, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.history import account_event_record
from accounts.models import AccountEvent, Membership, SecurityEvent
from accounts.services import owner_lock

USER_AGENT_MAX = 300
# Set on a user being created by a self-service sign-up, whose email is verified by a link instead.
SELF_SIGN_UP = "_portal_self_sign_up"


def next_url(request, default: str) -> str:
    """Return the ``next`` of the request (POST, then GET) when it is a path on this site, else ``default``.

    The one check of every ``next`` in the portal: ``foo``, ``//evil.example`` and ``https://evil.example`` all
    give ``default``, so a redirect never leaves the site and never tries to resolve a URL name.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if is_safe_next(request, target):
        return target
    return default


def is_safe_next(request, target: str) -> bool:
    """Whether ``target`` is a path of this site (a leading slash, no other host, no scheme)."""
    return (
        bool(target)
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )


def password_reset_key_expired(token: str) -> bool:
    """Whether a password reset token (``<timestamp>-<hash>``, as Django makes it) is older than
    PASSWORD_RESET_TIMEOUT; False for one that is not a token at all."""
    timestamp, _sep, _hash = token.partition("-")
    try:
        issued = base36_to_int(timestamp)
    except ValueError:
        return False
    clock = PasswordResetTokenGenerator()  # Django's token clock, the one that judged the link
    return clock._num_seconds(clock._now()) - issued > settings.PASSWORD_RESET_TIMEOUT


def self_sign_up_mark(user) -> None:
    """Mark a user being created by a self-service sign-up: their email gets no verified address on creation
    (accounts/receivers.py) and is verified by the link of ``email_verification_send``."""
    setattr(user, SELF_SIGN_UP, True)


def email_verification_send(request, user) -> None:
    """Record the user's email as unverified and email them the link that verifies it (through the outbox)."""
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=user.email.lower(), defaults={"primary": True, "verified": False}
    )
    if not address.verified:
        address.send_confirmation(request, signup=True)


# -- who must use multi-factor authentication ------------------------------------------------------------------


def mfa_enabled(user) -> bool:
    """Whether the user has an authenticator app or a passkey (recovery codes alone do not count)."""
    return is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])


def mfa_required_for_staff(user) -> bool:
    return bool(settings.STAFF_MFA_REQUIRED and user.is_authenticated and (user.is_staff or user.is_superuser))


def mfa_required_by_accounts(user) -> bool:
    """Whether any publisher account the user belongs to requires MFA of its members."""
    return user.is_authenticated and Membership.objects.filter(user=user, account__mfa_required=True).exists()


def mfa_required(user) -> bool:
    return mfa_required_for_staff(user) or mfa_required_by_accounts(user)


@transaction.atomic
def account_mfa_requirement_set(*, by: Membership, required: bool) -> bool:
    """An Owner turns "require MFA for all members" on or off; return whether it changed. Recorded in history."""
    account, actor = owner_lock(by)
    if account.mfa_required == required:
        return False
    account.mfa_required = required
    account.save(update_fields=["mfa_required"])
    account_event_record(
        account,
        AccountEvent.Kind.MFA_REQUIREMENT_CHANGED,
        actor=actor.user,
        message=_("Multi-factor authentication required of every member")
        if required
        else _("Multi-factor authentication no longer required"),
        required=required,
    )
    return True


# -- the user's security history -------------------------------------------------------------------------------


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def security_event_record(user, kind: str, *, request=None, **data) -> SecurityEvent:
    """Record an event in the user's own security history, with the address and browser it came from."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX] if request is not None else ""
    return SecurityEvent.objects.create(
        user=user, kind=kind, ip_address=_client_ip(request), user_agent=user_agent, data=data
    )


def security_history(user, limit: int = 50):
    return SecurityEvent.objects.filter(user=user)[:limit]


# -- sessions ------------------------------------------------------------------------------------------------


def user_sessions(user):
    """The user's active sessions, most recently seen first (ended or expired ones are dropped on the way)."""
    return sorted(UserSession.objects.purge_and_list(user), key=lambda s: s.last_seen_at, reverse=True)


def user_session_end(*, request, session_pk: int) -> bool:
    """End one of the signed-in user's other sessions; return False when it is not theirs or already gone."""
    session = UserSession.objects.filter(pk=session_pk, user=request.user).first()
    if session is None or session.is_current():
        return False
    session.end()
    security_event_record(request.user, SecurityEvent.Kind.SESSIONS_ENDED, request=request, count=1)
    return True


def other_sessions_end(*, user, keep_session_key: str | None) -> int:
    """End every session of the user but ``keep_session_key`` (the one making the change); return how many."""
    ended = 0
    for session in UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or ""):
        session.end()
        ended += 1
    return ended
