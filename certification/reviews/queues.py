"""The reviewer queues: what is open in each, and the filters reviewers use."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from certification.forecasts import queue_order
from certification.models import FindingMessage, ReviewItem


def claim_ttl() -> timedelta:
    """Return how long a claim lasts without activity (settings.REVIEW_CLAIM_MINUTES, read at call time)."""
    return timedelta(minutes=getattr(settings, "REVIEW_CLAIM_MINUTES", 60))


def _active_claim(now) -> Q:
    """Match items someone holds with a claim that has not expired."""
    cutoff = now - claim_ttl()
    return Q(claimed_by__isnull=False) & (
        Q(last_activity_at__gte=cutoff) | Q(last_activity_at__isnull=True, claimed_at__gte=cutoff)
    )


def review_queue(level: str) -> QuerySet:
    """Return the open items of a level, overdue ones first, then oldest place first (a resubmission keeps its
    original place)."""
    return queue_order(ReviewItem.objects.filter(level=level, state=ReviewItem.State.OPEN))


def review_overdue_counts() -> dict[str, int]:
    """Return the number of open items past their due date in each level, in one query."""
    rows = (
        ReviewItem.objects.filter(state=ReviewItem.State.OPEN, due_at__lt=timezone.now())
        .values("level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(ReviewItem.Level.values, 0)
    counts.update({row["level"]: row["n"] for row in rows})
    return counts


def unanswered_replies() -> Exists:
    """Whether the item's offer has a publisher's reply or dispute no reviewer has answered yet.

    It starts from the item's own column (its submission, then that submission's offer inside the subquery), so a
    queue's count needs no join."""
    return Exists(
        FindingMessage.objects.filter(
            finding__submission__offer__submissions=OuterRef("submission_id"),
            kind__in=FindingMessage.PUBLISHER_KINDS,
            answered_at__isnull=True,
        )
    )


def queue_mine(items: QuerySet, reviewer, now=None) -> QuerySet:
    """Keep the items the reviewer holds a live claim on."""
    return items.filter(_active_claim(now or timezone.now()), claimed_by=reviewer)


def queue_unclaimed(items: QuerySet, now=None) -> QuerySet:
    """Keep the items nobody holds: never claimed, released, or with an expired claim."""
    return items.exclude(_active_claim(now or timezone.now()))


def queue_claimed_by_others(items: QuerySet, reviewer, now=None) -> QuerySet:
    """Keep the items another reviewer holds a live claim on."""
    return items.filter(_active_claim(now or timezone.now())).exclude(claimed_by=reviewer)


def queue_overdue(items: QuerySet, now=None) -> QuerySet:
    """Keep the items past their due date (3 business days from arrival)."""
    return items.filter(due_at__lt=now or timezone.now())


def review_open_counts() -> dict[str, int]:
    """Return the number of open items of each level, in one query."""
    rows = ReviewItem.objects.filter(state=ReviewItem.State.OPEN).values("level").annotate(n=Count("pk"))
    counts = dict.fromkeys(ReviewItem.Level.values, 0)
    counts.update({row["level"]: row["n"] for row in rows})
    return counts
