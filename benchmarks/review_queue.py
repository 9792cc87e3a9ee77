"""Benchmark: the content review queue in Django admin with 100 and with 10,000 open items.

Prints the SQL queries of each (must be equal and at most 12) and the time ratio 10,000/100 (goal <= 1.5),
measured in this one run against PostgreSQL (BENCH_DATABASE_URL, default the local portal_bench_queue database).
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_queue"
)
os.environ.setdefault("SECRET_KEY", "benchmark")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["SECURE_SSL_REDIRECT"] = "false"
os.environ["DEBUG"] = "false"
os.environ["LOG_LEVEL"] = "WARNING"

import django


def _ensure_database():
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main():
    _ensure_database()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    override_settings(
        ALLOWED_HOSTS=["*"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    call_command("migrate", verbosity=0)

    from certification.models import ReviewItem, Step, Submission
    from offers.models import Offer, OfferSnapshot
    from tests.factories import PublisherAccountFactory, UserFactory

    def queue_with(n):
        account = PublisherAccountFactory()
        now = timezone.now()
        tag = f"{n}-{time.time_ns()}"
        offers = Offer.objects.bulk_create(
            Offer(account=account, offer_type="consulting", offer_id=f"q-{tag}-{i}", alias=f"Queued {i}")
            for i in range(n)
        )
        snapshots = OfferSnapshot.objects.bulk_create(
            OfferSnapshot(offer=o, data={"pages": {"offer_listing": {"name": o.alias}}}, content_hash="x")
            for o in offers
        )
        submissions = Submission.objects.bulk_create(
            Submission(offer=o, number=1, snapshot=s, origin_status="draft", state="waiting_review")
            for o, s in zip(offers, snapshots, strict=True)
        )
        steps = Step.objects.bulk_create(
            Step(
                submission=s,
                order=1,
                phase="certification",
                key="content_review",
                name="Content review",
                state="waiting",
            )
            for s in submissions
        )
        ReviewItem.objects.bulk_create(
            ReviewItem(
                submission=s,
                step=st,
                level="content",
                arrived_at=now - timedelta(minutes=i),
                queued_since=now - timedelta(minutes=i),
                due_at=now + timedelta(days=3),
            )
            for i, (s, st) in enumerate(zip(submissions, steps, strict=True))
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have: the planner needs the new row counts
        return account

    def measure(rounds=15):
        client = Client()
        client.force_login(reviewer)
        url = "/admin/certification/contentreviewitem/"
        assert client.get(url).status_code == 200
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
            client.get(url)
        timings = []
        for _ in range(rounds):
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            timings.append(time.perf_counter() - start)
        return len(queries), statistics.median(timings)

    reviewer = UserFactory(is_staff=True, is_superuser=True)
    queue_with(100)
    queries_small, time_small = measure()
    queue_with(9_900)
    queries_large, time_large = measure()
    if os.environ.get("BENCH_EXPLAIN"):
        client = Client()
        client.force_login(reviewer)
        timed = []

        def timer(execute, sql, *args):
            start = time.perf_counter()
            try:
                return execute(sql, *args)
            finally:
                timed.append((time.perf_counter() - start, sql[:300]))

        with connection.execute_wrapper(timer):
            client.get("/admin/certification/contentreviewitem/")
        for seconds, sql in sorted(timed, reverse=True)[:4]:
            print(f"{seconds * 1000:7.1f} ms  {sql}")
    print(f"content queue   100 items: {queries_small:>2} queries, median {time_small * 1000:7.1f} ms")
    print(f"content queue 10000 items: {queries_large:>2} queries, median {time_large * 1000:7.1f} ms")
    print(f"queries equal: {queries_small == queries_large}  (goal: equal and <= 12)")
    print(f"time ratio 10000/100: {time_large / time_small:.2f}  (goal <= 1.5)")


if __name__ == "__main__":
    main()
