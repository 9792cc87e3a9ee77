"""The one delivery task on a real Celery worker: leads are retried with backoff, given up, sent once, re-driven."""

import time

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_celery_results.models import TaskResult

from outbox.models import OutboxMessage
from outbox.services import outbox_lead_queue
from outbox.tasks import outbox_deliver
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOAD = {"leadId": "LEAD_7", "offerId": "lead-desk", "customer": {"name": "Casey", "email": "c@w.example"}}


def wait_until(condition, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _queue(endpoint, key: str) -> OutboxMessage:
    with transaction.atomic():  # handed to the worker when this commits
        return outbox_lead_queue(
            key=key, setup={"leads_destination": "https", "leads_https_url": endpoint.url("/leads")}, payload=PAYLOAD
        )


def _state(message: OutboxMessage) -> str:
    return OutboxMessage.objects.values_list("state", flat=True).get(pk=message.pk)


def test_a_lead_endpoint_that_refuses_is_retried_by_the_task_and_finally_marked_failed(
    celery_worker, https_endpoint, monkeypatch
):
    monkeypatch.setattr(outbox_deliver, "max_retries", 2)  # the real task, with its backoff: 1 try + 2 retries
    https_endpoint.status = 500

    message = _queue(https_endpoint, "lead:refused")

    wait_until(lambda: _state(message) == OutboxMessage.State.FAILED, what="the lead to be given up")
    message.refresh_from_db()
    assert len(https_endpoint.received("POST", "/leads")) == 3
    assert message.attempts == 3
    assert "answered 500" in message.last_error
    assert message.sent_at is None


def test_a_duplicate_delivery_of_the_task_sends_the_lead_once(celery_worker, https_endpoint):
    message = _queue(https_endpoint, "lead:once")
    duplicates = [outbox_deliver.delay(message_id=message.pk) for _ in range(2)]  # as a redelivered task would

    for result in duplicates:
        result.get(timeout=30)
    wait_until(
        lambda: TaskResult.objects.filter(task_name="outbox.tasks.outbox_deliver", status="SUCCESS").count() == 3,
        what="all three deliveries to finish",
    )
    assert len(https_endpoint.received("POST", "/leads")) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxMessage.State.SENT, 1)


def test_an_operator_re_drives_a_failed_lead_and_the_worker_delivers_it(celery_worker, https_endpoint, monkeypatch):
    monkeypatch.setattr(outbox_deliver, "max_retries", 0)
    https_endpoint.status = 500
    message = _queue(https_endpoint, "lead:re-driven")
    wait_until(lambda: _state(message) == OutboxMessage.State.FAILED, what="the lead to be given up")

    https_endpoint.status = 200
    operator = UserFactory(is_staff=True)
    operator.user_permissions.add(
        Permission.objects.get(content_type__app_label="outbox", codename="change_outboxmessage")
    )
    browser = Client()
    browser.force_login(operator)
    response = browser.post(
        reverse("admin:outbox_outboxmessage_changelist"),
        {"action": "send_again", "_selected_action": [message.pk]},
        follow=True,
    )

    assert "Queued 1 message(s) for delivery." in response.content.decode()
    wait_until(lambda: _state(message) == OutboxMessage.State.SENT, what="the re-driven lead to be sent")
    received = https_endpoint.received("POST", "/leads")
    assert [r["json"]["leadId"] for r in received] == ["LEAD_7", "LEAD_7"]
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (2, "")
