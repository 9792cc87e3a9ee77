"""Reviewer queues: what is in them and in which order, due dates, claims that expire and their cap."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from certification.models import ContentReviewItem, ReviewItem, Step, Submission, TechnicalReviewItem
from certification.operations import staff_groups_ensure
from certification.reviews import (
    ReviewRefused,
    business_days_after,
    claim_active,
    queue_claimed_by_others,
    queue_mine,
    queue_overdue,
    queue_unclaimed,
    review_claim,
    review_decide,
    review_open_counts,
    review_queue,
    review_release,
    review_touch,
)
from offers.models import Offer, OfferSnapshot
from tests.factories import PublisherAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Members are created with passwords; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_numbers = itertools.count(1)

LEVEL_STEPS = {
    ReviewItem.Level.CONTENT: ("content_review", "Content validation: content review"),
    ReviewItem.Level.TECHNICAL: ("technical_review", "Technical validation: technical review"),
    ReviewItem.Level.ELIGIBILITY: ("eligibility", "Publisher business eligibility"),
}


def snapshot_data(offer: Offer, **listing) -> dict:
    return {
        "version": 1,
        "offer": {"id": offer.pk, "offer_id": offer.offer_id, "alias": offer.alias, "type": offer.offer_type},
        "account": {"id": offer.account_id},
        "pages": {
            "offer_listing": {
                "name": f"Listing of {offer.alias}",
                "search_results_summary": "A proof of concept in three weeks.",
                "description": "<p>What we deliver.</p>",
                **listing,
            }
        },
        "plans": [],
        "files": {},
        "storefronts": ["azure_marketplace"],
        "requires_testing": False,
    }


def review_item_make(
    *,
    level: str = ReviewItem.Level.CONTENT,
    account=None,
    offer: Offer | None = None,
    offer_type: str = "consulting",
    arrived_at: datetime | None = None,
    queued_since: datetime | None = None,
    resubmission: bool = False,
    claimed_by=None,
    claimed_at: datetime | None = None,
    state: str = ReviewItem.State.OPEN,
    number: int | None = None,
    listing: dict | None = None,
) -> ReviewItem:
    """Create an item waiting in a queue, with the fewest rows a queue needs (no pipeline run)."""
    n = next(_numbers)
    if offer is None:
        offer = Offer.objects.create(
            account=account or PublisherAccountFactory(),
            offer_type=offer_type,
            offer_id=f"queued-offer-{n}",
            alias=f"Queued offer {n}",
            status=Offer.Status.PUBLISH_IN_PROGRESS,
        )
    snapshot = OfferSnapshot.objects.create(
        offer=offer, data=snapshot_data(offer, **(listing or {})), content_hash=f"{n}"
    )
    waiting = state == ReviewItem.State.OPEN
    submission = Submission.objects.create(
        offer=offer,
        number=number or (offer.submissions.count() + 1),
        snapshot=snapshot,
        origin_status=Offer.Status.DRAFT,
        state=Submission.State.WAITING_REVIEW if waiting else Submission.State.FAILED,
    )
    key, name = LEVEL_STEPS[level]
    step = Step.objects.create(
        submission=submission,
        order=1,
        phase="certification",
        key=key,
        name=name,
        state=Step.State.WAITING if waiting else Step.State.SUCCEEDED,
    )
    arrived_at = arrived_at or timezone.now()
    return ReviewItem.objects.create(
        submission=submission,
        step=step,
        level=level,
        state=state,
        arrived_at=arrived_at,
        queued_since=queued_since or arrived_at,
        resubmission=resubmission,
        due_at=business_days_after(arrived_at, 3),
        claimed_by=claimed_by,
        claimed_at=claimed_at or (timezone.now() if claimed_by else None),
        last_activity_at=claimed_at or (timezone.now() if claimed_by else None),
    )


@pytest.fixture
def reviewer(db):
    user = UserFactory(is_staff=True, email="rita@portal.example", first_name="Rita", last_name="Reviewer")
    user.groups.add(staff_groups_ensure()["Reviewers"])
    return user


@pytest.fixture
def other_reviewer(db):
    user = UserFactory(is_staff=True, email="ravi@portal.example")
    user.groups.add(staff_groups_ensure()["Reviewers"])
    return user


# -- due dates ---------------------------------------------------------------------------------------------------


def test_an_item_arriving_on_thursday_is_due_on_tuesday_skipping_the_weekend():
    thursday = datetime(2026, 11, 19, 15, 30, tzinfo=UTC)
    due = business_days_after(thursday, 3)
    assert due == datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
    assert due.strftime("%A") == "Tuesday"


def test_an_item_arriving_on_saturday_starts_its_clock_on_monday():
    saturday = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    assert business_days_after(saturday, 3) == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday


def test_an_item_arriving_on_monday_is_due_on_thursday():
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert business_days_after(monday, 3) == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


# -- queue querysets and filters ----------------------------------------------------------------------------------


def test_a_queue_holds_only_the_open_items_of_its_level():
    content = review_item_make(level=ReviewItem.Level.CONTENT)
    technical = review_item_make(level=ReviewItem.Level.TECHNICAL)
    review_item_make(level=ReviewItem.Level.CONTENT, state=ReviewItem.State.APPROVED)
    review_item_make(level=ReviewItem.Level.CONTENT, state=ReviewItem.State.REJECTED)

    assert list(review_queue(ReviewItem.Level.CONTENT)) == [content]
    assert list(review_queue(ReviewItem.Level.TECHNICAL)) == [technical]
    assert set(ContentReviewItem.objects.values_list("level", flat=True)) == {"content"}
    assert list(TechnicalReviewItem.objects.values_list("pk", flat=True)) == [technical.pk]
    assert review_open_counts() == {"content": 1, "technical": 1, "eligibility": 0}


def test_a_resubmission_keeps_its_original_place_ahead_of_later_arrivals():
    now = timezone.now()
    early = review_item_make(arrived_at=now - timedelta(days=2))
    later = review_item_make(arrived_at=now - timedelta(hours=1))
    resubmitted = review_item_make(arrived_at=now, queued_since=now - timedelta(days=3), resubmission=True)

    assert list(review_queue(ReviewItem.Level.CONTENT)) == [resubmitted, early, later]


def test_the_mine_unclaimed_and_others_filters_split_the_queue(reviewer, other_reviewer):
    mine = review_item_make(claimed_by=reviewer)
    theirs = review_item_make(claimed_by=other_reviewer)
    free = review_item_make()
    queue = review_queue(ReviewItem.Level.CONTENT)

    assert list(queue_mine(queue, reviewer)) == [mine]
    assert list(queue_unclaimed(queue)) == [free]
    assert list(queue_claimed_by_others(queue, reviewer)) == [theirs]


def test_an_expired_claim_counts_as_unclaimed(reviewer, settings):
    settings.REVIEW_CLAIM_MINUTES = 30
    stale = review_item_make(claimed_by=reviewer, claimed_at=timezone.now() - timedelta(minutes=31))
    queue = review_queue(ReviewItem.Level.CONTENT)

    assert list(queue_unclaimed(queue)) == [stale]
    assert not queue_mine(queue, reviewer).exists()
    assert not claim_active(stale)


def test_the_overdue_filter_keeps_items_past_three_business_days():
    overdue = review_item_make(arrived_at=timezone.now() - timedelta(days=8))
    review_item_make()

    assert list(queue_overdue(review_queue(ReviewItem.Level.CONTENT))) == [overdue]


# -- claims -------------------------------------------------------------------------------------------------------


def test_claiming_an_item_held_by_someone_else_is_refused(reviewer, other_reviewer):
    item = review_item_make(claimed_by=other_reviewer)
    with pytest.raises(ReviewRefused):
        review_claim(item_id=item.pk, reviewer=reviewer)


def test_a_claim_expires_after_inactivity_and_another_reviewer_can_take_it_over(reviewer, other_reviewer, settings):
    settings.REVIEW_CLAIM_MINUTES = 20
    item = review_item_make(claimed_by=other_reviewer, claimed_at=timezone.now() - timedelta(minutes=21))

    review_claim(item_id=item.pk, reviewer=reviewer)

    item.refresh_from_db()
    assert item.claimed_by == reviewer
    assert claim_active(item)


def test_opening_a_claimed_item_keeps_the_claim_alive(reviewer, settings):
    settings.REVIEW_CLAIM_MINUTES = 20
    item = review_item_make(claimed_by=reviewer, claimed_at=timezone.now() - timedelta(minutes=15))

    assert review_touch(item_id=item.pk, reviewer=reviewer)

    item.refresh_from_db()
    assert item.last_activity_at > timezone.now() - timedelta(minutes=1)


def test_a_reviewer_holds_at_most_the_configured_number_of_claims(reviewer, settings):
    settings.REVIEW_MAX_CLAIMS = 2
    items = [review_item_make() for _ in range(3)]
    review_claim(item_id=items[0].pk, reviewer=reviewer)
    review_claim(item_id=items[1].pk, reviewer=reviewer)

    with pytest.raises(ReviewRefused, match="2 claims"):
        review_claim(item_id=items[2].pk, reviewer=reviewer)

    review_release(item_id=items[0].pk, reviewer=reviewer)
    review_claim(item_id=items[2].pk, reviewer=reviewer)
    assert set(queue_mine(review_queue("content"), reviewer)) == {items[1], items[2]}


def test_expired_claims_do_not_count_towards_the_cap(reviewer, settings):
    settings.REVIEW_MAX_CLAIMS = 1
    settings.REVIEW_CLAIM_MINUTES = 10
    review_item_make(claimed_by=reviewer, claimed_at=timezone.now() - timedelta(minutes=11))
    fresh = review_item_make()

    review_claim(item_id=fresh.pk, reviewer=reviewer)

    fresh.refresh_from_db()
    assert fresh.claimed_by == reviewer


def test_only_the_holder_can_release_a_claim(reviewer, other_reviewer):
    item = review_item_make(claimed_by=other_reviewer)
    with pytest.raises(ReviewRefused):
        review_release(item_id=item.pk, reviewer=reviewer)


def test_a_rejection_without_a_citation_is_refused_and_leaves_the_item_open(reviewer, policies):
    item = review_item_make(claimed_by=reviewer)
    with pytest.raises(ValidationError):
        review_decide(item_id=item.pk, decision="reject", by=reviewer, citations=[("", "notes without a policy")])
    item.refresh_from_db()
    assert item.state == ReviewItem.State.OPEN


def test_a_rejection_citing_an_unknown_policy_is_refused(reviewer, policies):
    item = review_item_make(claimed_by=reviewer)
    with pytest.raises(ValidationError, match=r"999\.9"):
        review_decide(item_id=item.pk, decision="reject", by=reviewer, citations=[("999.9", "No such policy")])
