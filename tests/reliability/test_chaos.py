"""The short fault-injection run of `make test`: one worker SIGKILLed mid-step, one database hiccup, and the
submission still goes Live with every email sent once (the full run is `make chaos`, chaos/run.py)."""

import os
import time

import pytest
from django.db import connection

from certification.models import Step, Submission
from certification.pipeline import pipeline_watchdog
from chaos.harness import Driver, Processes, SmtpCounter, backends_terminate
from offers.models import Offer
from tests.factories import UserFactory
from tests.support import free_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("policies")]

FAST_RECOVERY = {  # the watchdog's thresholds, short so the test is short; the workers get the same
    "PIPELINE_HEARTBEAT_EVERY": 1,
    "PIPELINE_STALE_AFTER": 6,
    "PIPELINE_IDLE_AFTER": 6,
    "PIPELINE_RETRY_BACKOFF": 1,
    "OUTBOX_LEASE_SECONDS": 5,  # a test lead whose sender was killed is free again soon
}


def _worker_env(settings, queue: str, smtp_port: int, ca_bundle) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "PIPELINE_FIRST_QUEUE": settings.PIPELINE_FIRST_QUEUE,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "OUTBOUND_CA_BUNDLE": str(ca_bundle),
        "OUTBOUND_ALLOWED_PRIVATE_NETWORKS": "127.0.0.0/8",
        **{name: str(value) for name, value in FAST_RECOVERY.items()},
    }


def _wait_for_running_step(driver: Driver, submission_id: int, *, other_than: str = "", timeout: float = 60.0) -> str:
    """Wait until a step of the submission runs (under another attempt than ``other_than``); return its token."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        driver.tick()
        pipeline_watchdog()  # the test plays beat
        running = Step.objects.filter(submission_id=submission_id, state=Step.State.RUNNING)
        token = running.exclude(run_token=other_than).values_list("run_token", flat=True).first()
        if token:
            return token
        time.sleep(0.05)
    raise AssertionError("no step started")


def _wait_for_emails(smtp: SmtpCounter, count: int, timeout: float = 30.0) -> list[str]:
    """Wait until the SMTP server received ``count`` emails; return their Message-IDs."""
    deadline = time.monotonic() + timeout
    while len(smtp.received) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return [message_id for message_id, _subject in smtp.received]


def test_a_submission_goes_live_through_a_worker_kill_and_a_database_hiccup_sending_each_email_once(
    owner, https_endpoint, test_ca, celery_queue, settings, tmp_path
):
    for name, value in FAST_RECOVERY.items():
        setattr(settings, name, value)
    with SmtpCounter(free_port()) as smtp:
        processes = Processes(
            env=_worker_env(settings, celery_queue, smtp.port, test_ca[1]),
            queues=[celery_queue, settings.PIPELINE_FIRST_QUEUE],
            log_dir=tmp_path,
        )
        driver = Driver(https_endpoint, UserFactory(is_staff=True))
        try:
            processes.worker_start()
            submission_id = driver.publish(owner, 1)

            killed_attempt = _wait_for_running_step(driver, submission_id)
            processes.worker_kill()  # mid-step: its step stays running under a dead worker until re-driven
            processes.worker_start()
            _wait_for_running_step(driver, submission_id, other_than=killed_attempt)
            terminated = backends_terminate(connection.settings_dict["NAME"])  # the new worker's, mid-step

            done = driver.run_until_done(80, during=lambda d: pipeline_watchdog())  # the test plays beat
            emails = _wait_for_emails(smtp, 2)  # sign-off and live: the live one follows the last step
        finally:
            processes.stop()

    submission = Submission.objects.get(pk=submission_id)
    assert (done, submission.state, submission.offer.status) == (True, Submission.State.COMPLETED, Offer.Status.LIVE)
    assert not submission.steps.filter(state=Step.State.RUNNING).exists()
    assert processes.killed == 1
    assert terminated >= 1
    assert len(emails) == len(set(emails)) >= 2  # sign-off and live, each received once
