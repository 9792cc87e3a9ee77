"""django-allauth, the portal's way: its emails go through the outbox, users are named by their email, customers
land in the marketplace, and an authenticator cannot be removed by someone who must use MFA.
"""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.security import is_safe_next, mfa_required, self_sign_up_mark
from accounts.selectors import memberships_for
from outbox.services import outbox_email

# The outbox's templates that wrap an email allauth rendered (subject, text and HTML bodies).
RENDERED_TEMPLATE = "accounts/email/rendered"


class PortalAccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("Please enter a correct email and password. The password is case-sensitive."),
        "too_many_login_attempts": _("Too many failed sign-in attempts from this address. Try again in a minute."),
    }

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's email as it would, then queue it in the outbox: the one path for outgoing messages."""
        request = context.get("request") or _current_request()
        ctx = {"request": request, "email": email, "current_site": _current_site(request), **context}
        message = self.render_mail(template_prefix, email, ctx)
        html = next((body for body, kind in getattr(message, "alternatives", []) if kind == "text/html"), "")
        name = template_prefix.rsplit("/", 1)[-1]
        with transaction.atomic():
            outbox_email(
                key=f"auth:{name}:{uuid.uuid4().hex}",
                to=[email],
                template=RENDERED_TEMPLATE,
                context={"subject": message.subject, "body": message.body, "html": html},
            )

    def new_user(self, request):
        """A user signing up verifies their email by the link allauth sends (no verified address on creation)."""
        user = super().new_user(request)
        self_sign_up_mark(user)
        return user

    def populate_username(self, request, user) -> None:
        """Users are named by their email, lower-cased, as everywhere in the portal."""
        user.username = (user.email or "").strip().lower()

    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()

    def get_login_redirect_url(self, request) -> str:
        """Publishers go to their dashboard, customers (no publisher account) to the marketplace."""
        if not memberships_for(request.user).exists():
            return reverse("storefront:catalogue")
        return super().get_login_redirect_url(request)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """allauth's own sensitive changes (MFA, email) follow the portal's REAUTHENTICATION_REQUIRED too."""
        return settings.REAUTHENTICATION_REQUIRED and super().is_reauthentication_required(app=app, **kwargs)

    def is_safe_url(self, url: str) -> bool:
        """Every ``next`` allauth follows passes the portal's one check (a path on this site)."""
        request = _current_request()
        if request is None or not url:
            return False
        return is_safe_next(request, url)


class PortalMfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Who must use MFA keeps at least one authenticator app or passkey."""
        if authenticator.type == Authenticator.Type.RECOVERY_CODES or not mfa_required(authenticator.user):
            return True
        others = Authenticator.objects.filter(
            user=authenticator.user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exclude(pk=authenticator.pk)
        return others.exists()


def _current_request():
    """The request of the running view: allauth keeps it in its context."""
    return allauth_context.request


def _current_site(request):
    return get_current_site(request)
