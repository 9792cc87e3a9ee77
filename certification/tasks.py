"""Celery tasks of certification: thin, idempotent, ids in."""

import smtplib
import socket

from celery import shared_task
from django.db import OperationalError

TRANSIENT_DELIVERY_ERRORS = (smtplib.SMTPException, socket.error, TimeoutError, OperationalError)


@shared_task(bind=True, acks_late=True, max_retries=8, retry_backoff=True, retry_backoff_max=600)
def outbox_deliver(self, *, message_id: int) -> None:
    """Deliver one outbox message; retry transient failures with backoff, then mark it failed."""
    from certification.outbox import outbox_deliver_email, outbox_give_up

    try:
        outbox_deliver_email(message_id=message_id)
    except TRANSIENT_DELIVERY_ERRORS as error:
        if self.request.retries >= self.max_retries:
            outbox_give_up(message_id=message_id, error=str(error))
            return
        raise self.retry(exc=error) from error


@shared_task(acks_late=True)
def advance(*, submission_id: int) -> None:
    """Run the next step of a submission (safe to deliver twice)."""
    from certification.pipeline import submission_advance

    submission_advance(submission_id=submission_id)


@shared_task(acks_late=True)
def pipeline_watchdog() -> dict:
    """Re-drive stalled submissions (celery beat, every minute)."""
    from certification.pipeline import pipeline_watchdog as watchdog

    return watchdog()


@shared_task(acks_late=True)
def stop_sell_complete() -> int:
    """Complete pending stop sells (celery beat, every minute)."""
    from certification.services import stop_sell_complete_due

    return stop_sell_complete_due()
