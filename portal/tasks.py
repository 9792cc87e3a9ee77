"""Tasks of the portal app."""

from celery import shared_task


@shared_task
def noop(*args, **kwargs) -> None:
    """Do nothing: the baseline a benchmark compares pipeline steps against (broker and worker overhead)."""
