"""The Celery application of the portal: every phase of publishing runs as its tasks."""

import logging
import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)

# Run by every worker as it starts: work a dead worker or a lost broker left behind starts again at once.
RECOVERY_TASKS = ("certification.tasks.pipeline_watchdog", "outbox.tasks.outbox_redrive")


@worker_ready.connect
def recovery_on_start(sender, **kwargs) -> None:
    """Re-drive orphaned work when a worker starts: stalled steps and idle submissions, outbox messages left behind."""
    for name in RECOVERY_TASKS:
        try:
            sender.app.send_task(name)
        except Exception as error:  # never keep a worker from starting; beat runs the same tasks
            logger.warning("recovery task %s could not be sent at worker start: %s", name, error)
