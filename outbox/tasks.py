"""Celery tasks of the outbox: thin, idempotent, ids in."""

import smtplib
import socket

from celery import shared_task
from django.db import OperationalError

TRANSIENT_DELIVERY_ERRORS = (smtplib.SMTPException, socket.error, TimeoutError, OperationalError)


class DeliveryRefused(Exception):
    """The destination did not accept the message (a lead endpoint answered with an error, or none)."""


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(*TRANSIENT_DELIVERY_ERRORS, DeliveryRefused),
    max_retries=8,
    retry_backoff=True,
    retry_backoff_max=600,
)
def outbox_deliver(self, *, message_id: int) -> None:
    """Deliver one outbox message of any channel; retry failures with backoff, then mark it failed."""
    from outbox.services import outbox_deliver_message, outbox_give_up

    try:
        result = outbox_deliver_message(message_id=message_id)
        if result.deferred:
            return  # an earlier message of its group hands over to it once that one is done
        if not result.ok:
            raise DeliveryRefused(result.detail)
    except (*TRANSIENT_DELIVERY_ERRORS, DeliveryRefused) as error:
        if self.request.retries >= self.max_retries:
            outbox_give_up(message_id=message_id, error=str(error) or error.__class__.__name__)
            return
        raise
