"""Background jobs of the API (run by celery beat)."""

from celery import shared_task


@shared_task
def idempotency_prune() -> int:
    from api.services import idempotent_requests_prune  # task body: the worker imports the service it runs

    return idempotent_requests_prune()
