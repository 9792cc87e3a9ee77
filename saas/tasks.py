"""Celery tasks of SaaS subscriptions: settle the operations publishers never answered (celery beat)."""

from celery import shared_task


@shared_task(acks_late=True)
def operations_settle() -> int:
    """Apply the changes whose operations waited past the answer time limit (safe to run twice)."""
    from saas.services import operations_settle_due

    return operations_settle_due()
