"""View decorators of publisher accounts."""

from functools import wraps

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
