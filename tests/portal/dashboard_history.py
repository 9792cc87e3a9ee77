"""A seeded history for the admin dashboard's tests, browser test and benchmark: ``n`` submissions over 28 days.

Rows are made with bulk_create (10,000 submissions in seconds); the figures the dashboard must show are returned
beside them, computed from the same rules, so tests compare the page with what was seeded.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from certification.models import Finding, Phase, Policy, PolicySection, ReviewItem, Step, Submission
from offers.models import Offer, OfferEvent, OfferSnapshot
from outbox.models import OutboxMessage
from tests.factories import PublisherAccountFactory

# Submission i: its state, its offer's status (one rule, read by the seed and by the expectations).
SHAPES = [
    (Submission.State.COMPLETED, Offer.Status.LIVE),
    (Submission.State.FAILED, Offer.Status.ATTENTION_NEEDED),
    (Submission.State.WAITING_REVIEW, Offer.Status.PUBLISH_IN_PROGRESS),
    (Submission.State.RUNNING, Offer.Status.PUBLISH_IN_PROGRESS),
    (Submission.State.COMPLETED, Offer.Status.LIVE),
]
FINISHED = (Submission.State.COMPLETED, Submission.State.FAILED)
FINDING_CODE = "listing.name_missing"
CHECK_KEY = "content_check"
DRAFTS = 3  # offers never submitted
OUTBOX_PENDING, OUTBOX_FAILED = 3, 2


@dataclass
class Seeded:
    submissions: int
    offers_by_status: Counter = field(default_factory=Counter)
    open_reviews: int = 0
    overdue_reviews: int = 0
    decisions: int = 0
    check_runs: int = 0
    check_failures: int = 0
    given_up: int = 0
    redriven: int = 0
    running: int = 0


def history_seed(n: int, reviewer, *, now=None, tag: str = "") -> Seeded:
    """Create ``n`` submissions spread over the last 28 days, with their steps, reviews and findings."""
    now = now or timezone.now()
    tag = tag or f"{n}-{now.timestamp():.0f}"
    account = PublisherAccountFactory()
    section, _ = PolicySection.objects.get_or_create(number="900", defaults={"title": "Seeded"})
    policy, _ = Policy.objects.get_or_create(
        number="900.1", defaults={"section": section, "title": "Name", "gist": "Say what it is."}
    )
    seeded = Seeded(submissions=n)
    offers = Offer.objects.bulk_create(
        Offer(
            account=account,
            offer_type="consulting",
            offer_id=f"h-{tag}-{i}",
            alias=f"History {i}",
            status=SHAPES[i % 5][1] if i < n else Offer.Status.DRAFT,
        )
        for i in range(n + DRAFTS)
    )
    seeded.offers_by_status = Counter(o.status for o in offers)
    offers = offers[:n]
    snapshots = OfferSnapshot.objects.bulk_create(
        OfferSnapshot(offer=o, data={"pages": {}}, content_hash="x") for o in offers
    )
    # Days 1 to 27 before today, at 09:00 local: inside the 28-day window whatever the time of day now.
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    created = [midnight - timedelta(days=1 + i % 27) + timedelta(hours=9) for i in range(n)]
    submissions = Submission.objects.bulk_create(
        Submission(
            offer=o,
            number=1,
            snapshot=s,
            origin_status="draft",
            state=SHAPES[i % 5][0],
            finished_at=created[i] + timedelta(hours=3) if SHAPES[i % 5][0] in FINISHED else None,
        )
        for i, (o, s) in enumerate(zip(offers, snapshots, strict=True))
    )
    for day in range(27):  # auto_now_add: move each day's rows back in a query per day, not per row
        Submission.objects.filter(pk__in=[s.pk for i, s in enumerate(submissions) if i % 27 == day]).update(
            created_at=created[day]
        )
    steps, reviews = [], []
    for i, submission in enumerate(submissions):
        state = submission.state
        began = created[i]
        check_state = {
            Submission.State.FAILED: Step.State.FAILED,
            Submission.State.RUNNING: Step.State.RUNNING,
        }.get(state, Step.State.SUCCEEDED)
        steps.append(
            Step(
                submission=submission,
                order=1,
                phase=Phase.AUTOMATED_VALIDATION,
                key=CHECK_KEY,
                name="Content check",
                state=check_state,
                attempts=1,
                started_at=began,
                heartbeat_at=began,
                finished_at=None if check_state == Step.State.RUNNING else began + timedelta(minutes=10),
            )
        )
        if check_state != Step.State.RUNNING:
            seeded.check_runs += 1
            seeded.check_failures += check_state == Step.State.FAILED
        if state in (Submission.State.WAITING_REVIEW, Submission.State.COMPLETED):
            steps.append(
                Step(
                    submission=submission,
                    order=2,
                    phase=Phase.CERTIFICATION,
                    key="content_review",
                    name="Content review",
                    state=Step.State.WAITING if state == Submission.State.WAITING_REVIEW else Step.State.SUCCEEDED,
                    started_at=began + timedelta(minutes=10),
                    finished_at=None if state == Submission.State.WAITING_REVIEW else began + timedelta(hours=2),
                )
            )
        seeded.running += state in Submission.ACTIVE
    steps = Step.objects.bulk_create(steps)
    for step in steps:
        if step.order != 2:
            continue
        arrived = step.started_at
        open_item = step.state == Step.State.WAITING
        due = arrived + timedelta(days=3)
        reviews.append(
            ReviewItem(
                submission=step.submission,
                step=step,
                level=ReviewItem.Level.CONTENT,
                state=ReviewItem.State.OPEN if open_item else ReviewItem.State.APPROVED,
                arrived_at=arrived,
                queued_since=arrived,
                due_at=due,
                decided_by=None if open_item else reviewer,
                decided_at=None if open_item else step.finished_at,
            )
        )
        if open_item:
            seeded.open_reviews += 1
            seeded.overdue_reviews += due < now
        else:
            seeded.decisions += 1
    ReviewItem.objects.bulk_create(reviews)
    failed = [s for s in steps if s.state == Step.State.FAILED]
    Finding.objects.bulk_create(
        Finding(submission=s.submission, step=s, code=FINDING_CODE, policy=policy, message="No name.") for s in failed
    )
    given_up = failed[::10]
    Finding.objects.bulk_create(
        Finding(
            submission=s.submission,
            step=s,
            code="system.step_failed",
            source=Finding.Source.SYSTEM,
            message="Our side.",
        )
        for s in given_up
    )
    seeded.given_up = len(given_up)
    redriven = offers[::10]
    OfferEvent.objects.bulk_create(
        OfferEvent(offer=o, kind="redriven", internal=True, message="Re-driven by the watchdog: idle") for o in redriven
    )
    seeded.redriven = len(redriven)
    OutboxMessage.objects.bulk_create(
        [
            *(OutboxMessage(key=f"{tag}:pending:{k}", subject="Pending") for k in range(OUTBOX_PENDING)),
            *(
                OutboxMessage(key=f"{tag}:failed:{k}", subject="Failed", state=OutboxMessage.State.FAILED)
                for k in range(OUTBOX_FAILED)
            ),
        ]
    )
    return seeded
