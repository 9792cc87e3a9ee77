"""Celery tasks of webhooks: thin, ids in."""

from celery import shared_task


@shared_task
def webhook_endpoints_failing_check() -> int:
    """Disable the endpoints that kept failing too long and tell their Owners (run by celery beat)."""
    from webhooks.services import webhook_endpoints_failing_check as check

    return check()
