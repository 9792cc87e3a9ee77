"""Attach the signed-in user's current publisher membership to every request; send who must use multi-factor
authentication and has none to set it up first."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.security import mfa_enabled, mfa_required_for_staff
from accounts.selectors import membership_current

ADMIN_PREFIX = "/admin/"


class CurrentAccountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: membership_current(request.user, request.session))
        return self.get_response(request)


class MfaRequiredMiddleware:
    """Staff reach Django admin, and members of an account that requires MFA reach its pages, only with MFA set up.

    Everything else goes to the two-factor page (to add an authenticator app or a passkey) with a message; signing
    out, re-authenticating, the security pages and static files stay open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = self._reason(request)
        if reason is None:
            return self.get_response(request)
        messages.warning(request, reason)
        target = reverse("mfa_index")
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        return redirect(target)

    def _reason(self, request) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self._open(request.path):
            return None
        if request.path.startswith(ADMIN_PREFIX):
            if mfa_required_for_staff(user) and not mfa_enabled(user):
                return _(
                    "Set up multi-factor authentication before you use the admin: staff sign in with a second step."
                )
            return None
        membership = getattr(request, "membership", None)
        if membership and membership.account.mfa_required and not mfa_enabled(user):
            return _("%(account)s requires multi-factor authentication of every member: set it up to continue.") % {
                "account": membership.account.name
            }
        return None

    @staticmethod
    def _open(path: str) -> bool:
        open_prefixes = (
            "/auth/",  # allauth: MFA setup, re-authentication, sign out, password, email, sessions
            "/account/security/",
            "/sign-out/",
            "/static/",
            "/healthz",
            "/readyz",
            "/marketplace/",
        )
        return path.startswith(open_prefixes) or path == "/"
