"""What the portal does when allauth, Django and axes report a sign-in event: record it in the user's security
history, end the other sessions after a password change or reset, and tell the holder of a locked account.

Connected in ``AccountsConfig.ready()``.
"""

from allauth.account import signals as account_signals
from allauth.account.models import EmailAddress
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import post_save

from accounts.lockout import lockout_notify, lockout_username
from accounts.models import SecurityEvent
from accounts.security import SELF_SIGN_UP, other_sessions_end, security_event_record


def _user_created(sender, instance, created, raw=False, **kwargs):
    """A user the portal creates itself (an operator in admin, createsuperuser, demo data) has a verified email:
    allauth asks for one before sign-in and before MFA. Self-service sign-ups verify theirs by a link."""
    if not created or raw or getattr(instance, SELF_SIGN_UP, False) or not instance.email:
        return
    address = instance.email.strip().lower()
    if not EmailAddress.objects.filter(email__iexact=address).exists():
        EmailAddress.objects.create(user=instance, email=address, verified=True, primary=True)


def _signed_in(sender, request, user, **kwargs):
    security_event_record(user, SecurityEvent.Kind.SIGNED_IN, request=request)


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    email = lockout_username(request, credentials)
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    if user is not None:
        security_event_record(user, SecurityEvent.Kind.SIGN_IN_FAILED, request=request)


def _locked_out(sender, request, username, **kwargs):
    lockout_notify(request, (username or "").lower())


def _password_changed(sender, request, user, **kwargs):
    """A changed password ends every other session of the user; this one stays."""
    kept = request.session.session_key if request is not None and request.user.is_authenticated else None
    ended = other_sessions_end(user=user, keep_session_key=kept)
    security_event_record(user, SecurityEvent.Kind.PASSWORD_CHANGED, request=request, sessions_ended=ended)


def _password_reset(sender, request, user, **kwargs):
    """A password reset by email ends every session of the user."""
    ended = other_sessions_end(user=user, keep_session_key=None)
    security_event_record(user, SecurityEvent.Kind.PASSWORD_RESET, request=request, sessions_ended=ended)


def _email_confirmed(sender, request, email_address, **kwargs):
    security_event_record(email_address.user, SecurityEvent.Kind.EMAIL_VERIFIED, request=request)


def _authenticator_added(sender, request, user, authenticator, **kwargs):
    security_event_record(user, SecurityEvent.Kind.MFA_ADDED, request=request, type=authenticator.type)


def _authenticator_removed(sender, request, user, authenticator, **kwargs):
    security_event_record(user, SecurityEvent.Kind.MFA_REMOVED, request=request, type=authenticator.type)


def _authenticator_reset(sender, request, user, authenticator, **kwargs):
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        security_event_record(user, SecurityEvent.Kind.RECOVERY_CODES_REGENERATED, request=request)


def _authenticator_used(sender, request, user, authenticator, **kwargs):
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        security_event_record(user, SecurityEvent.Kind.RECOVERY_CODE_USED, request=request)


def receivers_connect() -> None:
    post_save.connect(_user_created, sender=get_user_model(), dispatch_uid="accounts.user_created")
    account_signals.user_logged_in.connect(_signed_in, dispatch_uid="accounts.signed_in")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="accounts.sign_in_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="accounts.locked_out")
    account_signals.password_changed.connect(_password_changed, dispatch_uid="accounts.password_changed")
    account_signals.password_reset.connect(_password_reset, dispatch_uid="accounts.password_reset")
    account_signals.email_confirmed.connect(_email_confirmed, dispatch_uid="accounts.email_confirmed")
    mfa_signals.authenticator_added.connect(_authenticator_added, dispatch_uid="accounts.mfa_added")
    mfa_signals.authenticator_removed.connect(_authenticator_removed, dispatch_uid="accounts.mfa_removed")
    mfa_signals.authenticator_reset.connect(_authenticator_reset, dispatch_uid="accounts.mfa_reset")
    mfa_signals.authenticator_used.connect(_authenticator_used, dispatch_uid="accounts.mfa_used")
