"""Benchmark: the admin dashboard (the admin index, as an operator) with 100 and with 10,000 submissions.

Seeds the history of tests/portal/dashboard_history.py (submissions over 28 days, their steps, reviews, findings),
lets the daily-figures job run as beat would, then prints the SQL queries of each size (must be equal) and the time
ratio 10,000/100, measured in this one run against PostgreSQL (BENCH_DATABASE_URL, default the local
portal_bench_admin_dashboard database).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_admin_dashboard"
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
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    override_settings(
        ALLOWED_HOSTS=["*"],
        STAFF_MFA_REQUIRED=False,  # the benchmark measures the dashboard, not the second factor
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    call_command("migrate", verbosity=0)

    from portal.figures import daily_figures_refresh
    from tests.factories import UserFactory
    from tests.portal.dashboard_history import history_seed

    operator = UserFactory(is_staff=True)
    operator.groups.add(Group.objects.get(name="Operators"))

    def seed(n, tag):
        history_seed(n, operator, tag=tag)
        daily_figures_refresh(days=28)  # as beat keeps them
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have: the planner needs the new row counts

    def measure(rounds=15):
        client = Client()
        client.force_login(operator)
        assert client.get("/admin/").status_code == 200  # warm up
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
            client.get("/admin/")
        timings = []
        for _ in range(rounds):
            start = time.perf_counter()
            assert client.get("/admin/").status_code == 200
            timings.append(time.perf_counter() - start)
        return len(queries), statistics.median(timings)

    seed(100, "small")
    queries_small, time_small = measure()
    seed(9_900, "large")
    queries_large, time_large = measure()
    print(f"admin dashboard   100 submissions: {queries_small:>2} queries, median {time_small * 1000:7.1f} ms")
    print(f"admin dashboard 10000 submissions: {queries_large:>2} queries, median {time_large * 1000:7.1f} ms")
    print(f"queries equal: {queries_small == queries_large}")
    print(f"time ratio 10000/100: {time_large / time_small:.2f}  (goal <= 1.5)")


if __name__ == "__main__":
    main()
