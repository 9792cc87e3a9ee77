"""Benchmark: the pipeline's throughput against Celery's own floor, and publish latency idle and during a burst.

Its own PostgreSQL database (portal_bench_pipeline, dropped and created), Redis db 12 as the broker (flushed first),
queues of its own names, and a local HTTPS endpoint so every check runs for real, offline.

- Throughput: N complete SaaS offers (the type with the most automated steps) are published untimed, their hand-offs
  held back; then all N are handed off at once to a 2-process worker, and the window runs from the first hand-off
  to the last submission reaching its first wait (the content review). On the same worker, N chains of no-op tasks
  of the same length (the mean number of steps a submission ran) are sent at once, and timed from the first send to
  the last task done. Both ends are the workers' own timestamps (the wait step's start, the last no-op's result),
  so the script's polling adds nothing. A, B, A, B...: min and median of each, seconds per step, and the ratio.
- Queries per check step: one submission advanced in process (checks stubbed to pass), its SQL queries counted.
- Publish latency: from submission_start() returning (committed) to its first step leaving pending (the step's
  start, stamped by the worker): K publishes one at a time with the workers idle, then K spread over each of two
  bursts of N: N publishes of one account handed off at once (their first steps go where a publish's go: the first
  queue, behind a lone publisher's by the account's running submissions), and N submissions in progress (handed off
  as the steps after a first one are: the default queue). The timed publishes are another publisher's, by hand. The dedicated worker
  of the first queue (PIPELINE_FIRST_QUEUE, when the settings have it) runs beside the main worker for these, as in
  production.

    python benchmarks/pipeline.py     # BENCH_SUBMISSIONS=200 BENCH_ROUNDS=2 BENCH_LATENCY_SAMPLES=40

Prints a markdown section and writes it to BENCH_OUTPUT_PIPELINE (else BENCH_OUTPUT, else
docs/benchmarks-pipeline.md).
"""

import itertools
import os
import ssl
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.harness import database_fresh  # noqa: E402
from benchmarks.harness.workers import (  # noqa: E402
    queues_drain,
    sends_held,
    sends_release,
    worker_ready,
    worker_start,
    workers_stop,
)

DATABASE = os.environ.get("BENCH_PIPELINE_DATABASE", "portal_bench_pipeline")
BROKER_URL = os.environ.get("BENCH_PIPELINE_BROKER_URL", "redis://127.0.0.1:6379/12")
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
SAMPLES = int(os.environ.get("BENCH_LATENCY_SAMPLES", "40"))
OFFER_TYPE = os.environ.get("BENCH_OFFER_TYPE", "saas")
OUTPUT = Path(
    os.environ.get("BENCH_OUTPUT_PIPELINE")
    or os.environ.get("BENCH_OUTPUT")
    or ROOT / "docs" / "benchmarks-pipeline.md"
)
MAIN_QUEUE, FIRST_QUEUE = "bench-pipeline", "bench-pipeline-first"
CA_BUNDLE = Path(tempfile.gettempdir()) / "portal-bench-pipeline-ca.pem"
# Seconds between the script's looks at the database: the timings come from the workers' own timestamps, so the
# polling only has to notice the end, and a slower poll leaves the 2 cores to the workers.
POLL_WINDOW, POLL_LATENCY = 0.1, 0.01

os.environ.update(
    DATABASE_URL=database_fresh(DATABASE),
    CELERY_BROKER_URL=BROKER_URL,
    CELERY_TASK_DEFAULT_QUEUE=MAIN_QUEUE,
    PIPELINE_FIRST_QUEUE=FIRST_QUEUE,
    SECRET_KEY=os.environ.get("SECRET_KEY", "benchmark-secret-key-benchmark-secret-key"),
    DJANGO_SETTINGS_MODULE="portal.settings",
    DEBUG="false",
    SECURE_SSL_REDIRECT="false",
    OUTBOUND_CA_BUNDLE=str(CA_BUNDLE),
    OUTBOUND_ALLOWED_PRIVATE_NETWORKS="127.0.0.0/8",
    EMAIL_URL="dummymail://",
    LOG_LEVEL="WARNING",
    PYTHONPATH=str(ROOT),
)

import django  # noqa: E402


def https_endpoint():
    """A local HTTPS server standing for the publishers' endpoints, its CA trusted by the checks (OUTBOUND_CA_BUNDLE)."""
    import trustme

    from tests.endpoints import endpoint_serve

    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(CA_BUNDLE))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return endpoint_serve(tls_context=context)


def until(condition, timeout: float, what: str, every: float = POLL_WINDOW):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


def percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


class Bench:
    def __init__(self, endpoint):
        from accounts.models import Membership
        from tests.factories import MembershipFactory

        self.endpoint = endpoint
        self.owner = MembershipFactory(role=Membership.Role.OWNER)  # the account whose CI publishes the bursts
        self.publisher = MembershipFactory(role=Membership.Role.OWNER)  # another publisher, publishing by hand
        self.made = 0

    def offers(self, count: int, *, of=None) -> list:
        """Complete offers (every page filled, URLs at the local endpoint), not yet published."""
        from tests.certification.support import complete_offer

        made = []
        for _ in range(count):
            self.made += 1
            made.append(complete_offer(of or self.owner, OFFER_TYPE, self.endpoint, offer_id=f"bench-{self.made}"))
        return made

    def publishes_held(self, offers: list) -> tuple[list[int], list]:
        """Publish the offers with every task they send held back; return the submissions and the held sends."""
        from certification.services import submission_start

        with sends_held() as held:
            ids = [submission_start(offer_id=offer.pk, by=self.owner.user).pk for offer in offers]
        return ids, held

    def publish(self, offer) -> tuple[int, float]:
        """Publish one offer for real (by its own account's owner); return the submission and the wall-clock time
        submission_start returned."""
        from certification.services import submission_start

        by = self.publisher if offer.account_id == self.publisher.account_id else self.owner
        submission = submission_start(offer_id=offer.pk, by=by.user)
        return submission.pk, time.time()


def first_started(submission_ids: list[int]) -> dict[int, float]:
    """The wall-clock time each submission's first step left pending (stamped by the worker), where it has."""
    from certification.models import Step

    rows = (
        Step.objects.filter(submission_id__in=submission_ids)
        .order_by("submission_id", "order")
        .values_list("submission_id", "state", "started_at")
    )
    started: dict[int, float] = {}
    seen: set[int] = set()
    for submission_id, state, started_at in rows:
        if submission_id in seen:
            continue
        seen.add(submission_id)
        if state != "pending" and started_at is not None:
            started[submission_id] = started_at.timestamp()
    return started


def arrivals(submission_ids: list[int], timeout: float) -> float:
    """Wait until no submission runs any more; return the wall-clock time the last reached its wait or its end."""
    from django.db.models import Max

    from certification.models import Step, Submission

    until(
        lambda: not Submission.objects.filter(pk__in=submission_ids, state="running").exists(),
        timeout,
        "every submission reaching its first wait",
    )
    last = Step.objects.filter(submission_id__in=submission_ids).aggregate(
        started=Max("started_at"), finished=Max("finished_at")
    )
    return max(t.timestamp() for t in last.values() if t is not None)


def window_pipeline(bench: Bench, app, broker, workers) -> dict:
    """Timed window A: N held publishes handed off at once, until the last reaches its first wait."""
    from certification.models import Step, Submission

    ids, held = bench.publishes_held(bench.offers(SUBMISSIONS))
    queues_drain(app, broker, workers)
    started = time.time()
    sends_release(held)
    ended = arrivals(ids, timeout=30 * SUBMISSIONS)
    steps = Step.objects.filter(submission_id__in=ids, state="succeeded").count()
    states = dict.fromkeys(["waiting_review", "failed"], 0)
    for state in Submission.objects.filter(pk__in=ids).values_list("state", flat=True):
        states[state] = states.get(state, 0) + 1
    return {"seconds": ended - started, "steps": steps, "states": states, "sends": len(held)}


def window_noop(app, broker, workers, length: int) -> dict:
    """Timed window B: N chains of ``length`` no-op tasks sent at once, until the last task of the last is done."""
    from celery import chain
    from django.db.models import Max
    from django_celery_results.models import TaskResult

    from portal.tasks import noop

    chains = [chain(*[noop.si() for _ in range(length)]) for _ in range(SUBMISSIONS)]
    queues_drain(app, broker, workers)
    started = time.time()
    last = [c.apply_async().id for c in chains]
    done = TaskResult.objects.filter(task_id__in=last, status="SUCCESS")
    until(lambda: done.count() == len(last), 30 * SUBMISSIONS, "every no-op chain finishing")
    ended = done.aggregate(last=Max("date_done"))["last"].timestamp()
    return {"seconds": ended - started, "tasks": SUBMISSIONS * length}


def queries_per_step(bench: Bench) -> dict:
    """Advance one submission in this process with its checks stubbed to pass; count its SQL queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certification.models import Step, Submission
    from certification.pipeline import advance_inline, submission_advance
    from certification.services import submission_start

    (offer,) = bench.offers(1)
    per_call, between = [], []
    with advance_inline():
        submission = submission_start(offer_id=offer.pk, by=bench.owner.user)
        while Submission.objects.filter(pk=submission.pk, state="running").exists() and len(per_call) < 50:
            marks = []
            with CaptureQueriesContext(connection) as captured:

                def passed(definition, context, marks=marks, captured=captured):
                    marks.append(len(captured))
                    return []

                submission_advance(submission_id=submission.pk, run_check=passed)
            per_call.append(len(captured))
            # between two checks of one call: recording one step and starting the next (a check step's own cost)
            between += [b - a for a, b in itertools.pairwise(marks)]
    steps = Step.objects.filter(submission_id=submission.pk, state="succeeded").count()
    return {
        "queries": sum(per_call),
        "steps": steps,
        "calls": len(per_call),
        "per_call": per_call,
        "per_check_step": max(between, default=0),
    }


def latency_idle(bench: Bench, offers: list) -> list[float]:
    """Publish one offer at a time with the workers idle; each waits for its submission to settle before the next."""
    from certification.models import Submission

    latencies = []
    for offer in offers:
        submission_id, committed = bench.publish(offer)
        started = until(lambda s=submission_id: first_started([s]), 60, "the first step starting", POLL_LATENCY)
        latencies.append(started[submission_id] - committed)
        until(
            lambda s=submission_id: not Submission.objects.filter(pk=s, state="running").exists(),
            120,
            "the submission reaching its first wait",
            POLL_LATENCY,
        )
        time.sleep(0.05)
    return latencies


# The two bursts a new publish can meet: N publishes made at once (each first step handed off as a publish's, to the
# first queue when there is one), or N submissions in progress (handed off as the steps after a first one are, to
# the default queue).
BURSTS = {
    "publishes": "publishes of one account handed off at once (a new publish: another account's)",
    "in progress": "submissions in progress (default queue)",
}


def latency_burst(bench: Bench, app, broker, workers, offers: list, spread: float, burst: str) -> dict:
    """Hand off a burst of N submissions at once, then publish the offers one at a time spread over ``spread`` s."""
    from certification.pipeline import enqueue_advance
    from certification.tasks import advance

    ids, held = bench.publishes_held(bench.offers(SUBMISSIONS))
    if burst == "in progress":
        held = [record for record in held if record[0].name != advance.name]
    queues_drain(app, broker, workers)
    interval = spread / max(len(offers), 1)
    burst_started = time.time()
    sends_release(held)
    if burst == "in progress":
        for submission_id in ids:
            enqueue_advance(submission_id)  # outside a transaction: sent at once
    published: dict[int, float] = {}
    for offer in offers:
        submission_id, committed = bench.publish(offer)
        published[submission_id] = committed
        time.sleep(max(0.0, burst_started + interval * len(published) - time.time()))
    burst_ended = arrivals(ids, timeout=30 * SUBMISSIONS)
    arrivals(list(published), timeout=120)
    started = first_started(list(published))
    during = [started[s] - committed for s, committed in published.items() if committed < burst_ended]
    log(
        f"burst of {burst}: publishes (s after the burst's hand-off: ms to the first step): "
        + ", ".join(f"{c - burst_started:.1f}: {(started[s] - c) * 1000:.0f}" for s, c in published.items())
    )
    return {
        "latencies": during,
        "published": len(published),
        "burst_seconds": burst_ended - burst_started,
        "burst": burst,
    }


def main() -> None:
    import redis

    load_start = os.getloadavg()[0]
    endpoint, endpoint_stop = https_endpoint()
    workers = []
    try:
        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from portal.celery import app

        call_command("migrate", verbosity=0)
        broker = redis.Redis.from_url(BROKER_URL)
        broker.flushdb()
        main_queue = settings.CELERY_TASK_DEFAULT_QUEUE
        first_queue = getattr(settings, "PIPELINE_FIRST_QUEUE", None)
        bench = Bench(endpoint)
        counted = queries_per_step(bench)
        # seeded now, published one at a time and timed: by another publisher than the bursts' account
        latency_offers = bench.offers((1 + len(BURSTS)) * SAMPLES, of=bench.publisher)
        log(
            f"{counted['queries']} queries for {counted['steps']} steps in process (per call: {counted['per_call']}); "
            f"{len(latency_offers)} offers seeded"
        )

        # The workers start before any held submission exists: their start-up recovery re-drives idle submissions.
        main = worker_start(
            "main@bench-pipeline", [main_queue, first_queue] if first_queue else [main_queue], concurrency=2
        )
        workers.append(main)
        worker_ready(app, main)
        queues_drain(app, broker, workers)
        log("main worker ready")

        pipeline, noops = [], []
        for _ in range(ROUNDS):
            pipeline.append(window_pipeline(bench, app, broker, workers))
            length = max(1, round(pipeline[0]["steps"] / SUBMISSIONS))
            noops.append(window_noop(app, broker, workers, length))
            log(
                f"round {len(pipeline)}: pipeline {pipeline[-1]['seconds']:.2f} s for {pipeline[-1]['steps']} steps "
                f"{pipeline[-1]['states']} ({pipeline[-1]['sends']} tasks handed off); "
                f"no-op {noops[-1]['seconds']:.2f} s for {noops[-1]['tasks']} tasks"
            )

        if first_queue:
            first = worker_start("first@bench-pipeline", [first_queue], concurrency=1)
            workers.append(first)
            worker_ready(app, first)
        queues_drain(app, broker, workers)
        idle = latency_idle(bench, latency_offers[:SAMPLES])
        log(f"idle latencies (ms): {', '.join(f'{x * 1000:.0f}' for x in idle)}")
        spread = 0.8 * statistics.median(p["seconds"] for p in pipeline)
        bursts = [
            latency_burst(bench, app, broker, workers, latency_offers[SAMPLES * i : SAMPLES * (i + 1)], spread, burst)
            for i, burst in enumerate(BURSTS, start=1)
        ]
    finally:
        workers_stop(workers)
        endpoint_stop()

    loads = (load_start, os.getloadavg()[0])
    text = report(pipeline, noops, length, counted, idle, bursts, first_queue, loads)
    print(text)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(f"## Pipeline\n\n{text}\n")
    print(f"written to {OUTPUT}")


def report(pipeline, noops, length, counted, idle, bursts, first_queue, loads) -> str:
    per_step = [p["seconds"] / max(p["steps"], 1) * 1000 for p in pipeline]
    per_noop = [n["seconds"] / n["tasks"] * 1000 for n in noops]
    ratio = statistics.median(per_step) / statistics.median(per_noop)
    steps = statistics.median(p["steps"] for p in pipeline)
    failed = sum(p["states"].get("failed", 0) for p in pipeline)
    per_query = counted["per_check_step"]
    per_step_all = counted["queries"] / max(counted["steps"], 1)
    idle_ms = [x * 1000 for x in idle]

    def mark(ok: bool) -> str:
        return "met" if ok else "not met"

    rows = [
        "| Measure | min | median | goal |",
        "|---|---|---|---|",
        f"| Pipeline: ms per automated step ({SUBMISSIONS} submissions, {steps:.0f} steps) "
        f"| {min(per_step):.2f} | {statistics.median(per_step):.2f} | |",
        f"| No-op floor: ms per task ({SUBMISSIONS} chains of {length} `portal.tasks.noop`) "
        f"| {min(per_noop):.2f} | {statistics.median(per_noop):.2f} | |",
        f"| Ratio pipeline / no-op (of the mins; of the medians) | {min(per_step) / min(per_noop):.2f} "
        f"| {ratio:.2f} | ≤ 2: {mark(ratio <= 2)} |",
        f"| SQL queries per check step: recording one and starting the next, the most of any (in process, checks "
        f"stubbed) | | {per_query} | ≤ 8: {mark(per_query <= 8)} |",
        f"| SQL queries per step, everything included ({counted['queries']} queries for {counted['steps']} steps in "
        f"{counted['calls']} tasks: each task's claim, the wait's entry) | | {per_step_all:.1f} | |",
    ]
    if idle_ms:
        p99 = percentile(idle_ms, 99)
        rows.append(
            f"| Publish → first step running, idle ({len(idle_ms)} publishes): p50 / p99 ms "
            f"| {min(idle_ms):.0f} (min) | {statistics.median(idle_ms):.0f} / {p99:.0f} | p99 < 300: {mark(p99 < 300)} |"
        )
    for burst in bursts:
        burst_ms = [x * 1000 for x in burst["latencies"]]
        what = f"during a burst of {SUBMISSIONS} {BURSTS[burst['burst']]}"
        if not burst_ms:
            rows.append(f"| Publish → first step running {what}: no publish landed while the burst ran | | | |")
            continue
        p99 = percentile(burst_ms, 99)
        rows.append(
            f"| Publish → first step running {what} ({len(burst_ms)} of {burst['published']} publishes made "
            f"while it ran): p50 / p99 ms | {min(burst_ms):.0f} (min) | {statistics.median(burst_ms):.0f} / "
            f"{p99:.0f} | p99 < 1000: {mark(p99 < 1000)} |"
        )
    workers = "a 2-process worker (prefork) consuming both queues" + (
        ", and for the latencies a dedicated 1-process worker of the first queue" if first_queue else ""
    )
    drained = " and ".join(f"{b['burst_seconds']:.1f} s ({b['burst']})" for b in bursts)
    conditions = (
        f"{len(pipeline)} rounds of throughput (pipeline and no-op windows alternating, same worker), {OFFER_TYPE} "
        f"offers with every check run for real against a local HTTPS endpoint ({failed} submissions failed); "
        f"{workers}; Redis broker, PostgreSQL, results in the database; each window timed from the first hand-off "
        f"to the worker's own timestamp of the last arrival (pipeline: the first wait; no-op: the last result); "
        f"the bursts drained in {drained}, the new publishes spread "
        f"over 80% of the pipeline window; "
        f"{os.cpu_count()} CPUs, load average {loads[0]:.1f} at the start and {loads[1]:.1f} at the end."
    )
    return "\n".join(rows) + "\n\n" + conditions


if __name__ == "__main__":
    main()
