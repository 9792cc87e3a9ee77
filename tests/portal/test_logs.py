"""LOG_FORMAT=json: one JSON object per line, with the request id and the submission id from the request through
the tasks it enqueues on a real worker."""

import io
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from certification.models import Submission
from portal.logs import JsonFormatter, LogContextFilter
from tests.certification.support import complete_offer

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_lines():
    """Collect what the portal logs as the JSON console handler writes it; return the parsed lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(LogContextFilter())
    loggers = [logging.getLogger(), logging.getLogger("certification.pipeline")]  # the pipeline does not propagate
    levels = {name: logging.getLogger(name).level for name in ("", "portal.requests", "celery.app.trace")}
    for logger in loggers:
        logger.addHandler(handler)
    for name in levels:
        logging.getLogger(name).setLevel(logging.INFO)

    def read() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield read
    for logger in loggers:
        logger.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("policies")
def test_json_lines_carry_the_request_id_and_the_submission_id_from_the_request_through_the_tasks(
    celery_worker, owner, client, https_endpoint, smtp_sink, json_lines
):
    offer = complete_offer(owner, "saas", https_endpoint)
    client.force_login(owner.user)

    response = client.post(
        reverse("certification:review", args=[offer.pk]),
        {"action": "publish", "notes_for_certification": "Sign in with the test account."},
        HTTP_X_REQUEST_ID="publish-request-0001",
    )

    assert response.status_code == 302
    submission = Submission.objects.get(offer=offer)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and not [line for line in json_lines() if line["task"]]:
        time.sleep(0.1)
    request_lines = [line for line in json_lines() if line["logger"] == "portal.requests"]
    task_lines = [line for line in json_lines() if line["task"] == "certification.tasks.advance"]
    assert response["X-Request-ID"] == "publish-request-0001"
    assert request_lines[0]["message"].startswith(f"POST /offers/{offer.pk}/review/ 302")
    assert task_lines
    for line in [*request_lines, *task_lines]:
        assert (line["request_id"], line["submission_id"]) == ("publish-request-0001", submission.pk)


@pytest.mark.django_db
def test_a_request_without_an_id_gets_one_and_sends_it_back(client):
    first, second = client.get("/healthz"), client.get("/healthz")

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_an_unsafe_request_id_from_outside_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID='"><script>alert(1)</script>')

    assert response["X-Request-ID"].isalnum()


def test_log_format_json_makes_every_line_of_the_processes_json():
    """Settings with LOG_FORMAT=json: Django's console handler writes JSON lines with both ids."""
    script = (
        "import django, logging; django.setup(); "
        "from portal.logs import request_id_var, log_context_submission; "
        "request_id_var.set('request-from-script'); log_context_submission(42); "
        "logging.getLogger('certification.pipeline').warning('step failed'); "
        "logging.getLogger('offers').warning('page saved')"
    )
    env = {
        **os.environ,
        "LOG_FORMAT": "json",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "CELERY_BROKER_URL": "memory://",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True
    )

    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(line["logger"], line["message"]) for line in lines if line["logger"] != "axes.apps"] == [
        ("certification.pipeline", "step failed"),
        ("offers", "page saved"),
    ]
    assert {(line["request_id"], line["submission_id"]) for line in lines if line["logger"] != "axes.apps"} == {
        ("request-from-script", 42)
    }
