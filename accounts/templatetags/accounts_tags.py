"""Template tags of publisher accounts: the readiness checklist and what the account still lacks, anywhere."""

from allauth.account.views import PasswordResetFromKeyView
from django import template
from django.conf import settings

from accounts.readiness import account_readiness
from accounts.security import password_reset_key_expired

register = template.Library()
RESET_URL_KEY = PasswordResetFromKeyView.reset_url_key
RESET_SESSION_KEY = "_password_reset_key"  # allauth's INTERNAL_RESET_SESSION_KEY


def _readiness_context(context) -> dict:
    membership = context.get("current_membership")
    return {
        "readiness": account_readiness(membership.account) if membership else None,
        "current_membership": membership,
    }


@register.inclusion_tag("accounts/_checklist.html", takes_context=True)
def account_checklist(context):
    """Show the steps to a ready account (legal info, agreement, verification) until it is ready."""
    return _readiness_context(context)


@register.inclusion_tag("accounts/_lacks.html", takes_context=True)
def account_lacks(context):
    """Show what the account still lacks before business eligibility can pass, with links to fix it."""
    return _readiness_context(context)


@register.simple_tag(takes_context=True)
def reset_link_expired(context) -> bool:
    """Whether the password reset link of this page failed for its age (else it was used or is not ours). allauth
    moves the token from the link into the session (``set-password`` in the address) once it opened."""
    request = context["request"]
    token = request.resolver_match.kwargs.get("key", "")
    if token == RESET_URL_KEY:
        token = request.session.get(RESET_SESSION_KEY, "")
    return password_reset_key_expired(str(token))


@register.simple_tag
def reset_link_minutes() -> int:
    """How long a password reset link works, in minutes."""
    return settings.PASSWORD_RESET_TIMEOUT // 60
