"""A step's attempt interrupted by the database is released and retried by its task, never left running; a
running step keeps a heartbeat; a starting worker re-drives orphaned work."""

from types import SimpleNamespace

import pytest
from django.db import OperationalError

from certification import pipeline
from certification.models import Step
from certification.pipeline import AttemptInterrupted, StepBusy, step_heartbeat, submission_advance
from certification.services import submission_start
from certification.tasks import advance
from portal.celery import RECOVERY_TASKS, recovery_on_start
from tests.certification.support import complete_offer

pytestmark = [pytest.mark.usefixtures("policies")]


@pytest.fixture
def submission(owner, https_endpoint, db):
    offer = complete_offer(owner, "consulting", https_endpoint)
    return submission_start(offer_id=offer.pk, by=owner.user)


def _first_step(submission) -> Step:
    return submission.steps.order_by("order").first()


def _database_goes_away(monkeypatch, where: str):
    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(pipeline, where, broken)


@pytest.mark.django_db
def test_a_step_whose_result_cannot_be_stored_is_released_to_run_again_not_left_running(submission, monkeypatch):
    _database_goes_away(monkeypatch, "_record_result")

    with pytest.raises(AttemptInterrupted) as interrupted:
        submission_advance(submission_id=submission.pk)

    step = _first_step(submission)
    step.refresh_from_db()
    assert (step.state, step.run_token, step.attempts) == (Step.State.PENDING, "", 0)
    assert interrupted.value.token == ""  # released already: the retry has nothing to release


@pytest.mark.django_db
def test_a_database_error_inside_the_check_releases_the_step(submission, monkeypatch):
    def check(definition, context):
        raise OperationalError("terminating connection due to administrator command")

    with pytest.raises(AttemptInterrupted):
        submission_advance(submission_id=submission.pk, run_check=check)

    assert _first_step(submission).state == Step.State.PENDING


@pytest.mark.django_db
def test_a_test_lead_another_worker_still_sends_defers_the_step_without_counting_the_attempt(submission):
    def busy(definition, context):
        raise StepBusy("the test lead is being sent by another worker", 12)

    submission_advance(submission_id=submission.pk, run_check=busy)

    step = _first_step(submission)
    step.refresh_from_db()
    assert (step.state, step.attempts, step.run_token) == (Step.State.PENDING, 0, "")


@pytest.mark.django_db
def test_a_retry_releases_the_step_its_interrupted_attempt_still_holds_and_runs_it(submission):
    step = _first_step(submission)
    step.start("deadbeef", step.submission.created_at)
    step.save()

    submission_advance(submission_id=submission.pk, release_token="deadbeef", run_check=lambda d, c: [])

    step.refresh_from_db()
    assert (step.state, step.attempts) == (Step.State.SUCCEEDED, 1)


@pytest.mark.django_db
def test_the_advance_task_retries_with_backoff_when_the_database_goes_away(submission, monkeypatch):
    _database_goes_away(monkeypatch, "_claim_next_step")
    sent = {}
    monkeypatch.setattr(advance, "retry", lambda **kwargs: sent.update(kwargs) or RuntimeError("retried"))

    with pytest.raises(RuntimeError):
        advance.run(submission_id=submission.pk)

    assert isinstance(sent["exc"], OperationalError)
    assert sent["countdown"] >= 1


@pytest.mark.django_db
def test_the_advance_task_passes_the_held_step_to_its_retry(submission, monkeypatch):
    sent = {}

    def interrupted(**kwargs):
        raise AttemptInterrupted("cafe", OperationalError("gone"))

    monkeypatch.setattr(pipeline, "submission_advance", interrupted)
    monkeypatch.setattr(advance, "retry", lambda **kwargs: sent.update(kwargs) or RuntimeError("retried"))

    with pytest.raises(RuntimeError):
        advance.run(submission_id=submission.pk)

    assert sent["kwargs"] == {"submission_id": submission.pk, "release_token": "cafe", "max_steps": None}


@pytest.mark.django_db(transaction=True)
def test_a_running_step_keeps_its_heartbeat_while_its_check_runs(submission):
    step = _first_step(submission)
    step.start("beat", step.submission.created_at)
    step.save()
    import threading

    beaten = threading.Event()

    with step_heartbeat(step.pk, "beat", every=0.05):
        for _ in range(200):
            if Step.objects.get(pk=step.pk).heartbeat_at > submission.created_at:
                beaten.set()
                break
            beaten.wait(0.05)

    assert beaten.is_set()


def test_a_starting_worker_sends_the_watchdog_and_the_outbox_re_drive():
    sent = []
    worker = SimpleNamespace(app=SimpleNamespace(send_task=sent.append))

    recovery_on_start(sender=worker)

    assert sent == list(RECOVERY_TASKS) == ["certification.tasks.pipeline_watchdog", "outbox.tasks.outbox_redrive"]


def test_a_worker_starts_even_when_its_recovery_tasks_cannot_be_sent(caplog):
    def down(name):
        raise ConnectionRefusedError(name)

    recovery_on_start(sender=SimpleNamespace(app=SimpleNamespace(send_task=down)))

    assert "could not be sent at worker start" in caplog.text
