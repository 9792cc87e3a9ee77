"""The outbox: queue a message once per key, deliver it once per key by its channel, give up, send again."""

import json
import logging
import smtplib
import time

from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

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
        transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    outbox_deliver.delay(message_id=message_id)


# -- delivery ---------------------------------------------------------------------------------------------------


def outbox_deliver_message(*, message_id: int) -> OutboundResult:
    """Deliver a message by its channel unless it was sent before, recording the attempt; return the result.

    An email goes over SMTP; a lead to an HTTPS endpoint is its JSON payload POSTed there; a webhook is its JSON
    payload POSTed with its signer's headers. The row stays locked during the send, so two deliveries of the same
    message never both send it. A message whose group has an earlier pending message is not tried: the result is
    ``deferred``, and the earlier one hands over to it when it is sent or given up. A refused lead or webhook is
    returned as a result that is not ok; SMTP, socket and database errors are recorded on the message and raised.
    """
    started = time.monotonic()
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.select_for_update().get(pk=message_id)
            if message.state == OutboxMessage.State.SENT:
                return OutboundResult(True, None, _("%(key)s was sent already.") % {"key": message.key})
            if _waits_for_earlier(message):
                return OutboundResult(
                    False, None, _("%(key)s waits for an earlier message.") % {"key": message.key}, deferred=True
                )
            result = _send(message)
            message.attempts += 1
            if result.ok:
                message.state, message.sent_at, message.last_error = OutboxMessage.State.SENT, timezone.now(), ""
                _hand_over(message)
            else:
                message.last_error = result.detail
            message.save(update_fields=["state", "sent_at", "attempts", "last_error"])
            _record_attempt(message.pk, result)
    except OutboxMessage.DoesNotExist:
        raise
    except Exception as error:
        detail = str(error) or error.__class__.__name__
        OutboxMessage.objects.filter(pk=message_id).exclude(state=OutboxMessage.State.SENT).update(
            attempts=F("attempts") + 1, last_error=detail
        )
        _record_attempt(message_id, OutboundResult(False, None, detail, duration_ms=_ms_since(started)))
        raise
    if result.ok:
        logger.info("outbox: sent %s to %s", message.key, ", ".join(message.recipients))
    else:
        logger.info("outbox: %s was not accepted: %s", message.key, result.detail)
    return result


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
        OutboxMessage.objects.filter(group=message.group, state=OutboxMessage.State.PENDING, pk__lt=message.pk).exists()
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
        transaction.on_commit(lambda: _enqueue(following))


def _send(message: OutboxMessage) -> OutboundResult:
    if not any(message.recipients):
        return OutboundResult(False, None, _no_destination())
    if message.channel == OutboxMessage.Channel.LEAD_HTTPS:
        return outbound_request("POST", message.recipients[0], json=message.payload)
    if message.channel == OutboxMessage.Channel.WEBHOOK:
        body = json.dumps(message.payload, separators=(",", ":"), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", **signer_headers(message, body)}
        return outbound_request("POST", message.recipients[0], content=body, headers=headers)
    started = time.monotonic()
    email = EmailMultiAlternatives(subject=message.subject, body=message.body_text, to=message.recipients)
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    email.send(fail_silently=False)
    return OutboundResult(
        True,
        None,
        _("Emailed to %(to)s.") % {"to": ", ".join(message.recipients)},
        duration_ms=_ms_since(started),
    )


def _no_destination() -> str:
    return _("No customer leads destination is configured.")


def outbox_send_now(*, key: str, setup: dict, payload: dict) -> OutboundResult:
    """Deliver a lead now, through the same delivery as the worker's, and return the answer; once per key.

    For callers that need the answer at once (the lead management check, the editor's Validate button). A key
    sent before returns success without sending. A failed send is marked failed (nothing retries it by itself;
    operators can send it again, and a caller may call again with the same key).
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
    if given_up.update(state=OutboxMessage.State.FAILED, last_error=error):
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
    message.state = OutboxMessage.State.PENDING
    message.save(update_fields=["state"])
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message
