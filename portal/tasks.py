"""Tasks of the portal app."""

from celery import shared_task


@shared_task
def noop(*args, **kwargs) -> None:
    """Do nothing: the baseline a benchmark compares pipeline steps against (broker and worker overhead)."""


@shared_task(acks_late=True)
def daily_figures_refresh() -> int:
    """Recompute the admin dashboard's figures of the last DASHBOARD_RECOMPUTE_DAYS days (celery beat)."""
    from django.conf import settings

    from portal.figures import daily_figures_refresh as refresh

    return refresh(days=settings.DASHBOARD_RECOMPUTE_DAYS)
