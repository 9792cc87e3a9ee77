"""Benchmark: the storefront catalogue with 100 and with 10,000 live offers.

Prints the SQL queries of the catalogue page, of a search and of a filtered page (each must be equal for both
sizes and at most 12) and the time ratio 10,000/100 (goal <= 1.5), measured in this one run against PostgreSQL
(BENCH_DATABASE_URL, default the local portal_bench_storefront database: the catalogue is global, so it gets a
database of its own rather than sharing one with the other benchmarks).
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_storefront"
)
os.environ.setdefault("SECRET_KEY", "benchmark")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["SECURE_SSL_REDIRECT"] = "false"
os.environ["DEBUG"] = "false"

import django

BENCH_ACCOUNT = "Storefront benchmark"
TYPES = ["saas", "azure_application", "azure_vm", "consulting"]
CATEGORIES = ["Analytics", "Productivity", "Security", "Databases", "Developer Tools"]
WORDS = ["ledger", "insight", "secure", "gateway", "planner", "migration", "monitor", "backup", "payroll", "vision"]


def _ensure_database():
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _snapshot(offer, n: int) -> dict:
    word = WORDS[n % len(WORDS)]
    plans = []
    if offer.offer_type == "saas":
        plans = [
            {
                "plan_id": "standard",
                "status": "live",
                "data": {"name": "Standard", "billing_terms": ["P1M"], "price_p1m": f"{10 + n % 90}.00"},
            }
        ]
    return {
        "version": 1,
        "offer": {"id": offer.pk, "offer_id": offer.offer_id, "alias": offer.alias, "type": offer.offer_type},
        "account": {"id": offer.account_id},
        "pages": {
            "offer_listing": {
                "name": f"Contoso {word.title()} {n}",
                "search_results_summary": f"The {word} everyone needs, edition {n}.",
                "description": "<p>A benchmark offer.</p>",
                "search_keyword_1": word,
            },
            "offer_setup": {"sell_through_microsoft": True},
            "properties": {"categories": [CATEGORIES[n % len(CATEGORIES)]]},
        },
        "plans": plans,
        "files": {},
        "storefronts": ["azure_marketplace", "appsource"] if n % 2 else ["azure_marketplace"],
        "requires_testing": False,
    }


def _add_live_offers(account, start: int, count: int) -> None:
    """Insert ``count`` Live offers with their live snapshots in bulk (and a draft for every tenth)."""
    from django.utils import timezone

    from offers.models import Offer, OfferSnapshot

    offers = Offer.objects.bulk_create(
        Offer(
            account=account,
            offer_type=TYPES[n % 4],
            offer_id=f"bench-{n}",
            alias=f"Bench {n}",
            status=Offer.Status.LIVE if n % 10 else Offer.Status.DRAFT,
        )
        for n in range(start, start + count)
    )
    live = [offer for offer in offers if offer.status == Offer.Status.LIVE]
    snapshots = OfferSnapshot.objects.bulk_create(
        OfferSnapshot(offer=offer, data=_snapshot(offer, start + i), content_hash=f"{offer.pk:064d}")
        for i, offer in enumerate(live)
    )
    for offer, snapshot in zip(live, snapshots, strict=True):
        offer.live_snapshot = snapshot
    Offer.objects.bulk_update(live, ["live_snapshot"], batch_size=2000)
    # Steady state: the offers were published a while ago (a recent change makes every visit re-check every
    # row until it settles; that full check is timed separately below).
    Offer.objects.filter(pk__in=[o.pk for o in offers]).update(updated_at=timezone.now() - timedelta(days=1))


def _measure(client, path: str, rounds: int = 15) -> tuple[int, float]:
    from django.db import connection

    assert client.get(path).status_code == 200  # warm up (and write the search rows of new offers)
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        client.get(path)
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    return len(queries), statistics.median(timings)


def main():
    _ensure_database()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from offers.models import Offer
    from storefront.services import catalogue_sync, catalogue_sync_all
    from tests.factories import PublisherAccountFactory, UserFactory

    override_settings(
        ALLOWED_HOSTS=["*"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    call_command("migrate", verbosity=0)
    Offer.objects.filter(account__name=BENCH_ACCOUNT).delete()  # leftovers of an interrupted run
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM offers_offer WHERE live_snapshot_id IS NOT NULL")
        if cursor.fetchone()[0]:
            print("note: the database holds other live offers; they are counted in both sizes")

    account = PublisherAccountFactory(name=BENCH_ACCOUNT)
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(UserFactory())
    paths = {
        "catalogue": "/marketplace/",
        "search": "/marketplace/?q=ledger",
        "filtered": "/marketplace/?category=Analytics&storefront=appsource&page=2",
    }

    results = {}
    for size, start, count in ((100, 0, 100), (10_000, 100, 9_900)):
        _add_live_offers(account, start, count)
        started = time.perf_counter()
        written = catalogue_sync()
        sync_seconds = time.perf_counter() - started
        started = time.perf_counter()
        catalogue_sync_all()
        check_seconds = time.perf_counter() - started
        print(
            f"{size:>6} offers: wrote {written} search rows in {sync_seconds * 1000:.0f} ms; "
            f"a full check with nothing to write takes {check_seconds * 1000:.1f} ms"
        )
        for label, path in paths.items():
            results[(size, label)] = _measure(anonymous, path)
        results[(size, "signed-in")] = _measure(signed_in, paths["catalogue"])

    ok = True
    for label in [*paths, "signed-in"]:
        (q_small, t_small), (q_large, t_large) = results[(100, label)], results[(10_000, label)]
        ratio = t_large / t_small
        equal = q_small == q_large and q_large <= 12
        ok = ok and equal
        print(
            f"{label:<10} 100: {q_small:>2} queries {t_small * 1000:6.1f} ms | "
            f"10000: {q_large:>2} queries {t_large * 1000:6.1f} ms | ratio {ratio:.2f} | queries equal: {equal}"
        )
    print("goal: queries equal and <= 12; time ratio 10000/100 <= 1.5 for the catalogue page")
    Offer.objects.filter(account=account).update(live_snapshot=None, preview_snapshot=None)
    Offer.objects.filter(account=account).delete()
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
