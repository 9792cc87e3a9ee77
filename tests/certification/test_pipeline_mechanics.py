"""Mechanics: duplicate task delivery, concurrent Publish, the watchdog, retries, update, stop sell, compare."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from certification import tasks
from certification.models import Finding, Step, Submission
from certification.pipeline import pipeline_watchdog, submission_advance
from certification.services import (
    PublishRefused,
    offer_stop_selling,
    plan_stop_selling,
    stop_sell_complete_due,
    submission_start,
)
from offers.demo import offer_fill_plan
from offers.models import Offer, Plan
from outbox.models import OutboxMessage
from tests.certification.support import complete_offer, drive, publish_to_live

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policies")]


def test_the_advance_task_delivered_twice_runs_each_step_once_and_sends_one_lead(owner, consulting, https_endpoint):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    tasks.advance.apply(kwargs={"submission_id": submission.pk})
    lead_step = submission.steps.get(key="lead_management", phase="automated_validation")
    lead_step.refresh_from_db()
    assert lead_step.state == Step.State.SUCCEEDED
    attempts = lead_step.attempts
    # the same message delivered again runs the *next* step, never the one that succeeded
    tasks.advance.apply(kwargs={"submission_id": submission.pk})
    lead_step.refresh_from_db()
    assert lead_step.attempts == attempts
    assert len(https_endpoint.received("POST")) == 1


def test_a_step_held_by_a_running_attempt_is_not_run_by_a_second_delivery(owner, consulting, https_endpoint):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    step = submission.steps.get(key="lead_management", phase="automated_validation")
    Step.objects.filter(pk=step.pk).update(
        state=Step.State.RUNNING, run_token="someone-else", heartbeat_at=timezone.now()
    )
    submission_advance(submission_id=submission.pk)
    step.refresh_from_db()
    assert (step.state, step.run_token) == (Step.State.RUNNING, "someone-else")
    assert https_endpoint.requests == []


def test_the_watchdog_re_drives_a_submission_whose_task_was_lost(
    owner, consulting, https_endpoint, django_capture_on_commit_callbacks
):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)  # its advance task never ran
    Submission.objects.filter(pk=submission.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = pipeline_watchdog()
    assert result["redriven"] == 1
    assert len(callbacks) == 1


def test_the_watchdog_requeues_a_step_whose_worker_died(owner, consulting):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    step = submission.steps.get(key="lead_management", phase="automated_validation")
    stale = timezone.now() - timedelta(hours=1)
    Step.objects.filter(pk=step.pk).update(state=Step.State.RUNNING, run_token="dead", attempts=1, heartbeat_at=stale)
    assert pipeline_watchdog()["requeued"] == 1
    step.refresh_from_db()
    assert step.state == Step.State.PENDING


def test_the_watchdog_turns_a_step_with_spent_retries_into_a_system_finding(owner, consulting, settings):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    step = submission.steps.get(key="lead_management", phase="automated_validation")
    stale = timezone.now() - timedelta(hours=1)
    attempts = settings.PIPELINE_STEP_MAX_ATTEMPTS
    Step.objects.filter(pk=step.pk).update(
        state=Step.State.RUNNING, run_token="dead", attempts=attempts, heartbeat_at=stale
    )
    assert pipeline_watchdog()["given_up"] == 1
    finding = Finding.objects.get(submission=submission)
    assert finding.source == Finding.Source.SYSTEM
    assert "not a problem with your offer" in finding.message
    assert Offer.objects.get(pk=consulting.pk).status == Offer.Status.ATTENTION_NEEDED
    report = OutboxMessage.objects.get(key=f"submission:{submission.pk}:failure-report")
    assert "problem on our side" in report.body_text


def test_the_watchdog_run_twice_re_drives_once(owner, consulting):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    step = submission.steps.get(key="lead_management", phase="automated_validation")
    stale = timezone.now() - timedelta(hours=1)
    Step.objects.filter(pk=step.pk).update(state=Step.State.RUNNING, run_token="dead", attempts=1, heartbeat_at=stale)
    first, second = pipeline_watchdog(), pipeline_watchdog()
    assert (first["requeued"], second["requeued"]) == (1, 0)


def test_a_check_that_breaks_is_retried_then_reported_as_our_failure(owner, consulting, settings, monkeypatch):
    from certification import steps

    def broken(ctx):
        raise RuntimeError("resolver exploded")

    definition = steps.step_definition("automated_validation", "lead_management")
    monkeypatch.setitem(definition.__dict__, "check_function", broken)
    settings.PIPELINE_STEP_MAX_ATTEMPTS = 2
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    submission_advance(submission_id=submission.pk)
    step = submission.steps.get(key="lead_management", phase="automated_validation")
    assert (step.state, step.attempts) == (Step.State.PENDING, 1)
    submission_advance(submission_id=submission.pk)
    step.refresh_from_db()
    assert step.state == Step.State.FAILED
    assert Finding.objects.get(submission=submission).source == Finding.Source.SYSTEM
    assert Offer.objects.get(pk=consulting.pk).status == Offer.Status.ATTENTION_NEEDED


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_publish_requests_make_one_submission(owner, https_endpoint, policies):
    offer = complete_offer(owner, "consulting", https_endpoint)
    outcomes, barrier = [], threading.Barrier(2)

    def publish():
        barrier.wait()
        try:
            submission_start(offer_id=offer.pk, by=owner.user)
            outcomes.append("published")
        except PublishRefused as refused:
            outcomes.append(refused.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[-1] == "published"
    assert outcomes.count("published") == 1
    assert Submission.objects.filter(offer=offer).count() == 1


def test_an_update_of_a_live_offer_keeps_the_live_snapshot_until_its_own_final_publish(owner, consulting, reviewer):
    first = publish_to_live(consulting, owner, reviewer)
    listing = consulting.pages.get(key="offer_listing")
    old_name = listing.data["name"]
    listing.data["name"] = "Data Move: 3-Wk Proof of Concept"
    listing.save()
    update = submission_start(offer_id=consulting.pk, by=owner.user)
    drive(update.pk)
    offer = Offer.objects.get(pk=consulting.pk)
    assert offer.status == Offer.Status.PUBLISH_IN_PROGRESS
    assert offer.live_snapshot_id == first.snapshot_id
    assert offer.live_snapshot.data["pages"]["offer_listing"]["name"] == old_name
    assert offer.listed


def test_stop_selling_a_live_offer_completes_in_the_background_job(owner, consulting, reviewer):
    publish_to_live(consulting, owner, reviewer)
    offer_stop_selling(offer_id=consulting.pk, by=owner.user)
    assert Offer.objects.get(pk=consulting.pk).status == Offer.Status.PENDING_STOP_SELL
    assert stop_sell_complete_due() == 1
    assert stop_sell_complete_due() == 0  # the beat job run twice completes once
    offer = Offer.objects.get(pk=consulting.pk)
    assert offer.status == Offer.Status.NOT_AVAILABLE
    assert not offer.listed
    assert OutboxMessage.objects.filter(key__startswith=f"offer:{offer.pk}:stop-sell").count() == 1


def test_a_not_available_offer_can_be_republished(owner, consulting, reviewer):
    publish_to_live(consulting, owner, reviewer)
    offer_stop_selling(offer_id=consulting.pk, by=owner.user)
    stop_sell_complete_due()
    publish_to_live(consulting, owner, reviewer)
    offer = Offer.objects.get(pk=consulting.pk)
    assert offer.status == Offer.Status.LIVE
    assert offer.listed
    assert offer.events.filter(kind="republished").exists()


def test_stop_selling_is_refused_for_an_offer_that_is_not_live(owner, consulting):
    with pytest.raises(PublishRefused):
        offer_stop_selling(offer_id=consulting.pk, by=owner.user)
    assert Offer.objects.get(pk=consulting.pk).status == Offer.Status.DRAFT


def test_a_plan_stops_selling_only_when_another_live_plan_remains(owner, https_endpoint, reviewer):
    offer = complete_offer(owner, "azure_vm", https_endpoint)
    offer_fill_plan(offer, owner.user, n=2)
    publish_to_live(offer, owner, reviewer)
    first, second = Plan.objects.filter(offer=offer).order_by("pk")
    plan_stop_selling(plan_id=first.pk, by=owner.user)
    stop_sell_complete_due()
    assert Plan.objects.get(pk=first.pk).status == Plan.Status.STOPPED
    with pytest.raises(PublishRefused):
        plan_stop_selling(plan_id=second.pk, by=owner.user)
    assert Plan.objects.get(pk=second.pk).status == Plan.Status.LIVE


def test_compare_shows_the_fields_changed_since_the_live_version(owner_client, owner, consulting, reviewer):
    publish_to_live(consulting, owner, reviewer)
    listing = consulting.pages.get(key="offer_listing")
    listing.data["name"] = "Data Move: 3-Wk Proof of Concept"
    listing.data["search_keyword_3"] = "cutover"
    listing.save()
    response = owner_client.get(reverse("certification:compare", args=[consulting.pk]), {"against": "live"})
    changes = {(c.page, c.field): c.change for c in response.context["changes"]}
    assert changes[("offer_listing", "name")] == "changed"
    assert changes[("offer_listing", "search_keyword_3")] == "added"
    assert len(changes) == 2


def test_the_overview_shows_the_failure_report_with_links_to_the_fields(owner_client, owner, consulting):
    from django.core.files.storage import default_storage

    from offers.models import OfferFile

    screenshot = OfferFile.objects.get(pk=consulting.pages.get(key="offer_listing").data["screenshot_1"])
    with default_storage.open(screenshot.file.name, "wb") as handle:
        handle.write(rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    drive(submission.pk)
    response = owner_client.get(reverse("certification:overview", args=[consulting.pk]))
    assert b"Certification failure report" in response.content
    assert (
        reverse("offers:page", args=[consulting.pk, "offer_listing"]).encode() + b"#id_screenshot_1" in response.content
    )


def test_the_history_lists_events_with_their_actors(owner_client, owner, consulting):
    submission_start(offer_id=consulting.pk, by=owner.user)
    response = owner_client.get(reverse("certification:history", args=[consulting.pk]))
    kinds = [event.kind for event in response.context["page_obj"]]
    assert "submitted" in kinds
    assert "offer_created" in kinds
    assert owner.user.get_full_name().encode() in response.content
