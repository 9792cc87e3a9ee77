"""The request id and the submission id on every log line, from the request through the tasks it enqueues.

A request takes the id its proxy sent (``X-Request-ID``) or a new one; a submission id joins it when the request
saves a submission. Both travel to Celery tasks in message headers (``before_task_publish``) and are restored
around the task (``task_prerun``), so a worker's lines name the request that caused them. ``LOG_FORMAT=json``
writes each line as one JSON object with both ids.
"""

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from celery import current_task
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.db.models.signals import post_save

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
submission_id_var: ContextVar[int | None] = ContextVar("submission_id", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy may hand us as a request id: short, no spaces or quotes, so it is safe in logs and headers.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,100}$")
# Message headers carrying the ids to the worker.
_HEADER_REQUEST = "portal_request_id"
_HEADER_SUBMISSION = "portal_submission_id"
access_logger = logging.getLogger("portal.requests")
# Paths of the health probes: a 503 there is a warning in the logs, never an error emailed to the operators.
PROBE_PATHS = ("/healthz", "/readyz")


class RequestIdMiddleware:
    """Give each request an id (the proxy's ``X-Request-ID`` when it is sane), log with it, and send it back.

    It also writes one access line per request (logger ``portal.requests``, on at INFO with ``LOG_FORMAT=json``,
    where gunicorn's own access log would be neither JSON nor carry the ids).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex
        request.request_id = request_id
        request_token = request_id_var.set(request_id)
        submission_token = submission_id_var.set(None)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            access_logger.info(
                "%s %s %s in %d ms",
                request.method,
                request.path,
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
        finally:
            submission_id_var.reset(submission_token)
            request_id_var.reset(request_token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def log_context_submission(submission_id: int | None) -> None:
    """Name the submission the current request or task works on, in every line logged from now on."""
    if submission_id is not None:
        submission_id_var.set(int(submission_id))


class LogContextFilter(logging.Filter):
    """Put ``request_id``, ``submission_id`` and the running task's name and id on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.submission_id = submission_id_var.get()
        task = current_task._get_current_object() if current_task else None
        record.task_name = getattr(task, "name", None)
        record.task_id = getattr(getattr(task, "request", None), "id", None)
        return True


class ProbeWarningFilter(logging.Filter):
    """Log a health probe's 503 as a warning: Django logs it as an error, which emails the operators each time."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        probe = getattr(request, "path", None) in PROBE_PATHS and getattr(record, "status_code", None) == 503
        if probe and record.levelno >= logging.ERROR:
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time, level, logger, message, the ids, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "submission_id": getattr(record, "submission_id", None),
            "task": getattr(record, "task_name", None),
            "task_id": getattr(record, "task_id", None),
            "process": record.process,
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str)


# -- Celery: the ids ride along in the message headers -------------------------------------------------------


@before_task_publish.connect
def _ids_to_headers(sender=None, headers=None, body=None, **kwargs):
    """Add the current request id and submission id to a task's message (a task for a submission names it)."""
    if headers is None:
        return
    submission_id = submission_id_var.get()
    task_kwargs = body[1] if isinstance(body, tuple | list) and len(body) > 1 else {}
    if isinstance(task_kwargs, dict) and task_kwargs.get("submission_id") is not None:
        submission_id = task_kwargs["submission_id"]
    headers.setdefault(_HEADER_REQUEST, request_id_var.get())
    headers.setdefault(_HEADER_SUBMISSION, submission_id)


@task_prerun.connect
def _ids_from_headers(sender=None, task=None, kwargs=None, **extra):
    """Restore the ids of the request that enqueued the task, for every line the task logs."""
    request = getattr(task, "request", None)
    submission_id = (kwargs or {}).get("submission_id") or getattr(request, _HEADER_SUBMISSION, None)
    request_id_var.set(getattr(request, _HEADER_REQUEST, None))
    submission_id_var.set(int(submission_id) if submission_id is not None else None)


@task_postrun.connect
def _ids_clear(**kwargs):
    """Forget the task's ids, so the next task on this worker thread starts clean."""
    request_id_var.set(None)
    submission_id_var.set(None)


def _submission_saved(sender, instance, **kwargs):
    """A request or task that saves a submission names it from then on (the Publish request creates it)."""
    log_context_submission(instance.pk)


def log_context_connect() -> None:
    """Follow saved submissions (called from PortalConfig.ready(), once the models exist)."""
    post_save.connect(_submission_saved, sender="certification.Submission", dispatch_uid="portal.logs.submission")
