"""View decorators of publisher accounts."""

from functools import wraps

from allauth.account.decorators import reauthentication_required as allauth_reauthentication_required
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


def member_required(view):
    """Require a signed-in member of a publisher account; the view gets their membership after the request."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.membership:
            return redirect("accounts:no-account")
        return view(request, request.membership, *args, **kwargs)

    return wrapped


def reauthentication_required(view):
    """Ask for the password (or an MFA code) again before a sensitive change, unless given within the last
    ACCOUNT_REAUTHENTICATION_TIMEOUT seconds; a POST resumes after re-authenticating (allauth keeps it). A GET
    changes nothing and passes."""
    return allauth_reauthentication_required(
        view, allow_get=True, enabled=lambda request: settings.REAUTHENTICATION_REQUIRED
    )
