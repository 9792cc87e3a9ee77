"""The user's own security page: multi-factor authentication, password, sessions (end any or all) and the
security history. Works for publishers, customers and staff alike: it needs a sign-in, not a publisher account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import SecurityEvent
from accounts.security import (
    mfa_enabled,
    mfa_required,
    other_sessions_end,
    security_event_record,
    security_history,
    user_session_end,
    user_sessions,
)


@login_required
def security(request):
    context = {
        "mfa_enabled": mfa_enabled(request.user),
        "mfa_required": mfa_required(request.user),
        "sessions": user_sessions(request.user),
        "events": security_history(request.user),
    }
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def session_end_view(request, session_pk):
    if user_session_end(request=request, session_pk=session_pk):
        messages.success(request, _("That session was signed out."))
    else:
        messages.info(request, _("That session had already ended."))
    return redirect("accounts:security")


@login_required
@require_POST
def sessions_end_others_view(request):
    ended = other_sessions_end(user=request.user, keep_session_key=request.session.session_key)
    if ended:
        security_event_record(request.user, SecurityEvent.Kind.SESSIONS_ENDED, request=request, count=ended)
    messages.success(request, _("Every other session was signed out."))
    return redirect("accounts:security")
