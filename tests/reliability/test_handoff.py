"""With the broker down, every action that starts work saves its change, answers without a 500, says the work will
start shortly, and recovery runs the work once the broker is back."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from certification.models import ReviewItem, Step, Submission
from certification.pipeline import pipeline_watchdog
from certification.reviews import review_decide
from certification.services import submission_start
from certification.tasks import advance
from offers.models import Offer
from outbox.handoff import handoffs_deferred, handoffs_tracked, task_hand_off
from outbox.models import OutboxMessage
from outbox.services import outbox_lead_queue, outbox_redrive
from outbox.tasks import outbox_deliver
from tests.certification.support import complete_offer, drive, publish_to_preview
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("policies")]

SHORTLY = "it will start shortly by itself"
LEAD = {"leadId": "LEAD_9", "offerId": "lead-desk", "customer": {"name": "Casey", "email": "c@w.example"}}


def wait_until(condition, *, timeout=40.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def later():
    return timezone.now() + timedelta(minutes=5)


def test_publish_with_the_broker_down_answers_302_and_the_page_says_the_work_will_start_shortly(
    owner_client, owner, https_endpoint, broker
):
    offer = complete_offer(owner, "consulting", https_endpoint)
    broker.down()

    response = owner_client.post(reverse("certification:review", args=[offer.pk]), {"action": "publish"}, follow=True)

    assert response.redirect_chain == [(reverse("certification:overview", args=[offer.pk]), 302)]
    assert SHORTLY in response.content.decode()
    assert Submission.objects.get(offer=offer).state == Submission.State.RUNNING
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PUBLISH_IN_PROGRESS


def test_go_live_with_the_broker_down_answers_302_and_the_page_says_the_work_will_start_shortly(
    owner_client, owner, https_endpoint, broker
):
    offer = complete_offer(owner, "consulting", https_endpoint)
    submission = publish_to_preview(offer, owner, UserFactory(is_staff=True))
    broker.down()

    response = owner_client.post(reverse("certification:go-live", args=[offer.pk]), {"confirmed": "yes"}, follow=True)

    assert response.redirect_chain == [(reverse("certification:overview", args=[offer.pk]), 302)]
    assert SHORTLY in response.content.decode()
    submission.refresh_from_db()
    assert submission.state == Submission.State.RUNNING  # signed off; the publish phase waits for a worker


def test_a_reviewer_decision_with_the_broker_down_is_saved_and_its_hand_off_left_for_recovery(
    owner, https_endpoint, broker
):
    offer = complete_offer(owner, "consulting", https_endpoint)
    broker.down()
    submission = submission_start(offer_id=offer.pk, by=owner.user)
    drive(submission.pk)  # in this process; each hand-off to a worker fails and is only logged
    item = ReviewItem.objects.get(submission=submission, state=ReviewItem.State.OPEN)

    with handoffs_tracked() as deferred:
        review_decide(item_id=item.pk, decision="approve", by=UserFactory(is_staff=True))

    assert deferred == [advance.name]
    assert ReviewItem.objects.get(pk=item.pk).state == ReviewItem.State.APPROVED
    assert Submission.objects.get(pk=submission.pk).state == Submission.State.RUNNING


def test_a_submission_published_with_the_broker_down_is_run_by_the_watchdog_once_the_broker_is_back(
    celery_worker, owner, https_endpoint, broker
):
    offer = complete_offer(owner, "consulting", https_endpoint)
    broker.down()
    submission = submission_start(offer_id=offer.pk, by=owner.user)
    assert set(Step.objects.filter(submission=submission).values_list("state", flat=True)) == {Step.State.PENDING}

    broker.up()
    assert pipeline_watchdog(now=later())["redriven"] == 1

    wait_until(lambda: submission.steps.filter(state=Step.State.SUCCEEDED).exists(), what="a step to run")


def test_a_message_queued_with_the_broker_down_is_sent_by_the_re_drive_once_the_broker_is_back(
    celery_worker, https_endpoint, broker
):
    broker.down()
    with handoffs_tracked() as deferred, transaction.atomic():
        message = outbox_lead_queue(
            key="lead:broker-down",
            setup={"leads_destination": "https", "leads_https_url": https_endpoint.url("/leads")},
            payload=LEAD,
        )
    assert deferred == [outbox_deliver.name]
    assert OutboxMessage.objects.get(pk=message.pk).state == OutboxMessage.State.PENDING

    broker.up()
    assert outbox_redrive(now=later()) == 1

    wait_until(lambda: OutboxMessage.objects.get(pk=message.pk).state == OutboxMessage.State.SENT, what="the lead")
    assert len(https_endpoint.received("POST", "/leads")) == 1


def test_a_hand_off_refused_outside_a_request_is_logged_and_raises_nothing(broker, caplog):
    broker.down()
    with transaction.atomic():
        task_hand_off(advance, submission_id=0)

    assert handoffs_deferred() == []
    assert "left for recovery" in caplog.text
