"""Expected finishes (issue 13): ranges from the portal's own history, computed by the beat job at a flat cost,
"no recent data" without history, overdue items first and the operators' alert once."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certification.forecasts import business_time_after, forecasts_refresh, submission_forecast
from certification.models import Forecast, ReviewItem, Step, Submission
from certification.notifications import notify_overdue_due
from certification.operations import staff_groups_ensure
from certification.reviews import business_days_after, review_queue
from offers.models import Offer, OfferSnapshot
from outbox.models import OutboxMessage
from tests.certification.test_reviews_queue import review_item_make, snapshot_data
from tests.factories import PublisherAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _history(level: str, decisions: int, reviewers: list, *, days: int = 20) -> None:
    """Seed ``decisions`` decided items of the level over the last ``days`` days, shared among the reviewers."""
    now = timezone.now()
    for n in range(decisions):
        by = reviewers[n % len(reviewers)]
        decided = now - timedelta(days=days * (n + 1) / (decisions + 1))
        item = review_item_make(level=level, state=ReviewItem.State.APPROVED, arrived_at=decided - timedelta(hours=5))
        ReviewItem.objects.filter(pk=item.pk).update(
            decided_by=by, decided_at=decided, claimed_by=by, claimed_at=decided - timedelta(hours=1)
        )


def _eta(item: ReviewItem):
    forecast = submission_forecast([item.step], item)
    return item.step.eta, forecast


def test_without_history_a_review_shows_no_recent_data():
    item = review_item_make()
    forecasts_refresh()

    eta, forecast = _eta(item)

    assert eta.no_data
    assert "no recent data" in eta.basis
    assert forecast.low is None


def test_with_history_a_review_shows_a_range_and_its_basis():
    reviewers = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    _history(ReviewItem.Level.CONTENT, 37, reviewers, days=6)  # within the last week: both reviewers are active
    item = review_item_make()
    forecasts_refresh()

    eta, forecast = _eta(item)

    assert eta.basis == "based on 37 reviews in the last 28 days"
    assert timezone.now() < eta.low < eta.high
    assert (forecast.low, forecast.high) == (eta.low, eta.high)


def test_the_range_follows_the_throughput():
    reviewers = [UserFactory(is_staff=True)]
    _history(ReviewItem.Level.CONTENT, 10, reviewers, days=6)
    for _ in range(5):
        review_item_make()
    last = review_item_make()
    forecasts_refresh()
    slow, _ = _eta(last)

    _history(ReviewItem.Level.CONTENT, 30, reviewers, days=6)  # four times the decisions
    forecasts_refresh()
    fast, _ = _eta(last)

    assert fast.high < slow.high
    assert fast.low < slow.low


def test_more_items_ahead_means_a_later_range():
    _history(ReviewItem.Level.CONTENT, 20, [UserFactory(is_staff=True)], days=6)
    first = review_item_make(arrived_at=timezone.now() - timedelta(hours=2))
    for _ in range(10):
        review_item_make(arrived_at=timezone.now() - timedelta(hours=1))
    last = review_item_make()
    forecasts_refresh()

    assert _eta(first)[0].high < _eta(last)[0].high


def test_an_automated_step_shows_the_range_of_its_measured_durations():
    offer = Offer.objects.create(
        account=PublisherAccountFactory(), offer_type="consulting", offer_id="timed", alias="t"
    )
    snapshot = OfferSnapshot.objects.create(offer=offer, data=snapshot_data(offer), content_hash="timed")
    now = timezone.now()
    for n, seconds in enumerate([10, 20, 30, 40, 100]):
        submission = Submission.objects.create(
            offer=offer, number=n + 1, snapshot=snapshot, origin_status="draft", state=Submission.State.COMPLETED
        )
        Step.objects.create(
            submission=submission,
            order=1,
            phase="automated_validation",
            key="schema",
            name="Schema",
            state=Step.State.SUCCEEDED,
            started_at=now - timedelta(hours=1, seconds=seconds),
            finished_at=now - timedelta(hours=1),
        )
    pending = Step(phase="automated_validation", key="schema", name="Schema", state=Step.State.PENDING, order=1)
    forecasts_refresh()

    forecast = submission_forecast([pending], None, now=now)

    assert pending.eta.basis == "based on 5 recent runs"
    assert pending.eta.low == now + timedelta(seconds=30)  # the median
    assert pending.eta.high == now + timedelta(seconds=100)  # the 90th percentile (nearest rank)
    assert forecast.high == pending.eta.high


def test_a_step_without_history_shows_its_typical_duration_and_no_recent_data():
    pending = Step(phase="automated_validation", key="x", name="X", typical="2 min", state=Step.State.PENDING, order=1)

    submission_forecast([pending], None)

    assert pending.eta.basis == "typically 2 min, no recent data"


def _bulk_queue(n: int) -> None:
    """Put ``n`` open items in the content queue in a few statements."""
    account = PublisherAccountFactory()
    start = next(_numbers) * 100_000
    offers = Offer.objects.bulk_create(
        [Offer(account=account, offer_type="consulting", offer_id=f"bulk-{start + i}", alias="b") for i in range(n)]
    )
    snapshot = OfferSnapshot.objects.create(offer=offers[0], data=snapshot_data(offers[0]), content_hash=f"b{start}")
    submissions = Submission.objects.bulk_create(
        [
            Submission(offer=o, number=1, snapshot=snapshot, origin_status="draft", state="waiting_review")
            for o in offers
        ]
    )
    steps = Step.objects.bulk_create(
        [
            Step(submission=s, order=1, phase="certification", key="content_review", name="c", state="waiting")
            for s in submissions
        ]
    )
    now = timezone.now()
    ReviewItem.objects.bulk_create(
        [
            ReviewItem(
                submission=s,
                step=st,
                level="content",
                arrived_at=now,
                queued_since=now - timedelta(seconds=i),
                due_at=business_days_after(now, 3),
            )
            for i, (s, st) in enumerate(zip(submissions, steps, strict=True))
        ]
    )


def test_the_beat_job_runs_the_same_queries_for_10_and_10000_queued_items():
    _history(ReviewItem.Level.CONTENT, 5, [UserFactory(is_staff=True)], days=6)
    _bulk_queue(10)
    with CaptureQueriesContext(connection) as few:
        forecasts_refresh()
    _bulk_queue(9_990)
    with CaptureQueriesContext(connection) as many:
        forecasts_refresh()

    assert len(many.captured_queries) == len(few.captured_queries)
    open_items = ReviewItem.objects.filter(state=ReviewItem.State.OPEN).select_related("step")
    first, last = open_items.order_by("queued_since", "pk").first(), open_items.order_by("-queued_since", "-pk").first()
    places = Forecast.objects.get(key="queue:content").data["places"]
    assert (places[str(first.pk)], places[str(last.pk)]) == (0, 9_999)
    with CaptureQueriesContext(connection) as read:
        _eta(last)
    assert len(read.captured_queries) == 1  # the overview reads one stored row, whatever the queue holds


# -- due dates: overdue first, and the operators' alert once ---------------------------------------------------------


def test_overdue_items_come_first_in_the_queue():
    now = timezone.now()
    older = review_item_make(arrived_at=now - timedelta(days=1))
    overdue = review_item_make(arrived_at=now - timedelta(days=8))
    ReviewItem.objects.filter(pk=overdue.pk).update(queued_since=now)  # its place is later, but it is past due

    assert list(review_queue(ReviewItem.Level.CONTENT)) == [overdue, older]


def test_an_overdue_item_alerts_the_operators_once():
    UserFactory(is_staff=True, is_superuser=True, email="ops@portal.example")
    item = review_item_make(arrived_at=timezone.now() - timedelta(days=8))
    review_item_make()  # not yet due

    assert notify_overdue_due() == 1
    assert notify_overdue_due() == 0

    alert = OutboxMessage.objects.get(key=f"review:{item.pk}:overdue")
    assert alert.recipients == ["ops@portal.example"]
    item.refresh_from_db()
    assert item.overdue_alerted_at is not None


def test_the_admin_index_shows_the_overdue_items_of_each_queue(client):
    reviewer = UserFactory(is_staff=True)
    reviewer.groups.add(staff_groups_ensure()["Reviewers"])
    client.force_login(reviewer)
    review_item_make(arrived_at=timezone.now() - timedelta(days=8))
    review_item_make()

    page = client.get("/admin/").content.decode()

    assert 'data-testid="queue-overdue-contentreviewitem">1 overdue<' in page


def test_the_admin_queue_lists_overdue_items_first(client):
    reviewer = UserFactory(is_staff=True)
    reviewer.groups.add(staff_groups_ensure()["Reviewers"])
    client.force_login(reviewer)
    now = timezone.now()
    older = review_item_make(arrived_at=now - timedelta(days=1))
    overdue = review_item_make(arrived_at=now - timedelta(days=8))
    ReviewItem.objects.filter(pk=overdue.pk).update(queued_since=now)

    response = client.get("/admin/certification/contentreviewitem/")

    assert [item.pk for item in response.context["cl"].result_list] == [overdue.pk, older.pk]


@pytest.mark.parametrize("days", [0, 1, 3, 4, 5, 6, 11, 23])
def test_business_time_after_skips_weekends_like_the_due_date(days):
    thursday = timezone.now().replace(year=2026, month=11, day=19, hour=15, minute=30)

    assert business_time_after(thursday, days) == business_days_after(thursday, days)
