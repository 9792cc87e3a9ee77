"""Celery tasks of the outbox: thin, idempotent, ids in."""

import smtplib
import socket

from celery import shared_task
from django.db import OperationalError

TRANSIENT_DELIVERY_ERRORS = (smtplib.SMTPException, socket.error, TimeoutError, OperationalError)


@shared_task(bind=True, acks_late=True, max_retries=8, retry_backoff=True, retry_backoff_max=600)
def outbox_deliver(self, *, message_id: int) -> None:
    """Deliver one outbox message; retry transient failures with backoff, then mark it failed."""
    from outbox.services import outbox_deliver_email, outbox_give_up

    try:
        outbox_deliver_email(message_id=message_id)
    except TRANSIENT_DELIVERY_ERRORS as error:
        if self.request.retries >= self.max_retries:
            outbox_give_up(message_id=message_id, error=str(error))
            return
        raise self.retry(exc=error) from error
