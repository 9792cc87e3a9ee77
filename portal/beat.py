"""Celery beat's scheduler: its state in the database, and one beat sending however many are started.

Every beat ticks, but only the holder of the lease (a ``BeatLease`` row) sends periodic tasks. The holder renews
the lease as it ticks (its ``renewed_at`` is beat's heartbeat for the readiness probe) and records when each entry
last ran. A second beat started by mistake stands by, sending nothing; when the holder stops (its lease released
on a clean stop, or run out after ``BEAT_LEASE_SECONDS``) the next to tick takes the lease, loads the recorded
runs and goes on from there. Times come from the database's clock, so the hosts' clocks need not agree.
"""

import logging
import os
import socket
import time
import uuid
from datetime import datetime, timedelta

from celery.beat import Scheduler
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import Q
from django.db.models.functions import Now

from portal.models import BeatLease

logger = logging.getLogger(__name__)

LEASE_NAME = "default"


class LeaderScheduler(Scheduler):
    """A beat scheduler that sends only while it holds the lease, and keeps each entry's last run in the database."""

    def __init__(self, *args, **kwargs):
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.is_leader = False
        self._confirmed_at = None  # time.monotonic() of the last successful renewal
        self._row_ready = False
        self._standing_by = False
        super().__init__(*args, **kwargs)
        self.sync_every_tasks = 1  # record each run as it is sent, for a beat that may take over

    @property
    def lease_seconds(self) -> int:
        return settings.BEAT_LEASE_SECONDS

    @property
    def renew_every(self) -> float:
        """Renew four times per lease, so a short stall of the holder never hands the lease over."""
        return self.lease_seconds / 4

    def tick(self, *args, **kwargs):
        """Send what is due while holding the lease; otherwise send nothing and try for the lease again soon."""
        if not self.lease_hold():
            return self.renew_every
        return min(super().tick(*args, **kwargs), self.renew_every)

    def lease_hold(self) -> bool:
        """Renew the lease, or take it if it ran out; return whether this beat holds it now."""
        now = time.monotonic()
        if self.is_leader and self._confirmed_at is not None and now - self._confirmed_at < self.renew_every:
            return True
        close_old_connections()  # a long-lived process: drop a connection the database closed meanwhile
        try:
            if not self._row_ready:
                BeatLease.objects.get_or_create(name=LEASE_NAME)
                self._row_ready = True
            held = bool(
                BeatLease.objects.filter(name=LEASE_NAME)
                .filter(Q(holder=self.holder) | Q(expires_at=None) | Q(expires_at__lt=Now()))
                .update(
                    holder=self.holder,
                    renewed_at=Now(),
                    expires_at=Now() + timedelta(seconds=self.lease_seconds),
                )
            )
        except DatabaseError as error:
            logger.warning("beat: the lease could not be renewed, sending nothing: %s", error)
            held = False
        if held and not self.is_leader:
            logger.info("beat: %s holds the lease and sends the periodic tasks", self.holder)
            self._last_runs_load()
        elif self.is_leader and not held:
            logger.warning("beat: %s lost the lease and stands by", self.holder)
        elif not held and not self._standing_by:
            logger.info("beat: another beat holds the lease; %s stands by and sends nothing", self.holder)
        self.is_leader, self._standing_by = held, not held
        self._confirmed_at = now if held else None
        return held

    def sync(self):
        """Record when each entry last ran (only the holder writes)."""
        if not self.is_leader:
            return
        last_runs = {name: entry.last_run_at.isoformat() for name, entry in self.schedule.items()}
        try:
            BeatLease.objects.filter(name=LEASE_NAME, holder=self.holder).update(last_runs=last_runs)
        except DatabaseError as error:
            logger.warning("beat: the schedule could not be recorded: %s", error)

    def close(self):
        """Record the schedule and give the lease up, so a beat standing by takes over at its next tick."""
        try:
            super().close()
        finally:
            if self.is_leader:
                try:
                    BeatLease.objects.filter(name=LEASE_NAME, holder=self.holder).update(expires_at=Now())
                except DatabaseError as error:
                    logger.warning("beat: the lease could not be released: %s", error)
                self.is_leader = False
            connection.close()  # this beat's (thread's) connection, kept open by CONN_MAX_AGE until now

    def _last_runs_load(self) -> None:
        """Start each entry from its last run recorded by whichever beat held the lease before."""
        recorded = BeatLease.objects.filter(name=LEASE_NAME).values_list("last_runs", flat=True).first() or {}
        for name, entry in self.schedule.items():
            if name in recorded:  # what ran, by whichever beat, outranks this beat's "not run since I started"
                entry.last_run_at = datetime.fromisoformat(recorded[name])
        self._heap = None  # rebuilt from the entries at the next tick


def beat_last_tick() -> tuple[datetime | None, str]:
    """Return when the beat holding the lease last ticked, and who it is."""
    row = BeatLease.objects.filter(name=LEASE_NAME).values_list("renewed_at", "holder").first()
    return row if row else (None, "")
