"""Benchmark: every page that grows with the data, at 100 and at 10,000 items, over HTTP (benchmarks/harness).

Each size is its own database holding that many of everything a page lists: offers in the publisher's account (all
Live and in the catalogue, each with a listing page), events in one offer's history, and open items in the content
review queue. Prints (and writes to BENCH_OUTPUT, default var/bench/pages.md) one row per page: the SQL queries at
each size (equal, or marked ≠), min and median per size and the median ratio (goal ≤ 1.3).

    python benchmarks/pages.py            # BENCH_SIZES=100,10000 BENCH_ROUNDS=15
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness

PAGES = [
    "dashboard",
    "dashboard search (no match)",
    "dashboard filter",
    "overview (long history)",
    "history",
    "catalogue (settled)",
    "catalogue (after a draft save)",
    "catalogue search",
    "catalogue filter (category, storefront)",
    "catalogue (signed in)",
    "admin queue",
    "admin queue search (no match)",
]
TYPES = ["saas", "azure_application", "azure_vm", "consulting"]
THROUGHPUT_S = float(os.environ.get("BENCH_THROUGHPUT_SECONDS", "5"))
CATEGORIES = ["Analytics", "Productivity", "Security", "Databases"]  # one offer in 4: a full page (24) at 100
TIERS = ["starter", "team", "business", "enterprise"]  # a keyword of one offer in 4
WORDS = ["ledger", "insight", "secure", "gateway", "planner", "migration", "monitor", "backup", "payroll", "vision"]


def _snapshot(offer, n: int) -> dict:
    word = WORDS[n % len(WORDS)]
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
                "search_keyword_2": TIERS[n % len(TIERS)],
            },
            "offer_setup": {"sell_through_microsoft": True},
            "properties": {"categories": [CATEGORIES[n % len(CATEGORIES)]]},
        },
        "plans": [],
        "files": {},
        "storefronts": ["azure_marketplace", "appsource"] if n % 2 else ["azure_marketplace"],
        "requires_testing": False,
    }


def seed(n: int) -> dict:
    """Seed one size in the database of DATABASE_URL; return its pages, cookies and query counts."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Membership
    from certification.models import ReviewItem, Step, Submission
    from certification.operations import staff_groups_ensure
    from offers.models import Offer, OfferEvent, OfferPage, OfferSnapshot
    from storefront.services import catalogue_sync_all
    from tests.factories import MembershipFactory, PublisherAccountFactory, UserFactory

    call_command("migrate", verbosity=0)
    owner = MembershipFactory(role=Membership.Role.OWNER)
    now = timezone.now()
    offers = Offer.objects.bulk_create(
        Offer(
            account=owner.account,
            offer_type=TYPES[i % 4],
            offer_id=f"offer-{i}",
            alias=f"Offer {i}",
            status=Offer.Status.LIVE,
            search_text=f"offer-{i}\noffer {i}\ncontoso {WORDS[i % len(WORDS)]} {i}",
        )
        for i in range(n)
    )
    OfferPage.objects.bulk_create(
        OfferPage(offer=o, key="offer_listing", data={"name": f"Contoso {WORDS[i % len(WORDS)].title()} {i}"})
        for i, o in enumerate(offers)
    )
    snapshots = OfferSnapshot.objects.bulk_create(
        OfferSnapshot(offer=o, data=_snapshot(o, i), content_hash=f"{o.pk:064d}") for i, o in enumerate(offers)
    )
    for offer, snapshot in zip(offers, snapshots, strict=True):
        offer.live_snapshot = snapshot
    Offer.objects.bulk_update(offers, ["live_snapshot"], batch_size=2000)
    for i, offer in enumerate(offers):  # edited at different times, a while ago (the catalogue has settled)
        offer.updated_at = now - timedelta(days=1, minutes=i)
    Offer.objects.bulk_update(offers, ["updated_at"], batch_size=2000)
    catalogue_sync_all()
    storied = offers[0]
    OfferEvent.objects.bulk_create(
        OfferEvent(offer=storied, kind="page_saved", actor=owner.user, message=f"Saved the listing ({i})")
        for i in range(n)
    )

    queued_account = PublisherAccountFactory()
    queued = Offer.objects.bulk_create(
        Offer(
            account=queued_account,
            offer_type="consulting",
            offer_id=f"q-{i}",
            alias=f"Queued {i}",
            status=Offer.Status.PUBLISH_IN_PROGRESS,
            search_text=f"q-{i}\nqueued {i}\n",
        )
        for i in range(n)
    )
    queued_snapshots = OfferSnapshot.objects.bulk_create(
        OfferSnapshot(offer=o, data={"pages": {"offer_listing": {"name": o.alias}}}, content_hash="x") for o in queued
    )
    submissions = Submission.objects.bulk_create(
        Submission(offer=o, number=1, snapshot=s, origin_status="draft", state="waiting_review")
        for o, s in zip(queued, queued_snapshots, strict=True)
    )
    steps = Step.objects.bulk_create(
        Step(submission=s, order=1, phase="certification", key="content_review", name="Content review", state="waiting")
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
    reviewer = UserFactory(is_staff=True)
    reviewer.groups.add(staff_groups_ensure()["Reviewers"])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have: row counts, GIN pending lists flushed

    clients = {"owner": Client(), "reviewer": Client(), "anonymous": Client()}
    clients["owner"].force_login(owner.user)
    clients["reviewer"].force_login(reviewer)
    queue = reverse("admin:certification_contentreviewitem_changelist")
    pages = {
        "dashboard": ("owner", "/dashboard/"),
        "dashboard search (no match)": ("owner", "/dashboard/?q=zzqx"),
        "dashboard filter": ("owner", "/dashboard/?status=live&type=saas"),
        "overview (long history)": ("owner", reverse("certification:overview", args=[storied.pk])),
        "history": ("owner", reverse("certification:history", args=[storied.pk])),
        "catalogue (settled)": ("anonymous", "/marketplace/"),
        "catalogue (after a draft save)": ("anonymous", "/marketplace/?after=save"),
        # a full page of 24 at both sizes: one offer in 4 matches (25 of 100, 2,500 of 10,000)
        "catalogue search": ("anonymous", "/marketplace/?q=enterprise"),
        "catalogue filter (category, storefront)": (
            "anonymous",
            "/marketplace/?category=Analytics&storefront=azure_marketplace",
        ),
        "catalogue (signed in)": ("owner", "/marketplace/"),
        "admin queue": ("reviewer", queue),
        "admin queue search (no match)": ("reviewer", f"{queue}?q=zzqx"),
    }
    trivial = ("owner", reverse("certification-notices:list"))  # a signed-in page listing nothing: the floor
    described = {}
    with override_settings(ALLOWED_HOSTS=["*"], STAFF_MFA_REQUIRED=False, REAUTHENTICATION_REQUIRED=False):
        for name, (who, path) in pages.items():
            client = clients[who]
            assert client.get(path).status_code == 200, (name, path)
            with CaptureQueriesContext(connection) as captured:
                status = client.get(path).status_code
            described[name] = {"as": who, "path": path, "queries": len(captured), "status": status}
    described["trivial"] = {"as": trivial[0], "path": trivial[1], "queries": 0, "status": 200}
    cookies = {
        who: f"sessionid={c.cookies['sessionid'].value}" for who, c in clients.items() if "sessionid" in c.cookies
    }
    return {"pages": described, "cookies": cookies, "touch_offer": offers[-1].pk}


def main():
    import psycopg

    def draft_save(size):  # what a draft page save does to the offers table (offers.services.page_save)
        with psycopg.connect(size.database_url, autocommit=True) as conn:
            conn.execute("UPDATE offers_offer SET updated_at = now() WHERE id = %s", [size.seeded["touch_offer"]])

    def rates(sizes) -> str:
        small = sizes[0]
        rate = {
            page: harness.throughput(
                small.port, small.seeded["cookies"]["owner"], small.seeded["pages"][page]["path"], seconds=THROUGHPUT_S
            )
            for page in ("trivial", "dashboard")
        }
        return (
            f"Throughput at {small.n:,} offers, 4 concurrent keep-alive clients for {THROUGHPUT_S:.0f} s: the dashboard "
            f"{rate['dashboard']:.0f} requests/s, a signed-in trivial page (Notifications, empty) {rate['trivial']:.0f} "
            f"requests/s, ratio {rate['dashboard'] / rate['trivial']:.2f} (goal ≥ 0.5)."
        )

    text = harness.run(
        __file__, "portal_bench_pages", PAGES, before={"catalogue (after a draft save)": draft_save}, extra=rates
    )
    harness.section_write(
        harness.output_path("pages"),
        "Pages at 100 and 10,000 items",
        "Each size is its own database: that many offers in the publisher's account (Live, in the catalogue), events "
        "in one offer's history, open items in the content review queue (benchmarks/pages.py).\n\n" + text,
    )


if __name__ == "__main__":
    harness.script_main(seed, main)
