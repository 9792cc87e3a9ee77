"""The fault-injection harness: real worker and beat processes, their faults, and a driver that measures.

Used by ``make chaos`` (chaos/run.py, the full suite) and by the short version in ``make test``
(tests/reliability/test_chaos.py). Django must be set up before this module is imported.

- ``Processes`` starts Celery workers (prefork, each in a session of its own) and beat as subprocesses with the
  environment given, and SIGKILLs a worker with all its children, as a machine or an OOM killer would.
- ``RedisServer`` runs a redis-server of its own (no persistence: a restart loses every queued task).
- ``backends_terminate`` runs ``pg_terminate_backend`` on the connections to one database, except the driver's.
- ``Driver`` publishes offers, plays reviewer (approve) and publisher (Go live), and watches every submission:
  when it last moved, how long it stood still, whether it ended; ``SmtpCounter`` counts emails by Message-ID.
"""

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, close_old_connections, connection

ROOT = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))


# -- processes ---------------------------------------------------------------------------------------------------


@dataclass
class Processes:
    """Workers and beat as real processes; each worker in its own session so a kill takes its pool children too."""

    env: dict
    queues: list[str]  # the default queue and the queue of user-facing work (PIPELINE_FIRST_QUEUE)
    log_dir: Path
    concurrency: int = 2
    workers: list = field(default_factory=list)
    beat: subprocess.Popen | None = None
    started: int = 0
    killed: int = 0

    def _log(self, name: str):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return open(self.log_dir / f"{name}.log", "ab")  # the child process writes to it

    def worker_start(self) -> subprocess.Popen:
        self.started += 1
        name = f"chaos{self.started}@%h"
        command = [CELERY, "-A", "portal", "worker", "-Q", ",".join(self.queues), "-n", name, "--loglevel", "INFO"]
        command += ["--pool", "prefork", "--concurrency", str(self.concurrency), "--without-gossip", "--without-mingle"]
        log = self._log(f"worker{self.started}")
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.workers.append(process)
        return process

    def worker_kill(self, process: subprocess.Popen | None = None) -> None:
        """SIGKILL a worker (the oldest by default) and every process of its session: nothing is cleaned up."""
        process = process or self.workers[0]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        self.workers.remove(process)
        self.killed += 1

    def beat_start(self) -> None:
        command = [CELERY, "-A", "portal", "beat", "--loglevel", "INFO"]
        self.beat = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self._log("beat"), stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self) -> None:
        for process in [*self.workers, *([self.beat] if self.beat else [])]:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass
        self.workers.clear()
        self.beat = None


class RedisServer:
    """A redis-server of our own on a port, without persistence (a restart loses whatever was queued)."""

    def __init__(self, port: int, log_dir: Path):
        self.port = port
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            command,
            cwd=self.log_dir,
            stdout=open(self.log_dir / "redis.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        import redis

        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def backends_terminate(database: str) -> int:
    """Terminate every connection to ``database`` except the driver's own; return how many were terminated."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
            [database],
        )
        return cursor.fetchone()[0]


# -- email -------------------------------------------------------------------------------------------------------


class SmtpCounter:
    """An SMTP server on a port, in a process of its own (chaos/smtp_sink.py), that counts emails by Message-ID."""

    def __init__(self, port: int, log_dir: Path | None = None):
        import tempfile

        self.port = port
        self.path = Path(tempfile.mkstemp(prefix="chaos-smtp-", suffix=".tsv", dir=log_dir)[1])
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        import socket

        command = [sys.executable, "-m", "chaos.smtp_sink", str(self.port), str(self.path)]
        self.process = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return self
            time.sleep(0.1)
        raise RuntimeError(f"the SMTP sink did not start on port {self.port}")

    def __exit__(self, *exc_info):
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    @property
    def received(self) -> list[tuple[str, str]]:
        """(Message-ID, Subject) of every email accepted so far."""
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [tuple(line.split("\t", 1)) for line in lines if "\t" in line]

    @property
    def duplicates(self) -> int:
        ids = [message_id for message_id, _subject in self.received]
        return len(ids) - len(set(ids))


def leads_duplicated(requests: list) -> int:
    """Leads POSTed more than once (same lead id): the at-least-once repeats a receiver deduplicates by key."""
    ids = [
        (r["json"] or {}).get("leadId") for r in requests if r["method"] == "POST" and (r["json"] or {}).get("leadId")
    ]
    return len(ids) - len(set(ids))


# -- the driver --------------------------------------------------------------------------------------------------


@dataclass
class Watch:
    """What the driver saw of one submission."""

    submission_id: int
    signature: tuple = ()
    moved_at: float = 0.0
    longest_still: float = 0.0  # the longest time it stood still while the workers had it (not waiting for people)
    done_at: float | None = None
    moves: list = field(default_factory=list)  # monotonic times of every move


class Driver:
    """Publish, approve, Go live, and watch every submission until each ends."""

    def __init__(self, endpoint, reviewer):
        self.endpoint = endpoint
        self.reviewer = reviewer
        self.watches: dict[int, Watch] = {}

    def prepare(self, membership, n: int, offer_type: str = "consulting"):
        """Create an offer with every page Complete, its URLs at the endpoint; return (membership, offer)."""
        from tests.certification.support import complete_offer

        return membership, complete_offer(membership, offer_type, self.endpoint, offer_id=f"chaos-{offer_type}-{n}")

    def submit(self, prepared) -> int:
        """Publish a prepared offer and watch its submission; return the submission's id."""
        from certification.services import submission_start

        membership, offer = prepared
        submission = submission_start(offer_id=offer.pk, by=membership.user)
        self.watches[submission.pk] = Watch(submission.pk, moved_at=time.monotonic())
        return submission.pk

    def publish(self, membership, n: int, offer_type: str = "consulting") -> int:
        return self.submit(self.prepare(membership, n, offer_type))

    def tick(self) -> None:
        """Look at every submission once: act on its waits, note whether it moved."""
        from certification.models import ReviewItem, Step, Submission
        from certification.reviews import review_decide
        from certification.services import NotYet, PublishRefused, publish_go_live

        close_old_connections()
        try:
            now = time.monotonic()
            rows = {
                pk: (state, offer_id)
                for pk, state, offer_id in Submission.objects.filter(pk__in=self.watches).values_list(
                    "pk", "state", "offer_id"
                )
            }
            steps: dict[int, list] = {}
            for row in Step.objects.filter(submission_id__in=self.watches).values_list(
                "submission_id", "order", "state", "attempts"
            ):
                steps.setdefault(row[0], []).append(row[1:])
            for pk, watch in self.watches.items():
                if watch.done_at is not None:
                    continue
                state, offer_id = rows[pk]
                signature = (state, tuple(sorted(steps.get(pk, []))))
                if signature != watch.signature:
                    if watch.signature and state in Submission.ACTIVE:
                        watch.longest_still = max(watch.longest_still, now - watch.moved_at)
                    watch.signature, watch.moved_at = signature, now
                    watch.moves.append(now)
                if state not in Submission.ACTIVE:
                    watch.done_at = now
                elif state == Submission.State.WAITING_REVIEW:
                    for item in ReviewItem.objects.filter(submission_id=pk, state=ReviewItem.State.OPEN):
                        review_decide(item_id=item.pk, decision="approve", by=self.reviewer)
                elif state == Submission.State.WAITING_SIGNOFF:
                    owner = Submission.objects.get(pk=pk).created_by
                    with contextlib.suppress(NotYet, PublishRefused):  # a click a moment early or late
                        publish_go_live(offer_id=offer_id, by=owner)
        except DatabaseError:
            connection.close()  # the hiccup reached the driver too: look again on a new connection

    def still_now(self) -> float:
        """The longest any unfinished submission has stood still so far (people's waits are acted on at once)."""
        now = time.monotonic()
        return max((now - w.moved_at for w in self.watches.values() if w.done_at is None), default=0.0)

    def run_until_done(self, timeout: float, *, every: float = 0.5, during=None) -> bool:
        """Tick until every submission ended or ``timeout``; ``during(driver)`` is called each tick (the faults)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.tick()
            if during is not None:
                during(self)
            if all(w.done_at is not None for w in self.watches.values()):
                return True
            time.sleep(every)
        return False

    def results(self) -> dict:
        from certification.models import Step, Submission
        from offers.models import Offer

        close_old_connections()
        ids = list(self.watches)
        states = dict(Submission.objects.filter(pk__in=ids).values_list("pk", "state"))
        live = Offer.objects.filter(submissions__pk__in=ids, status=Offer.Status.LIVE).distinct().count()
        return {
            "submissions": len(ids),
            "completed": sum(s == Submission.State.COMPLETED for s in states.values()),
            "live": live,
            "stuck": sum(s in Submission.ACTIVE for s in states.values()),
            "steps_running": Step.objects.filter(submission_id__in=ids, state=Step.State.RUNNING).count(),
            "longest_still_s": round(max((w.longest_still for w in self.watches.values()), default=0.0), 1),
        }


def random_moments(count: int, within: float, *, seed: int | None = None) -> list[float]:
    """``count`` random moments (seconds from now) spread over ``within`` seconds, sorted."""
    rng = random.Random(seed)
    return sorted(rng.uniform(0, within) for _ in range(count))
