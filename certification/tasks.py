"""Celery tasks of certification: thin, idempotent, ids in."""

from celery import shared_task


@shared_task(acks_late=True)
def advance(*, submission_id: int) -> None:
    """Run the next step of a submission (safe to deliver twice)."""
    from certification.pipeline import submission_advance

    submission_advance(submission_id=submission_id)


@shared_task(acks_late=True)
def pipeline_watchdog() -> dict:
    """Re-drive stalled submissions, and resume those whose account's verification was decided (celery beat)."""
    from certification.pipeline import pipeline_watchdog as watchdog
    from certification.services import submissions_verification_resume

    return {**watchdog(), "verification_resumed": submissions_verification_resume()}


@shared_task(acks_late=True)
def stop_sell_complete() -> int:
    """Complete pending stop sells (celery beat, every minute)."""
    from certification.services import stop_sell_complete_due

    return stop_sell_complete_due()
