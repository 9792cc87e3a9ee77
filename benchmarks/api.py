"""Benchmark: the lists of the REST API and of the SaaS Fulfillment API, at 100 and at 10,000 items, over HTTP
(benchmarks/harness).

Each size is its own database holding that many of everything a list can show: offers in the publisher's account
(half Live, half drafts), submissions and events of one offer, subscriptions of one SaaS offer and operations of one
of its subscriptions (all done but two in progress, as an old subscription's would be). The REST API is called with
an API token of the account (accounts.tokens), the SaaS API with a bearer token from its OAuth endpoint
(/api/oauth2/token, client credentials). Prints (and writes to BENCH_OUTPUT, default var/bench/api.md) one row per
request: the SQL queries at each size (equal, or marked ≠), min and median per size and the median ratio (goal ≤ 1.3).

    python benchmarks/api.py            # BENCH_SIZES=100,10000 BENCH_ROUNDS=15
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness

REQUESTS = [
    "offers",
    "offers, status filter",
    "offers, search (no match)",
    "offers, search (1 in 10 match)",
    "offers, page 2 (cursor)",
    "offer's submissions",
    "a submission (steps, findings)",
    "offer's history",
    "SaaS ping (trivial)",
    "SaaS subscriptions",
    "SaaS subscription's operations",
]
WORDS = ["ledger", "insight", "secure", "gateway", "planner", "migration", "monitor", "backup", "payroll", "vision"]
V = "api-version=2018-08-31"
BATCH = 25  # usage events a metering batch sends


def seed(n: int) -> dict:
    """Seed one size in the database of DATABASE_URL; return its requests, API headers and query counts."""
    import django

    django.setup()
    import uuid

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from accounts.models import Membership
    from accounts.tokens import api_token_create
    from certification.models import Finding, Step, Submission
    from certification.steps import STEPS
    from offers.models import Offer, OfferEvent, OfferPage, OfferSnapshot
    from saas.models import Operation, Subscription
    from saas.services import marketplace_token
    from tests.factories import MembershipFactory, UserFactory
    from tests.saas.support import saas_offer, secret_for
    from tests.storefront.factories import APP_ID, TENANT_ID

    call_command("migrate", verbosity=0)
    now = timezone.now()
    owner = MembershipFactory(role=Membership.Role.OWNER)
    offers = Offer.objects.bulk_create(
        Offer(
            account=owner.account,
            offer_type="consulting",
            offer_id=f"bench-{i}",
            alias=f"Offer {i}",
            status=Offer.Status.LIVE if i % 2 else Offer.Status.DRAFT,
            search_text=f"bench-{i}\noffer {i}\ncontoso {WORDS[i % len(WORDS)]} {i}",
        )
        for i in range(n)
    )
    OfferPage.objects.bulk_create(
        OfferPage(offer=o, key="offer_listing", data={"name": f"Contoso {WORDS[i % len(WORDS)].title()} {i}"})
        for i, o in enumerate(offers)
    )
    for i, offer in enumerate(offers):  # edited at different times, as real ones are
        offer.updated_at = now - timedelta(days=1, minutes=i)
    Offer.objects.bulk_update(offers, ["updated_at"], batch_size=2000)

    storied = offers[0]  # n submissions (all finished), the newest with every step and a finding; n events
    snapshot = OfferSnapshot.objects.create(offer=storied, data={"pages": {}}, content_hash="x")
    submissions = Submission.objects.bulk_create(
        Submission(
            offer=storied,
            number=i + 1,
            snapshot=snapshot,
            origin_status="draft",
            state="completed",
            finished_at=now - timedelta(minutes=n - i),
        )
        for i in range(n)
    )
    steps = Step.objects.bulk_create(
        Step(submission=submissions[-1], order=i, phase=d.phase, key=d.key, name=str(d.name), state="succeeded")
        for i, d in enumerate(STEPS)
    )
    Finding.objects.bulk_create(
        Finding(submission=submissions[-1], step=st, code="content.demo", message="A warning", severity="warning")
        for st in steps
    )
    OfferEvent.objects.bulk_create(
        OfferEvent(offer=storied, kind="page_saved", actor=owner.user, message=f"Saved the listing ({i})")
        for i in range(n)
    )

    sold = saas_offer(owner.account)
    customer = UserFactory()
    subscriptions = Subscription.objects.bulk_create(
        Subscription(
            offer=sold,
            customer=customer,
            name=f"Subscription {i}",
            plan_id="standard",
            quantity=1,
            status=Subscription.Status.SUBSCRIBED,
            beneficiary_email=customer.email,
            tenant_id=TENANT_ID,
            term_unit="P1M",
            marketplace_token=uuid.uuid4().hex,
        )
        for i in range(n)
    )
    busy = subscriptions[0]
    Operation.objects.bulk_create(
        Operation(
            subscription=busy,
            action=Operation.Action.CHANGE_QUANTITY,
            plan_id="standard",
            quantity=1 + i % 50,
            status=Operation.Status.IN_PROGRESS if i >= n - 2 else Operation.Status.SUCCEEDED,
        )
        for i in range(n)
    )
    rounds = int(os.environ.get("BENCH_ROUNDS", "15"))
    pending = Subscription.objects.bulk_create(  # one for each resolve + activate: counted, warm-up, rounds
        Subscription(
            offer=sold,
            customer=customer,
            name=f"Pending {i}",
            plan_id="standard",
            beneficiary_email=customer.email,
            tenant_id=TENANT_ID,
            term_unit="P1M",
            marketplace_token=uuid.uuid4().hex,
        )
        for i in range(rounds + 2)
    )
    hour = now.replace(minute=0, second=0, microsecond=0)
    batches = [  # one for each batch sent: counted, warm-up, rounds; no two events in the same hour of a subscription
        [
            {
                "resourceId": str(subscriptions[(b * BATCH + j) % 50].pk),
                "planId": "standard",
                "dimension": "api-calls",
                "quantity": 1 + j % 7,
                "effectiveStartTime": (hour - timedelta(hours=1 + (b * BATCH + j) // 50)).isoformat(),
            }
            for j in range(BATCH)
        ]
        for b in range(rounds + 2)
    ]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have: row counts for the planner

    _token, raw = api_token_create(by=owner, name="benchmark", role=Membership.Role.OWNER)
    rest = {"Authorization": f"Bearer {raw}", "Accept": "application/json"}
    answer = Client().post(
        "/api/oauth2/token",
        {"grant_type": "client_credentials", "client_id": APP_ID, "client_secret": secret_for(sold)},
        headers={"host": "127.0.0.1"},  # a host the server's settings allow
    )
    saas = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    clients = {"publisher": Client(headers=rest), "saas": Client(headers=saas)}

    with override_settings(ALLOWED_HOSTS=["*"]):
        first_page = clients["publisher"].get("/api/v1/offers/").json()
    offers_next = first_page["next"].split("/api/v1/offers/", 1)[1]
    base = f"/api/v1/offers/{storied.pk}"
    requests = {
        "offers": ("publisher", "/api/v1/offers/"),
        "offers, status filter": ("publisher", "/api/v1/offers/?status=live"),
        "offers, search (no match)": ("publisher", "/api/v1/offers/?search=zzqx"),
        # a page of 10 rows at both sizes: 10 of 100 offers match, 1,000 of 10,000
        "offers, search (1 in 10 match)": ("publisher", "/api/v1/offers/?search=ledger&page_size=10"),
        "offers, page 2 (cursor)": ("publisher", f"/api/v1/offers/{offers_next}"),
        "offer's submissions": ("publisher", f"{base}/submissions/"),
        "a submission (steps, findings)": ("publisher", f"{base}/submissions/{n}/"),
        "offer's history": ("publisher", f"{base}/history/"),
        "SaaS ping (trivial)": ("saas", f"/api/saas/ping?{V}"),
        "SaaS subscriptions": ("saas", f"/api/saas/subscriptions?{V}"),
        "SaaS subscription's operations": ("saas", f"/api/saas/subscriptions/{busy.pk}/operations?{V}"),
    }
    described = {}
    with override_settings(ALLOWED_HOSTS=["*"]):
        for name, (who, path) in requests.items():
            client = clients[who]
            assert client.get(path).status_code == 200, (name, path)  # the token's last use is written then
            with CaptureQueriesContext(connection) as captured:
                status = client.get(path).status_code
            described[name] = {"as": who, "path": path, "queries": len(captured), "status": status}
        writes = [{"marketplace_token": marketplace_token(p), "id": str(p.pk)} for p in pending]
        with CaptureQueriesContext(connection) as captured:
            statuses = _resolve_activate(clients["saas"], writes.pop(0))
        assert statuses == (200, 200), statuses
        described["SaaS resolve + activate"] = {"as": "saas", "queries": len(captured), "status": 200}
        with CaptureQueriesContext(connection) as captured:
            sent = clients["saas"].post(f"/api/batchUsageEvent?{V}", batches.pop(0), content_type="application/json")
        assert {r["status"] for r in sent.json()} == {"Accepted"}, sent.json()
        described[f"metering, a batch of {BATCH} events"] = {"as": "saas", "queries": len(captured), "status": 200}
    return {"pages": described, "headers": {"publisher": rest, "saas": saas}, "writes": writes, "batches": batches}


def _resolve_activate(client, pending: dict) -> tuple[int, int]:
    """In process (the seed counts its queries): resolve a landing page token, then activate the subscription."""
    resolved = client.post(
        f"/api/saas/subscriptions/resolve?{V}", headers={"x-ms-marketplace-token": pending["marketplace_token"]}
    )
    activated = client.post(
        f"/api/saas/subscriptions/{pending['id']}/activate?{V}",
        {"planId": "standard", "quantity": 1},
        content_type="application/json",
    )
    return resolved.status_code, activated.status_code


def writes(sizes: list, rounds: int) -> str:
    """Time resolve + activate of a pending subscription and a metering batch at each size, interleaved as the
    harness does, with the seed's query counts; return their table."""
    import json
    import random

    names = ["SaaS resolve + activate", f"metering, a batch of {BATCH} events"]
    timings = {(size.n, name): [] for size in sizes for name in names}
    statuses = {}
    browsers = {size.n: harness.Browser(size.port, "", size.seeded["headers"]["saas"]) for size in sizes}
    json_type = {"Content-Type": "application/json"}

    def resolve_activate(size) -> tuple[float, int]:
        pending = size.seeded["writes"].pop(0)
        browser = browsers[size.n]
        first, status, _ = browser.request(
            "POST",
            f"/api/saas/subscriptions/resolve?{V}",
            headers={"x-ms-marketplace-token": pending["marketplace_token"]},
        )
        second, activated, _ = browser.request(
            "POST",
            f"/api/saas/subscriptions/{pending['id']}/activate?{V}",
            json.dumps({"planId": "standard", "quantity": 1}).encode(),
            json_type,
        )
        return first + second, max(status, activated)

    def batch(size) -> tuple[float, int]:
        body = json.dumps(size.seeded["batches"].pop(0)).encode()
        elapsed, status, _ = browsers[size.n].request("POST", f"/api/batchUsageEvent?{V}", body, json_type)
        return elapsed, status

    calls = dict(zip(names, [resolve_activate, batch], strict=True))
    for size in sizes:  # warm-up
        for call in calls.values():
            call(size)
    for _ in range(rounds):
        for name, call in calls.items():
            order = list(sizes)
            random.shuffle(order)
            for size in order:
                elapsed, status = call(size)
                timings[(size.n, name)].append(elapsed)
                statuses[(size.n, name)] = (status, 0)
    return harness.table(sizes, names, {"timings": timings, "statuses": statuses}, rounds, what="Write")


def main():
    # The benchmark measures the requests, not the rate limit (600 a minute a token by default).
    os.environ["API_RATE_PER_TOKEN"] = "100000/min"
    rounds = int(os.environ.get("BENCH_ROUNDS", "15"))
    text = harness.run(
        __file__, "portal_bench_api", REQUESTS, port_offset=4, what="Request", extra=lambda sizes: writes(sizes, rounds)
    )
    harness.section_write(
        harness.output_path("api"),
        "API lists at 100 and 10,000 items",
        "Each size is its own database: that many offers in the account, submissions and events of one offer, "
        "subscriptions of one SaaS offer and operations of one subscription; the REST API with an API token, the SaaS "
        "API with a bearer token from its OAuth endpoint (benchmarks/api.py).\n\n" + text,
    )


if __name__ == "__main__":
    harness.script_main(seed, main)
