"""The outbox: queue a message once per key, deliver it once per key by its channel, give up, send again."""

import hashlib
import json
import logging
import smtplib
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.handoff import task_hand_off, task_send
from outbox.leads import lead_message_fields
from outbox.models import OutboxAttempt, OutboxMessage
from outbox.outbound import OutboundResult, outbound_request
from outbox.signers import signer_headers
from outbox.tasks import outbox_deliver

logger = logging.getLogger(__name__)


# -- queueing ---------------------------------------------------------------------------------------------------


def outbox_email(*, key: str, to: list[str], template: str, context: dict) -> OutboxMessage:
    """Queue an email rendered from ``<template>_subject.txt``, ``.txt`` and ``.html``; once per key.

    Call inside the transaction of the change that causes the email; it is handed to a worker on commit.
    """
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    return _queue(
        key,
        {
            "channel": OutboxMessage.Channel.EMAIL,
            "recipients": sorted(set(to)),
            "subject": subject,
            "body_text": render_to_string(f"{template}.txt", context),
            "body_html": render_to_string(f"{template}.html", context),
        },
    )


def outbox_lead_queue(*, key: str, setup: dict, payload: dict) -> OutboxMessage:
    """Queue a lead to the destination of an Offer setup page; once per key, handed to a worker on commit.

    Without a destination there is nothing to send: the message is recorded as failed, for operators to see.
    """
    fields = lead_message_fields(setup, payload)
    if fields is None:
        message, _created = OutboxMessage.objects.get_or_create(
            key=key,
            defaults={
                "recipients": [],
                "subject": f"Lead {payload.get('leadId', '')}",
                "payload": payload,
                "state": OutboxMessage.State.FAILED,
                "last_error": _no_destination(),
            },
        )
        logger.warning("outbox: lead %s has no destination", key)
        return message
    return _queue(key, fields)


def outbox_webhook(
    *, key: str, url: str, payload: dict, signer: str, meta: dict | None = None, group: str = "", subject: str = ""
) -> OutboxMessage:
    """Queue a webhook: the JSON payload POSTed to an HTTPS URL with the headers of a registered signer; once per key.

    The signer computes its headers when the message is sent (outbox.signers). Messages of one ``group`` are
    delivered in the order they were queued: a message waits while an earlier one of its group is pending.
    """
    return _queue(
        key,
        {
            "channel": OutboxMessage.Channel.WEBHOOK,
            "recipients": [url],
            "subject": subject[:255],
            "payload": payload,
            "signer": signer,
            "meta": meta or {},
            "group": group,
        },
    )


def _queue(key: str, fields: dict) -> OutboxMessage:
    message, created = OutboxMessage.objects.get_or_create(key=key, defaults=fields)
    if created:
        _enqueue(message.pk)
    return message


def _enqueue(message_id: int) -> None:
    """Hand the message to a worker on commit; if the broker is down, the outbox re-drive sends it later."""
    task_hand_off(outbox_deliver, message_id=message_id)


# -- delivery ---------------------------------------------------------------------------------------------------


def outbox_lease_seconds() -> int:
    """How long a sender holds a message: above the longest send (SMTP or HTTPS timeouts), so a live sender keeps it."""
    return getattr(settings, "OUTBOX_LEASE_SECONDS", 30)


class OutboxBusy(Exception):
    """Another worker holds the message's lease: it is being sent now; try again once the lease is over."""

    def __init__(self, key: str, retry_in: float):
        super().__init__(_("%(key)s is being sent by another worker.") % {"key": key})
        self.retry_in = max(1.0, retry_in)


def outbox_deliver_message(*, message_id: int) -> OutboundResult:
    """Deliver a message by its channel unless it was sent before, recording the attempt; return the result.

    An email goes over SMTP; a lead to an HTTPS endpoint is its JSON payload POSTed there; a webhook is its JSON
    payload POSTed with its signer's headers. Each carries the message's stable idempotency key.

    The message is first marked ``sending`` under a lease, in a transaction of its own committed before the
    network call (no row lock is held while sending): another delivery of the same message meanwhile raises
    ``OutboxBusy`` and tries again later. A lease found expired means its sender died mid-send: the message is
    sent again, with the same key (at least once). A message whose group has an earlier pending message is not
    tried: the result is ``deferred``, and the earlier one hands over to it when it is sent or given up. A refused
    lead or webhook is returned as a result that is not ok; SMTP, socket and database errors are recorded on the
    message and raised.
    """
    started = time.monotonic()
    claimed = _claim(message_id)
    if isinstance(claimed, OutboundResult):
        return claimed
    message, lease = claimed
    try:
        result = _send(message)
    except Exception as error:
        detail = str(error) or error.__class__.__name__
        _release(message_id, lease, detail)
        _record_attempt(message_id, OutboundResult(False, None, detail, duration_ms=_ms_since(started)))
        raise
    _finish(message, lease, result)
    if result.ok:
        logger.info("outbox: sent %s to %s", message.key, ", ".join(message.recipients))
    else:
        logger.info("outbox: %s was not accepted: %s", message.key, result.detail)
    return result


@transaction.atomic
def _claim(message_id: int):
    """Take the message's lease and commit it; return (message, lease end), or the result when there is nothing to
    send now. Raise OutboxBusy while another sender's lease is live."""
    message = OutboxMessage.objects.select_for_update().get(pk=message_id)
    now = timezone.now()
    if message.state == OutboxMessage.State.SENT:
        return OutboundResult(True, None, _("%(key)s was sent already.") % {"key": message.key})
    if message.state == OutboxMessage.State.SENDING:
        if message.sending_until and message.sending_until > now:
            raise OutboxBusy(message.key, (message.sending_until - now).total_seconds())
        logger.warning("outbox: the sender of %s died mid-send; sending it again with the same key", message.key)
    if _waits_for_earlier(message):
        return OutboundResult(
            False, None, _("%(key)s waits for an earlier message.") % {"key": message.key}, deferred=True
        )
    lease = now + timedelta(seconds=outbox_lease_seconds())
    message.state, message.sending_until = OutboxMessage.State.SENDING, lease
    message.attempts += 1
    message.save(update_fields=["state", "sending_until", "attempts"])
    return message, lease


@transaction.atomic
def _finish(message: OutboxMessage, lease, result: OutboundResult) -> None:
    """Record the send's result: sent (whoever holds the lease now), or back to pending if the lease is still ours."""
    if result.ok:
        message.state, message.sent_at, message.last_error = OutboxMessage.State.SENT, timezone.now(), ""
        OutboxMessage.objects.filter(pk=message.pk).exclude(state=OutboxMessage.State.SENT).update(
            state=message.state, sent_at=message.sent_at, last_error="", sending_until=None
        )
        _hand_over(message)
    else:
        _release(message.pk, lease, result.detail)
    _record_attempt(message.pk, result)


def _release(message_id: int, lease, error: str) -> None:
    """Give the lease back after a failed send: pending again, for the task's retry (or the re-drive)."""
    OutboxMessage.objects.filter(pk=message_id, state=OutboxMessage.State.SENDING, sending_until=lease).update(
        state=OutboxMessage.State.PENDING, sending_until=None, last_error=error
    )


def outbox_retry_at(*, message_id: int, countdown: float) -> None:
    """Record when the task tries a pending message again, so the re-drive leaves it alone until then."""
    OutboxMessage.objects.filter(pk=message_id, state=OutboxMessage.State.PENDING).update(
        next_attempt_at=timezone.now() + timedelta(seconds=countdown)
    )


def outbox_redrive(*, now=None, limit: int = 500) -> int:
    """Hand to a worker again every message left behind: pending past its due time (its task was lost with a worker
    or a broker), or sending with an expired lease (its sender died). Return how many were handed over.

    Run by beat and when a worker starts. A message handed over twice is safe: its lease lets one sender at a time
    through, and a sent message is never sent again.
    """
    now = now or timezone.now()
    due = now - timedelta(seconds=getattr(settings, "OUTBOX_REDRIVE_AFTER", 30))
    left = OutboxMessage.objects.filter(
        Q(state=OutboxMessage.State.PENDING)
        & (Q(next_attempt_at__lt=due) | Q(next_attempt_at=None, created_at__lt=due))
        | Q(state=OutboxMessage.State.SENDING, sending_until__lt=now)
    ).exclude(recipients=[])
    ids = list(left.order_by("pk").values_list("pk", flat=True)[:limit])
    handed = 0
    for message_id in ids:
        # the next re-drive leaves it alone for OUTBOX_REDRIVE_AFTER again, while the task waits in the queue
        OutboxMessage.objects.filter(pk=message_id, state=OutboxMessage.State.PENDING).update(next_attempt_at=now)
        handed += task_send(outbox_deliver, message_id=message_id)
    if ids:
        logger.info("outbox: re-drove %d of %d message(s) left behind", handed, len(ids))
    return handed


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _record_attempt(message_id: int, result: OutboundResult) -> None:
    OutboxAttempt.objects.create(
        message_id=message_id,
        ok=result.ok,
        status_code=result.status,
        duration_ms=result.duration_ms,
        detail=result.detail[:2000],
        response_excerpt=result.excerpt[:500],
    )


def _waits_for_earlier(message: OutboxMessage) -> bool:
    return bool(message.group) and (
        OutboxMessage.objects.filter(
            group=message.group,
            state__in=[OutboxMessage.State.PENDING, OutboxMessage.State.SENDING],
            pk__lt=message.pk,
        ).exists()
    )


def _hand_over(message: OutboxMessage) -> None:
    """Once a message of a group is sent or given up, hand the group over to its next pending message."""
    if not message.group:
        return
    following = (
        OutboxMessage.objects.filter(group=message.group, state=OutboxMessage.State.PENDING, pk__gt=message.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        _enqueue(following)


def _send(message: OutboxMessage) -> OutboundResult:
    if not any(message.recipients):
        return OutboundResult(False, None, _no_destination())
    idempotency = {"Idempotency-Key": message.idempotency_key}
    if message.channel == OutboxMessage.Channel.LEAD_HTTPS:
        return outbound_request("POST", message.recipients[0], json=message.payload, headers=idempotency)
    if message.channel == OutboxMessage.Channel.WEBHOOK:
        body = json.dumps(message.payload, separators=(",", ":"), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", **idempotency, **signer_headers(message, body)}
        return outbound_request("POST", message.recipients[0], content=body, headers=headers)
    started = time.monotonic()
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        to=message.recipients,
        headers={"Message-ID": _message_id(message), "X-Idempotency-Key": message.idempotency_key},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    email.send(fail_silently=False)
    return OutboundResult(
        True,
        None,
        _("Emailed to %(to)s.") % {"to": ", ".join(message.recipients)},
        duration_ms=_ms_since(started),
    )


def _message_id(message: OutboxMessage) -> str:
    """The email's Message-ID, the same on every try of the message: a repeat is recognisable as the same email."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "publisher-portal.local"
    return f"<outbox.{message.pk}.{hashlib.sha256(message.key.encode()).hexdigest()[:16]}@{domain}>"


def _no_destination() -> str:
    return _("No customer leads destination is configured.")


def outbox_send_now(*, key: str, setup: dict, payload: dict) -> OutboundResult:
    """Deliver a lead now, through the same delivery as the worker's, and return the answer; once per key.

    For callers that need the answer at once (the lead management check, the editor's Validate button). A key
    sent before returns success without sending. A failed send is marked failed (nothing retries it by itself;
    operators can send it again, and a caller may call again with the same key). While another process holds the
    message's lease (it is being sent now), ``OutboxBusy`` is raised: the caller tries again later.
    """
    fields = lead_message_fields(setup, payload)
    if fields is None:
        return OutboundResult(False, None, _no_destination())
    message, _created = OutboxMessage.objects.get_or_create(key=key, defaults=fields)
    try:
        result = outbox_deliver_message(message_id=message.pk)
    except (OSError, smtplib.SMTPException) as error:
        result = OutboundResult(False, None, _("The lead email could not be sent (%(error)s).") % {"error": error})
    if not result.ok:
        outbox_give_up(message_id=message.pk, error=result.detail)
    return result


@transaction.atomic
def outbox_give_up(*, message_id: int, error: str) -> None:
    """Mark a message failed after its retries are spent, so operators can see and re-drive it; the next message
    of its group goes on."""
    given_up = OutboxMessage.objects.filter(pk=message_id).exclude(state=OutboxMessage.State.SENT)
    if given_up.update(state=OutboxMessage.State.FAILED, last_error=error, sending_until=None):
        _hand_over(OutboxMessage.objects.get(pk=message_id))


# -- operators --------------------------------------------------------------------------------------------------


class OutboxRefused(Exception):
    """An operator's request the message's state does not allow; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


@transaction.atomic
def outbox_send_again(*, message_id: int, by) -> OutboxMessage:
    """Queue a message that failed (or is stuck pending) for delivery again; a sent one is never sent twice.

    Every channel goes through the same task and retries; a certification step's test lead sent again this way
    is a lead the destination receives, and a later run of the step finds it sent.
    """
    if not (by and by.is_active and by.is_staff and by.has_perm("outbox.change_outboxmessage")):
        raise PermissionDenied
    return outbox_requeue(message_id=message_id)


@transaction.atomic
def outbox_requeue(*, message_id: int) -> OutboxMessage:
    """Queue a failed or stuck message again; the caller has checked who may (operators, or a publisher's own
    webhook delivery log). A sent message is refused: it is never sent twice."""
    message = OutboxMessage.objects.select_for_update().get(pk=message_id)
    if message.state == OutboxMessage.State.SENT:
        raise OutboxRefused(_("%(key)s was sent already.") % {"key": message.key})
    if not any(message.recipients):
        raise OutboxRefused(_("%(key)s has no destination to send to.") % {"key": message.key})
    if (
        message.state == OutboxMessage.State.SENDING
        and message.sending_until
        and message.sending_until > timezone.now()
    ):
        raise OutboxRefused(_("%(key)s is being sent now.") % {"key": message.key})
    message.state, message.sending_until, message.next_attempt_at = OutboxMessage.State.PENDING, None, None
    message.save(update_fields=["state", "sending_until", "next_attempt_at"])
    _enqueue(message.pk)
    return message
