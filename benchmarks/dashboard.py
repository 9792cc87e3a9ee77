"""Benchmark: the overview dashboard for an account with 100 and with 10,000 offers.

Prints the SQL queries of each (must be equal and at most 12) and the time ratio 10,000/100 (goal <= 1.5),
measured in this one run against PostgreSQL (BENCH_DATABASE_URL, default the local portal_bench database).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
os.environ.setdefault("SECRET_KEY", "benchmark")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["SECURE_SSL_REDIRECT"] = "false"
os.environ["DEBUG"] = "false"

import django


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

    from accounts.models import Membership
    from offers.models import Offer, OfferPage
    from tests.factories import MembershipFactory

    override_settings(
        ALLOWED_HOSTS=["*"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    call_command("migrate", verbosity=0)

    def account_with(n):
        membership = MembershipFactory(role=Membership.Role.OWNER)
        types = ["saas", "azure_application", "azure_vm", "consulting"]
        offers = Offer.objects.bulk_create(
            Offer(account=membership.account, offer_type=types[i % 4], offer_id=f"offer-{i}", alias=f"Offer {i}")
            for i in range(n)
        )
        OfferPage.objects.bulk_create(
            OfferPage(offer=o, key="offer_listing", data={"name": f"Listing {o.offer_id}"}) for o in offers
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have: the planner needs the new row counts
        return membership

    def measure(membership, rounds=15):
        client = Client()
        client.force_login(membership.user)
        assert client.get("/dashboard/").status_code == 200  # warm up
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
            client.get("/dashboard/")
        timings = []
        for _ in range(rounds):
            start = time.perf_counter()
            response = client.get("/dashboard/")
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200
        return len(queries), statistics.median(timings)

    small, large = account_with(100), account_with(10_000)
    queries_small, time_small = measure(small)
    queries_large, time_large = measure(large)
    print(f"dashboard   100 offers: {queries_small:>2} queries, median {time_small * 1000:7.1f} ms")
    print(f"dashboard 10000 offers: {queries_large:>2} queries, median {time_large * 1000:7.1f} ms")
    print(f"queries equal: {queries_small == queries_large}  (goal: equal and <= 12)")
    print(f"time ratio 10000/100: {time_large / time_small:.2f}  (goal <= 1.5)")
    Offer.objects.filter(account__in=[small.account, large.account]).delete()


if __name__ == "__main__":
    main()
