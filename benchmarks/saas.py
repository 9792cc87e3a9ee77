"""Benchmark: the SaaS Fulfillment and Metering APIs against an authenticated trivial API call on the same server.

Measures, in this one run against PostgreSQL (BENCH_DATABASE_URL, default the local portal_bench_saas database):
resolve + activate of 50 new subscriptions, and 1,000 usage events sent in batches of 25, each against
``GET /api/saas/ping`` (the same bearer token check, nothing else). Prints medians, SQL queries and the ratios.
"""

import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_saas"
)
os.environ.setdefault("SECRET_KEY", "benchmark")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["SECURE_SSL_REDIRECT"] = "false"
os.environ["DEBUG"] = "false"

import django

V = "?api-version=2018-08-31"
SUBSCRIPTIONS = 50
EVENTS = 1_000
BATCH = 25


def _ensure_database():
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main():
    _ensure_database()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    override_settings(
        ALLOWED_HOSTS=["*"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    call_command("migrate", verbosity=0)

    from saas.services import marketplace_token, subscription_activate
    from tests.factories import UserFactory
    from tests.saas.support import saas_offer, secret_for, subscription_for
    from tests.storefront.factories import APP_ID

    offer = saas_offer()
    customer = UserFactory()
    client = Client()
    answer = client.post(
        "/api/oauth2/token",
        {"grant_type": "client_credentials", "client_id": APP_ID, "client_secret": secret_for(offer)},
    )
    auth = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def timed(call) -> float:
        start = time.perf_counter()
        call()
        return time.perf_counter() - start

    def queries_of(call) -> int:
        seen = []
        with connection.execute_wrapper(lambda execute, sql, *args: seen.append(sql) or execute(sql, *args)):
            call()
        return len(seen)

    def ping():
        assert client.get(f"/api/saas/ping{V}", headers=auth).status_code == 200

    ping()  # warm up
    trivial = [timed(ping) for _ in range(200)]

    pending = [subscription_for(offer, customer) for _ in range(SUBSCRIPTIONS)]

    def resolve_activate(subscription):
        def run():
            resolved = client.post(
                f"/api/saas/subscriptions/resolve{V}",
                headers={**auth, "x-ms-marketplace-token": marketplace_token(subscription)},
            )
            assert resolved.status_code == 200
            activated = client.post(
                f"/api/saas/subscriptions/{subscription.pk}/activate{V}",
                data=json.dumps({"planId": "standard", "quantity": 1}),
                content_type="application/json",
                headers=auth,
            )
            assert activated.status_code == 200

        return run

    resolve_queries = queries_of(resolve_activate(pending[0]))
    lifecycle = [timed(resolve_activate(s)) for s in pending[1:]]

    metered = [
        subscription_activate(subscription=subscription_for(offer, customer), plan_id="standard", quantity=1)
        for _ in range(EVENTS // 20)
    ]
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    events = [
        {
            "resourceId": str(metered[n % len(metered)].pk),
            "planId": "standard",
            "dimension": "api-calls",
            "quantity": 1 + n % 7,
            "effectiveStartTime": (base - timedelta(hours=n // len(metered))).isoformat(),
        }
        for n in range(EVENTS)
    ]

    def send(batch):
        def run():
            answer = client.post(
                f"/api/batchUsageEvent{V}", data=json.dumps(batch), content_type="application/json", headers=auth
            )
            assert answer.status_code == 200
            assert {r["status"] for r in answer.json()} == {"Accepted"}, answer.json()

        return run

    batches = [events[i : i + BATCH] for i in range(0, EVENTS, BATCH)]
    batch_queries = queries_of(send(batches[0]))
    start = time.perf_counter()
    per_batch = [timed(send(batch)) for batch in batches[1:]]
    total = time.perf_counter() - start

    floor = statistics.median(trivial)
    pair = statistics.median(lifecycle)
    batch = statistics.median(per_batch)
    print(f"trivial authenticated call (GET /api/saas/ping): median {floor * 1000:6.2f} ms")
    print(f"resolve + activate: median {pair * 1000:6.2f} ms, {resolve_queries} queries; ratio {pair / floor:.1f}")
    print(
        f"metering: {EVENTS} events in {len(batches)} batches of {BATCH}: batch median {batch * 1000:6.2f} ms, "
        f"{batch_queries} queries a batch; {EVENTS - BATCH} events in {total:.2f} s "
        f"({(EVENTS - BATCH) / total:.0f} events/s); per event {batch / BATCH / floor:.2f}x the trivial call"
    )
    offer.saas_subscriptions.all().delete()


if __name__ == "__main__":
    main()
