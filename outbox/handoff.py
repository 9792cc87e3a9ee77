"""Hand a task to the workers once the transaction commits, or leave it for recovery: never fail the change.

Every site that enqueues work after a change (Publish, Go live, a reviewer's decision, an outbox message, a step
handing over to the next) goes through ``task_hand_off``. The change commits first; if the broker cannot take the
task then (Redis down, a closed port), the failure is logged and the work is left where recovery finds it: the
pipeline watchdog re-drives idle submissions, the outbox re-drive sends pending messages (both run by beat, and
when a worker starts). The request that made the change answers as usual, and ``handoffs_deferred()`` tells it
the work will start shortly (portal.deferred.DeferredWorkMiddleware says so on the page).
"""

import logging
from contextvars import ContextVar

from django.db import transaction

logger = logging.getLogger(__name__)

# Publishing waits at most this long for a broker that does not answer (three quick tries), then leaves the work.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}

# The hand-offs of this request (or task) that the broker refused, by task name; None outside a tracked scope.
_DEFERRED: ContextVar[list[str] | None] = ContextVar("handoffs_deferred", default=None)


def task_hand_off(task, *, countdown: int = 0, queue: str | None = None, priority: int | None = None, **kwargs) -> None:
    """Send ``task(**kwargs)`` once the current transaction commits; a broker failure is logged, never raised.

    ``queue`` names a queue other than the task's default one; ``priority`` orders the messages of a queue (on
    Redis 0 is served first, then 3, 6 and 9)."""
    transaction.on_commit(lambda: task_send(task, countdown=countdown, queue=queue, priority=priority, **kwargs))


def task_send(task, *, countdown: int = 0, queue: str | None = None, priority: int | None = None, **kwargs) -> bool:
    """Send ``task(**kwargs)`` now; return whether the broker took it (a failure is logged and left for recovery)."""
    options = {"queue": queue} if queue else {}
    if priority is not None:
        options["priority"] = priority
    try:
        task.apply_async(
            kwargs=kwargs, countdown=countdown or None, retry=True, retry_policy=PUBLISH_RETRY_POLICY, **options
        )
    except Exception as error:  # the change is committed: whatever the broker says, recovery picks the work up
        logger.warning(
            "hand-off of %s(%s) failed, left for recovery: %s",
            task.name,
            ", ".join(f"{k}={v}" for k, v in kwargs.items()),
            error,
            exc_info=not _is_broker_down(error),
        )
        deferred = _DEFERRED.get()
        if deferred is not None:
            deferred.append(task.name)
        return False
    return True


def _is_broker_down(error: Exception) -> bool:
    from kombu.exceptions import OperationalError

    return isinstance(error, OperationalError | ConnectionError | OSError)


class handoffs_tracked:
    """Collect the refused hand-offs of a scope (a request): ``with handoffs_tracked() as deferred: ...``."""

    def __enter__(self) -> list[str]:
        self._deferred: list[str] = []
        self._token = _DEFERRED.set(self._deferred)
        return self._deferred

    def __exit__(self, *exc_info) -> None:
        _DEFERRED.reset(self._token)


def handoffs_deferred() -> list[str]:
    """Return the task names whose hand-off the broker refused in the current tracked scope."""
    return list(_DEFERRED.get() or [])
