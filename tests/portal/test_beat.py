"""Celery beat keeps its schedule in the database, and a second beat started by mistake sends nothing twice.

Two schedulers stand for two beats (on one host or two); what they send is counted on the real broker, in a
queue of the test's own.
"""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from portal.beat import LEASE_NAME, LeaderScheduler, beat_last_tick
from portal.models import BeatLease

REPO_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queue_name(_celery_app):
    """A queue of the test's own, declared as a worker would (the broker drops messages for unknown queues)."""
    name = f"test-beat-{uuid.uuid4().hex[:8]}"
    with _celery_app.connection_for_write() as broker, broker.SimpleQueue(name):
        pass
    yield name
    with _celery_app.connection_for_write() as broker, broker.SimpleQueue(name) as queue:
        queue.queue.delete()


@pytest.fixture
def schedule(_celery_app, queue_name):
    """One periodic task every minute, sent to the test's own queue, instead of the portal's schedule."""
    running = _celery_app.conf.beat_schedule
    _celery_app.conf.beat_schedule = {
        "every-minute": {"task": "portal.tasks.noop", "schedule": 60.0, "options": {"queue": queue_name}}
    }
    yield
    _celery_app.conf.beat_schedule = running


@pytest.fixture
def beats(_celery_app, schedule):
    """Start two beats' schedulers; close them afterwards."""
    started = [LeaderScheduler(app=_celery_app), LeaderScheduler(app=_celery_app)]
    yield started
    for beat in started:
        beat.close()


def sent(app, queue_name: str) -> int:
    """Count the messages waiting in the queue (and drop them)."""
    with app.connection_for_write() as broker, broker.SimpleQueue(queue_name) as queue:
        count = queue.qsize()
        queue.clear()
    return count


def last_run_recorded_minutes_ago(minutes: int) -> None:
    ran = (timezone.now() - timedelta(minutes=minutes)).isoformat()
    BeatLease.objects.update_or_create(name=LEASE_NAME, defaults={"last_runs": {"every-minute": ran}})


def test_two_beats_ticking_in_the_same_minute_send_a_due_task_once(_celery_app, beats, queue_name):
    first, second = beats
    last_run_recorded_minutes_ago(2)
    second.schedule["every-minute"].last_run_at = timezone.now() - timedelta(minutes=2)  # due for it as well

    for _tick in range(3):
        first.tick()
        second.tick()

    assert second.schedule["every-minute"].is_due().is_due  # it would have sent, had it held the lease
    assert (first.is_leader, second.is_leader) == (True, False)
    assert sent(_celery_app, queue_name) == 1


def test_the_beat_standing_by_takes_over_when_the_first_stops_and_sends_nothing_twice(_celery_app, beats, queue_name):
    first, second = beats
    last_run_recorded_minutes_ago(2)
    first.tick()
    second.tick()
    first.close()  # a clean stop records the schedule and gives the lease up

    second.tick()
    second.tick()

    assert second.is_leader
    assert sent(_celery_app, queue_name) == 1  # the first's run, not again by the second
    assert second.schedule["every-minute"].last_run_at >= first.schedule["every-minute"].last_run_at


def test_the_beat_standing_by_takes_over_when_the_holders_lease_runs_out(_celery_app, beats, queue_name):
    first, second = beats
    first.tick()
    BeatLease.objects.filter(name=LEASE_NAME).update(expires_at=timezone.now() - timedelta(seconds=1))  # it died

    second.tick()
    first._confirmed_at = None  # the first wakes up after its renewal was due
    first.tick()

    assert (first.is_leader, second.is_leader) == (False, True)
    assert BeatLease.objects.get(name=LEASE_NAME).holder == second.holder


def test_the_beat_holding_the_lease_records_its_tick_as_the_heartbeat(_celery_app, beats):
    first, _second = beats
    assert beat_last_tick() == (None, "")

    first.tick()

    last_tick, holder = beat_last_tick()
    assert holder == first.holder
    assert last_tick is not None


def test_a_beat_on_a_host_without_var_starts_ticks_and_writes_no_file(tmp_path):
    """As `celery -A portal beat` on a beat-only host: the working folder holds no var/ and gets nothing written."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "BEAT_LEASE_SECONDS": "4",
    }
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel", "INFO"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while beat_last_tick()[0] is None and beat.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        ticked = beat_last_tick()[0] is not None
    finally:
        beat.terminate()
        output = beat.communicate(timeout=30)[0]

    assert ticked, output
    assert list(tmp_path.iterdir()) == []
    assert BeatLease.objects.get(name=LEASE_NAME).expires_at <= timezone.now()  # released on a clean stop
