"""Celery tasks of the outbox: thin, idempotent, ids in."""

import contextlib
import smtplib
import socket

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError, OperationalError

TRANSIENT_DELIVERY_ERRORS = (smtplib.SMTPException, socket.error, TimeoutError, OperationalError, InterfaceError)
RETRY_BACKOFF_MAX = 600  # seconds
BUSY_RETRY_EVERY = 3  # seconds between looks at a message another worker is sending


class DeliveryRefused(Exception):
    """The destination did not accept the message (a lead endpoint answered with an error, or none)."""


@shared_task(bind=True, acks_late=True, max_retries=8)
def outbox_deliver(self, *, message_id: int) -> None:
    """Deliver one outbox message of any channel; retry failures with backoff, then mark it failed.

    A message another worker is sending now (its lease is live) is tried again when the lease ends. Retries are
    counted on the message (its attempts), so a task re-driven after a lost one does not start the count again.
    """
    from django.db import close_old_connections, connection

    from outbox.models import OutboxMessage
    from outbox.services import OutboxBusy, outbox_deliver_message, outbox_give_up, outbox_retry_at

    try:
        result = outbox_deliver_message(message_id=message_id)
        if result.deferred:
            return  # an earlier message of its group hands over to it once that one is done
        if not result.ok:
            raise DeliveryRefused(result.detail)
    except OutboxBusy as busy:
        # look again soon: the sender usually finishes well before its lease ends
        raise self.retry(countdown=min(busy.retry_in, BUSY_RETRY_EVERY), max_retries=None) from busy
    except (*TRANSIENT_DELIVERY_ERRORS, DeliveryRefused) as error:
        if not connection.in_atomic_block:  # never close a connection under someone's transaction
            close_old_connections()  # a connection the database dropped is replaced for what follows
        try:
            attempts = OutboxMessage.objects.values_list("attempts", flat=True).get(pk=message_id)
            if attempts > self.max_retries:
                outbox_give_up(message_id=message_id, error=str(error) or error.__class__.__name__)
                return
        except (OperationalError, InterfaceError):  # the database is away too: count by the task's retries
            attempts = self.request.retries + 1
            if attempts > 3 * self.max_retries:
                raise
        countdown = get_exponential_backoff_interval(
            factor=1, retries=max(attempts - 1, 0), maximum=RETRY_BACKOFF_MAX, full_jitter=True
        )
        # If the database is away, the re-drive may hand it over before the countdown: harmless, the lease lets one
        # sender through at a time.
        with contextlib.suppress(OperationalError, InterfaceError):
            outbox_retry_at(message_id=message_id, countdown=countdown)
        raise self.retry(exc=error, countdown=countdown, max_retries=None) from error


@shared_task(acks_late=True)
def outbox_redrive() -> int:
    """Hand pending messages left behind (a lost task, a dead sender) to the workers again (celery beat)."""
    from outbox.services import outbox_redrive as redrive

    return redrive()
