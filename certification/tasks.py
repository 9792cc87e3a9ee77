"""Celery tasks of certification: thin, idempotent, ids in."""

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError, OperationalError

# The database went away (a dropped connection, a restart): the task tries again with backoff.
TRANSIENT_TASK_ERRORS = (OperationalError, InterfaceError)
RETRY_BACKOFF_MAX = 30  # seconds: the watchdog's thresholds assume a retry within half a minute


def _backoff(retries: int) -> int:
    return get_exponential_backoff_interval(factor=1, retries=retries, maximum=RETRY_BACKOFF_MAX, full_jitter=False)


@shared_task(bind=True, acks_late=True, max_retries=12)
def advance(self, *, submission_id: int, release_token: str = "", max_steps: int | None = None) -> None:
    """Run the next steps of a submission (at most ``max_steps``; safe to deliver twice); retried when the database
    goes away."""
    from certification.pipeline import AttemptInterrupted, submission_advance

    try:
        submission_advance(submission_id=submission_id, release_token=release_token, max_steps=max_steps)
    except AttemptInterrupted as interrupted:
        kwargs = {"submission_id": submission_id, "release_token": interrupted.token, "max_steps": max_steps}
        raise self.retry(exc=interrupted, countdown=_backoff(self.request.retries), kwargs=kwargs) from interrupted
    except TRANSIENT_TASK_ERRORS as error:  # before a step was claimed, or while releasing one
        kwargs = {"submission_id": submission_id, "release_token": release_token, "max_steps": max_steps}
        raise self.retry(exc=error, countdown=_backoff(self.request.retries), kwargs=kwargs) from error


@shared_task(acks_late=True)
def pipeline_watchdog() -> dict:
    """Re-drive stalled submissions, and resume those whose account's verification was decided (celery beat, and
    each worker as it starts)."""
    from certification.pipeline import pipeline_watchdog as watchdog
    from certification.services import submissions_verification_resume

    return {**watchdog(), "verification_resumed": submissions_verification_resume()}


@shared_task(acks_late=True)
def stop_sell_complete() -> int:
    """Complete pending stop sells (celery beat, every minute)."""
    from certification.services import stop_sell_complete_due

    return stop_sell_complete_due()


@shared_task(acks_late=True)
def forecasts_refresh() -> int:
    """Compute the expected finishes the overview shows (celery beat, every few minutes; issue 13)."""
    from certification.forecasts import forecasts_refresh as refresh

    return refresh()


@shared_task(acks_late=True)
def review_overdue_alert() -> int:
    """Alert the operators once about each review item past its due date (celery beat; issue 13)."""
    from certification.notifications import notify_overdue_due

    return notify_overdue_due()
