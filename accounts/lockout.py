"""The sign-in lockout (django-axes): the email axes counts failures of, the page that says when to try again, and
the one email to the account holder per lockout.

Axes stays beside allauth's rate limits because it adds what they do not: a lockout of one account for a
cool-off that can be stated, a signal to tell the holder, and attempts operators read and reset in admin.
"""

from datetime import timedelta

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityEvent
from accounts.security import security_event_record
from outbox.links import absolute_url
from outbox.services import outbox_email

LOCKOUT_STATUS = 429


def lockout_username(request, credentials=None) -> str:
    """The email a sign-in attempt is for, lower-cased: allauth passes it as ``email``, a form posts ``login``."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or ""
    if not value and request is not None:
        data = getattr(request, "POST", {})
        value = data.get("login") or data.get("username") or ""
    return str(value).strip().lower()


def lockout_until(username: str):
    """When the lockout of this email ends (its latest attempt plus the cool-off), or None when it is not locked."""
    cool_off = get_cool_off() or timedelta(0)
    attempt = AccessAttempt.objects.filter(username=username).order_by("-attempt_time").first()
    if attempt is None:
        return None
    return attempt.attempt_time + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page: how many failures locked it and when to try again, with the way to reset the password."""
    username = lockout_username(request, credentials)
    until = lockout_until(username) or timezone.now() + (get_cool_off() or timedelta(0))
    minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
    context = {"until": until, "minutes": minutes, "failure_limit": get_failure_limit(request, credentials)}
    return render(request, "accounts/locked_out.html", context, status=LOCKOUT_STATUS)


def lockout_notify(request, username: str) -> None:
    """Email the holder of the locked email once per lockout, and record it in their security history.

    Axes signals a lockout when it starts and again for every attempt during it; the outbox sends once per key, and
    the key names the attempt row, which lives exactly as long as the lockout.
    """
    user = get_user_model().objects.filter(email__iexact=username, is_active=True).first()
    attempt = AccessAttempt.objects.filter(username=username).order_by("-attempt_time").first()
    if user is None or attempt is None:
        return
    key = f"lockout:{user.pk}:{attempt.pk}"
    with transaction.atomic():
        outbox_email(
            key=key,
            to=[user.email],
            template="accounts/email/locked_out",
            context={
                "user": user,
                "until": lockout_until(username),
                "failure_limit": get_failure_limit(request, None),
                "reset_url": absolute_url(reverse("account_reset_password")),
                "ip_address": request.META.get("REMOTE_ADDR", "") if request is not None else "",
            },
        )
        recorded = SecurityEvent.objects.filter(user=user, kind=SecurityEvent.Kind.LOCKED_OUT, data__attempt=attempt.pk)
        if not recorded.exists():
            security_event_record(user, SecurityEvent.Kind.LOCKED_OUT, request=request, attempt=attempt.pk)
