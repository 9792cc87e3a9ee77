"""Webhooks on a real Celery worker on Redis, to a local HTTPS server: retried, in order, once per event id,
redelivered from the log; every request verifies with the endpoint's secret."""

import time

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_celery_results.models import TaskResult
from standardwebhooks.webhooks import Webhook

from certification.models import ReviewItem, Submission
from certification.reviews import review_decide
from certification.services import publish_go_live, submission_start
from offers.models import Offer
from outbox.models import OutboxMessage
from outbox.tasks import outbox_deliver
from tests.certification.support import complete_offer
from tests.factories import MembershipFactory, UserFactory
from tests.webhooks.factories import WebhookEndpointFactory
from webhooks.models import WebhookDelivery, WebhookEventType
from webhooks.services import webhook_emit

pytestmark = pytest.mark.django_db(transaction=True)


def wait_until(condition, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def owner(transactional_db):
    return MembershipFactory()


@pytest.fixture
def endpoint(owner, https_endpoint):
    return WebhookEndpointFactory(account=owner.account, url=https_endpoint.url("/hooks"))


def _emit(owner, offer: int = 1, event_type=WebhookEventType.OFFER_STATUS_CHANGED, **data) -> str:
    with transaction.atomic():  # handed to the worker when this commits
        return webhook_emit(account=owner.account, event_type=event_type, offer=offer, data=data)


def _states(*event_ids) -> set:
    return set(OutboxMessage.objects.filter(webhook_delivery__event_id__in=event_ids).values_list("state", flat=True))


def _verified_ids(https_endpoint, endpoint) -> list[str]:
    """The webhook-id of every request received, each checked against the endpoint's secret."""
    received = https_endpoint.received("POST", "/hooks")
    for request in received:
        Webhook(endpoint.secret).verify(request["body"], request["headers"])
    return [r["headers"]["webhook-id"] for r in received]


def test_a_500_answer_is_retried_with_backoff_and_then_delivered(celery_worker, https_endpoint, owner, endpoint):
    https_endpoint.status = 500
    event_id = _emit(owner, to="live")

    wait_until(lambda: len(https_endpoint.requests) >= 1, what="the first attempt")
    https_endpoint.status = 200
    wait_until(lambda: _states(event_id) == {OutboxMessage.State.SENT}, what="the retry to be delivered")

    # A retry may come before the endpoint is switched to 200 (backoff has jitter): 500s, then one 200, one event id.
    ids = _verified_ids(https_endpoint, endpoint)
    assert len(ids) >= 2
    assert set(ids) == {event_id}
    statuses = [
        status
        for (status,) in WebhookDelivery.objects.get(event_id=event_id)
        .message.attempt_log.order_by("pk")
        .values_list("status_code")
    ]
    assert statuses[-1] == 200
    assert set(statuses[:-1]) == {500}


def test_events_about_one_offer_arrive_in_order_even_when_the_first_is_retried(
    celery_worker, https_endpoint, owner, endpoint
):
    https_endpoint.status = 500
    first, second, third = (_emit(owner, offer=9, n=n) for n in range(3))

    wait_until(lambda: len(https_endpoint.requests) >= 1, what="the first attempt")
    https_endpoint.status = 200
    wait_until(lambda: _states(first, second, third) == {OutboxMessage.State.SENT}, what="all three")

    assert _verified_ids(https_endpoint, endpoint) == [first, first, second, third]


def test_a_duplicate_delivery_of_the_task_sends_the_event_once(celery_worker, https_endpoint, owner, endpoint):
    event_id = _emit(owner)
    message_id = WebhookDelivery.objects.get(event_id=event_id).message_id
    duplicates = [outbox_deliver.delay(message_id=message_id) for _ in range(2)]  # as a redelivered task would

    for result in duplicates:
        result.get(timeout=30)
    wait_until(
        lambda: TaskResult.objects.filter(task_name="outbox.tasks.outbox_deliver", status="SUCCESS").count() == 3,
        what="all three deliveries to finish",
    )
    assert _verified_ids(https_endpoint, endpoint) == [event_id]


def test_redeliver_in_the_log_sends_a_failed_event_again_with_its_event_id(
    celery_worker, https_endpoint, owner, endpoint, monkeypatch
):
    monkeypatch.setattr(outbox_deliver, "max_retries", 0)
    https_endpoint.status = 500
    event_id = _emit(owner, event_type=WebhookEventType.SUBMISSION_FAILED)
    wait_until(lambda: _states(event_id) == {OutboxMessage.State.FAILED}, what="the event to be given up")

    https_endpoint.status = 200
    browser = Client()
    browser.force_login(owner.user)
    delivery = WebhookDelivery.objects.get(event_id=event_id)
    response = browser.post(reverse("webhooks:delivery-redeliver", args=[delivery.pk]), follow=True)

    assert "queued for delivery again" in response.content.decode()
    wait_until(lambda: _states(event_id) == {OutboxMessage.State.SENT}, what="the redelivery")
    assert _verified_ids(https_endpoint, endpoint) == [event_id, event_id]


@pytest.mark.usefixtures("policies")
def test_an_offer_published_on_the_worker_reaches_the_endpoint_as_signed_events_in_order(
    celery_worker, https_endpoint, owner, endpoint
):
    reviewer = UserFactory(is_staff=True)
    offer = complete_offer(owner, "consulting", https_endpoint)
    submission = submission_start(offer_id=offer.pk, by=owner.user)
    item = wait_until(
        lambda: ReviewItem.objects.filter(submission=submission, state=ReviewItem.State.OPEN).first(),
        what="the content review",
    )
    review_decide(item_id=item.pk, decision="approve", by=reviewer)
    wait_until(lambda: Offer.objects.get(pk=offer.pk).status == Offer.Status.PREVIEW, what="Preview")
    wait_until(
        lambda: Submission.objects.get(pk=submission.pk).state == Submission.State.WAITING_SIGNOFF, what="sign-off"
    )
    publish_go_live(offer_id=offer.pk, by=owner.user)
    wait_until(lambda: Offer.objects.get(pk=offer.pk).status == Offer.Status.LIVE, what="Live")

    emitted = list(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("message_id"))
    wait_until(lambda: _states(*[d.event_id for d in emitted]) == {OutboxMessage.State.SENT}, what="every event")
    received = _verified_ids(https_endpoint, endpoint)
    assert received == [d.event_id for d in emitted]  # in order, each once
    types = [d.event_type for d in emitted]
    assert types[0] == WebhookEventType.OFFER_STATUS_CHANGED
    assert types[1] == WebhookEventType.SUBMISSION_STARTED
    assert types[-1] == WebhookEventType.OFFER_LIVE
    milestones = [t for t in types if t in ("review.decided", "submission.waiting_signoff")]
    assert milestones == ["review.decided", "submission.waiting_signoff"]
