"""Celery tasks of SaaS subscriptions (celery beat): settle unanswered operations, renew ended terms."""

from celery import shared_task


@shared_task(acks_late=True)
def operations_settle() -> dict:
    """Apply the changes whose operations waited past the answer time limit, and renew the subscriptions whose
    term ended (safe to run twice: each acts on what is still due)."""
    from saas.services import operations_settle_due, subscriptions_renew_due

    return {"settled": operations_settle_due(), "renewed": subscriptions_renew_due()}
