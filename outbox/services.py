"""The outbox: queue a message once per key, deliver it once per key, give up, send again."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.leads import lead_deliver
from outbox.models import OutboxMessage
from outbox.outbound import OutboundResult
from outbox.tasks import outbox_deliver

logger = logging.getLogger(__name__)


def outbox_email(*, key: str, to: list[str], template: str, context: dict) -> OutboxMessage:
    """Queue an email rendered from ``<template>_subject.txt``, ``.txt`` and ``.html``; once per key.

    Call inside the transaction of the change that causes the email; it is handed to a worker on commit.
    """
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message, created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "channel": OutboxMessage.Channel.EMAIL,
            "recipients": sorted(set(to)),
            "subject": subject,
            "body_text": render_to_string(f"{template}.txt", context),
            "body_html": render_to_string(f"{template}.html", context),
        },
    )
    if created:
        transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    outbox_deliver.delay(message_id=message_id)


def outbox_deliver_email(*, message_id: int) -> None:
    """Send a pending email message unless it was sent before. Raises on SMTP errors, recording them."""
    try:
        with transaction.atomic():
            # The row lock keeps two deliveries of the same message from both sending it.
            message = OutboxMessage.objects.select_for_update().get(pk=message_id)
            if message.state == OutboxMessage.State.SENT:
                return
            email = EmailMultiAlternatives(subject=message.subject, body=message.body_text, to=message.recipients)
            if message.body_html:
                email.attach_alternative(message.body_html, "text/html")
            email.send(fail_silently=False)
            message.state = OutboxMessage.State.SENT
            message.sent_at = timezone.now()
            message.attempts += 1
            message.last_error = ""
            message.save(update_fields=["state", "sent_at", "attempts", "last_error"])
    except OutboxMessage.DoesNotExist:
        raise
    except Exception as error:
        OutboxMessage.objects.filter(pk=message_id).exclude(state=OutboxMessage.State.SENT).update(
            attempts=F("attempts") + 1, last_error=str(error) or error.__class__.__name__
        )
        raise
    logger.info("outbox: sent %s to %s", message.key, ", ".join(message.recipients))


def outbox_give_up(*, message_id: int, error: str) -> None:
    """Mark a message failed after its retries are spent, so operators can see and re-drive it."""
    OutboxMessage.objects.filter(pk=message_id).exclude(state=OutboxMessage.State.SENT).update(
        state=OutboxMessage.State.FAILED, last_error=error
    )


def outbox_lead(key: str, setup: dict, payload: dict):
    """Deliver a lead once per key to the destination of an Offer setup page; return the OutboundResult.

    A lead already delivered under this key is not sent again: the recorded success is returned.
    """
    channel = (
        OutboxMessage.Channel.LEAD_HTTPS if setup.get("leads_destination") == "https" else OutboxMessage.Channel.EMAIL
    )
    target = setup.get("leads_https_url") or setup.get("leads_email") or ""
    with transaction.atomic():
        message, _created = OutboxMessage.objects.get_or_create(
            key=key,
            defaults={
                "channel": channel,
                "recipients": [target],
                "subject": f"Lead {payload.get('leadId', '')}",
                "payload": payload,
            },
        )
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if message.state == OutboxMessage.State.SENT:
            return OutboundResult(True, None, message.last_error or "delivered before")
        result = lead_deliver(setup, message.payload)
        message.attempts += 1
        if result.ok:
            message.state, message.sent_at, message.last_error = OutboxMessage.State.SENT, timezone.now(), ""
        else:
            message.last_error = result.detail
        message.save(update_fields=["attempts", "state", "sent_at", "last_error"])
    return result


class OutboxRefused(Exception):
    """An operator's request the message's state does not allow; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


@transaction.atomic
def outbox_send_again(*, message_id: int, by) -> OutboxMessage:
    """Queue an email that failed (or is stuck pending) for delivery again; a sent one is never sent twice."""
    if not (by and by.is_active and by.is_staff and by.has_perm("outbox.change_outboxmessage")):
        raise PermissionDenied
    message = OutboxMessage.objects.select_for_update().get(pk=message_id)
    if message.state == OutboxMessage.State.SENT:
        raise OutboxRefused(_("%(key)s was sent already.") % {"key": message.key})
    if message.channel != OutboxMessage.Channel.EMAIL:
        raise OutboxRefused(_("Test leads are delivered again by re-driving their submission."))
    message.state = OutboxMessage.State.PENDING
    message.save(update_fields=["state"])
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message
