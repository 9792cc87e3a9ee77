"""Tasks of the portal app."""

from celery import shared_task


@shared_task
def noop(*args, **kwargs) -> None:
    """Do nothing: the baseline a benchmark compares pipeline steps against (broker and worker overhead)."""


# The storefront's tasks live in their package; importing them here registers them with every worker.
from portal.storefront.tasks import contact_request_deliver  # noqa: E402, F401
