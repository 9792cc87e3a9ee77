"""Benchmark: publish latency and pipeline throughput on Redis and PostgreSQL with a 2-process worker.

- publish latency: from submission_start() committing to the first step running (goal under one second);
- throughput: submissions from Publish to the reviewer's queue (every automated step, with the real checks
  against a local HTTPS endpoint), in seconds per step, against a chain of no-op Celery tasks of the same
  length on the same broker (goal <= 3x).
Everything is measured in this one run. BENCH_SUBMISSIONS sets the number of submissions (default 20).
"""

import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
CA_BUNDLE = Path(tempfile.gettempdir()) / "portal-bench-ca.pem"
os.environ.update(
    DATABASE_URL=DATABASE_URL,
    CELERY_BROKER_URL=BROKER_URL,
    CELERY_TASK_DEFAULT_QUEUE="bench",
    SECRET_KEY=os.environ.get("SECRET_KEY", "benchmark"),
    DJANGO_SETTINGS_MODULE="portal.settings",
    SECURE_SSL_REDIRECT="false",
    OUTBOUND_CA_BUNDLE=str(CA_BUNDLE),
    OUTBOUND_ALLOWED_PRIVATE_NETWORKS="127.0.0.0/8",
    EMAIL_URL="dummymail://",
    LOG_LEVEL="WARNING",
)

import django  # noqa: E402


def ensure_database():
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def https_endpoint():
    import trustme

    from tests.endpoints import endpoint_serve

    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(CA_BUNDLE))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return endpoint_serve(tls_context=context)


def wait(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    raise TimeoutError


def main():
    ensure_database()
    endpoint, stop_endpoint = https_endpoint()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import Membership
    from certification.models import Step, Submission
    from certification.services import submission_start
    from portal.celery import app
    from portal.tasks import noop
    from tests.certification.support import complete_offer
    from tests.factories import MembershipFactory

    app.control.purge()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "-Q",
            "bench",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
    )
    try:
        wait(lambda: bool(app.control.ping(timeout=0.5)), timeout=60)
        owner = MembershipFactory(role=Membership.Role.OWNER)
        count = int(os.environ.get("BENCH_SUBMISSIONS", "20"))
        offers = [
            complete_offer(owner, "consulting", endpoint, offer_id=f"bench-{time.time_ns()}-{i}") for i in range(count)
        ]

        latencies, started = [], time.monotonic()
        submissions = []
        for offer in offers:
            submission = submission_start(offer_id=offer.pk, by=owner.user)
            committed = time.monotonic()
            first = submission.steps.order_by("order").first()
            wait(lambda first=first: Step.objects.filter(pk=first.pk).exclude(state="pending").exists())
            latencies.append(time.monotonic() - committed)
            submissions.append(submission)
        wait(
            lambda: not Submission.objects.filter(pk__in=[s.pk for s in submissions], state="running").exists(),
            timeout=600,
        )
        elapsed = time.monotonic() - started
        steps = Step.objects.filter(submission__in=submissions, state="succeeded").count()
        failed = Submission.objects.filter(pk__in=[s.pk for s in submissions], state="failed").count()

        chain_started = time.monotonic()
        from celery import chain

        chain(*[noop.si() for _ in range(steps)]).apply_async().get(timeout=600, disable_sync_subtasks=False)
        chain_elapsed = time.monotonic() - chain_started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        stop_endpoint()

    per_step, per_noop = elapsed / max(steps, 1), chain_elapsed / max(steps, 1)
    print(f"submissions: {count} ({failed} failed), automated steps run: {steps}")
    print(
        f"publish latency to first step running: median {statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms (goal < 1000 ms)"
    )
    print(f"pipeline: {per_step * 1000:.1f} ms per step; no-op chain: {per_noop * 1000:.1f} ms per task")
    print(f"ratio pipeline/no-op: {per_step / per_noop:.2f}  (goal <= 3)")


if __name__ == "__main__":
    main()
