"""Benchmark: the API's offer list and a submission's status with 100 and with 10,000 offers in the account.

Prints the SQL queries of each request (must be equal at both sizes) and the time ratio 10,000/100, measured in
this one run against PostgreSQL (BENCH_DATABASE_URL, default the local portal_bench_api database).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_api")
os.environ.setdefault("SECRET_KEY", "benchmark")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["SECURE_SSL_REDIRECT"] = "false"
os.environ["DEBUG"] = "false"
os.environ["LOG_LEVEL"] = "WARNING"
os.environ["API_RATE_PER_TOKEN"] = "100000/min"  # the benchmark measures the requests, not the rate limit

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
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    override_settings(ALLOWED_HOSTS=["*"]).enable()
    call_command("migrate", verbosity=0)

    from accounts.models import Membership
    from accounts.tokens import api_token_create
    from certification.models import Finding, Step, Submission
    from certification.steps import STEPS
    from offers.models import Offer, OfferPage, OfferSnapshot
    from tests.factories import MembershipFactory

    owner = MembershipFactory(role=Membership.Role.OWNER)
    _token, raw = api_token_create(by=owner, name="benchmark", role=Membership.Role.OWNER)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT="application/json")
    watched = {}

    def add_offers(n, start):
        offers = Offer.objects.bulk_create(
            Offer(account_id=owner.account_id, offer_type="consulting", offer_id=f"o-{i}", alias=f"Offer {i}")
            for i in range(start, start + n)
        )
        OfferPage.objects.bulk_create(
            OfferPage(offer=o, key="offer_listing", data={"name": f"Listing {o.offer_id}"}) for o in offers
        )
        snapshots = OfferSnapshot.objects.bulk_create(OfferSnapshot(offer=o, data={}, content_hash="x") for o in offers)
        submissions = Submission.objects.bulk_create(
            Submission(offer=o, number=1, snapshot=s, origin_status="draft", state="waiting_review")
            for o, s in zip(offers, snapshots, strict=True)
        )
        steps = Step.objects.bulk_create(
            Step(submission=sub, order=i, phase=d.phase, key=d.key, name=str(d.name), state="succeeded")
            for sub in submissions
            for i, d in enumerate(STEPS)
        )
        Finding.objects.bulk_create(
            Finding(submission=st.submission, step=st, code="content.demo", message="A warning", severity="warning")
            for st in steps[:: len(STEPS)]
        )
        if "offer" not in watched:
            watched["offer"] = offers[0].pk
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have: the planner needs the new row counts

    def measure(url, rounds=15):
        assert client.get(url).status_code == 200  # warm: the token's last use is written at most once a minute
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
            assert client.get(url).status_code == 200
        timings = []
        for _ in range(rounds):
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            timings.append(time.perf_counter() - start)
        return len(queries), statistics.median(timings)

    urls = {
        "offer list": lambda: "/api/v1/offers/",
        "submission status": lambda: f"/api/v1/offers/{watched['offer']}/submissions/1/",
    }
    add_offers(100, 0)
    small = {name: measure(url()) for name, url in urls.items()}
    add_offers(9_900, 100)
    large = {name: measure(url()) for name, url in urls.items()}
    for name in urls:
        (q_small, t_small), (q_large, t_large) = small[name], large[name]
        print(f"{name:>17}   100 offers: {q_small:>2} queries, median {t_small * 1000:7.1f} ms")
        print(f"{name:>17} 10000 offers: {q_large:>2} queries, median {t_large * 1000:7.1f} ms")
        print(f"{name:>17} queries equal: {q_small == q_large}; time ratio 10000/100: {t_large / t_small:.2f}")


if __name__ == "__main__":
    main()
