"""Reviewer work: queue a level for a reviewer, approve automatically by rule, claim, release and decide."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.checks.base import Finding as CheckFinding
from certification.models import Policy, ReviewItem, Step, Submission
from certification.steps import StepDef
from offers.history import history_record
from offers.snapshots import content_hash

REVIEW_BUSINESS_DAYS = 3
AUTO_RULE_LISTING_UNCHANGED = "content unchanged since the last approved snapshot"


class ReviewRefused(Exception):
    """The decision cannot be taken (already decided, or the submission moved on)."""


def business_days_after(start: datetime, days: int) -> datetime:
    """Return the moment ``days`` business days after ``start``, skipping Saturdays and Sundays."""
    moment = start
    while moment.weekday() >= 5:  # arriving on a weekend: the clock starts on Monday at the same time
        moment += timedelta(days=1)
    remaining = days
    while remaining:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    return moment


def listing_fingerprint(snapshot: dict) -> str:
    """Return a hash of what a content reviewer reads: the listing page, files by their content."""
    listing = dict(snapshot.get("pages", {}).get("offer_listing") or {})
    files = snapshot.get("files") or {}
    for name, value in listing.items():
        if isinstance(value, int) and not isinstance(value, bool) and str(value) in files:
            listing[name] = files[str(value)]["sha256"]
    return content_hash(listing)


def _last_approved(offer_id: int, level: str) -> ReviewItem | None:
    return (
        ReviewItem.objects.filter(submission__offer_id=offer_id, level=level, state=ReviewItem.State.APPROVED)
        .select_related("submission__snapshot")
        .order_by("-decided_at", "-pk")
        .first()
    )


def _auto_rule(submission: Submission, level: str) -> str:
    """Return the rule that approves this level without a reviewer, or an empty string."""
    if level != ReviewItem.Level.CONTENT:
        return ""
    approved = _last_approved(submission.offer_id, level)
    if approved and listing_fingerprint(approved.submission.snapshot.data) == listing_fingerprint(
        submission.snapshot.data
    ):
        return AUTO_RULE_LISTING_UNCHANGED
    return ""


def review_enter(submission: Submission, step: Step, definition: StepDef) -> ReviewItem:
    """Put a level of the submission in its reviewer queue, or approve it by rule and move on."""
    from certification.pipeline import enqueue_advance

    now = timezone.now()
    level = definition.review_level
    earlier = (
        ReviewItem.objects.filter(submission__offer_id=submission.offer_id, level=level)
        .exclude(submission=submission)
        .order_by("-arrived_at")
        .first()
    )
    # A resubmission after a rejection keeps the place its offer had in the queue.
    resubmission = earlier is not None and earlier.state in (ReviewItem.State.REJECTED, ReviewItem.State.CANCELLED)
    item, _created = ReviewItem.objects.get_or_create(
        step=step,
        defaults={
            "submission": submission,
            "level": level,
            "arrived_at": now,
            "queued_since": earlier.queued_since if resubmission else now,
            "resubmission": resubmission,
            "due_at": business_days_after(now, REVIEW_BUSINESS_DAYS),
        },
    )
    rule = _auto_rule(submission, level)
    if rule:
        item.state, item.auto_rule, item.decided_at = ReviewItem.State.APPROVED, rule, now
        item.save()
        step.succeed(now)
        step.save()
        submission.save(update_fields=["updated_at"])
        history_record(
            submission.offer,
            "review_approved",
            message=_("%(level)s approved automatically: %(rule)s") % {"level": item.get_level_display(), "rule": rule},
            rule=rule,
        )
        enqueue_advance(submission.pk)
        return item
    step.wait(now)
    step.save()
    submission.wait_for_review()
    submission.save()
    history_record(
        submission.offer, "review_queued", message=_("Waiting for %(level)s") % {"level": item.get_level_display()}
    )
    return item


def _claim_expired(item: ReviewItem, now) -> bool:
    ttl = timedelta(minutes=getattr(settings, "REVIEW_CLAIM_MINUTES", 60))
    return item.claimed_by_id is not None and (item.last_activity_at or item.claimed_at) < now - ttl


@transaction.atomic
def review_claim(*, item_id: int, reviewer) -> ReviewItem:
    """Claim an open item for the reviewer; an expired claim of someone else can be taken over."""
    now = timezone.now()
    item = ReviewItem.objects.select_for_update().select_related("submission__offer").get(pk=item_id)
    if item.state != ReviewItem.State.OPEN:
        raise ReviewRefused(_("This item has already been decided."))
    if item.claimed_by_id == reviewer.pk:
        item.last_activity_at = now
        item.save(update_fields=["last_activity_at"])
        return item
    if item.claimed_by_id and not _claim_expired(item, now):
        raise ReviewRefused(_("%(who)s is working on this item.") % {"who": item.claimed_by})
    cap = getattr(settings, "REVIEW_MAX_CLAIMS", 5)
    ttl_start = now - timedelta(minutes=getattr(settings, "REVIEW_CLAIM_MINUTES", 60))
    held = ReviewItem.objects.filter(
        claimed_by=reviewer, state=ReviewItem.State.OPEN, last_activity_at__gte=ttl_start
    ).count()
    if held >= cap:
        raise ReviewRefused(_("You already hold %(n)d claims; release or decide one first.") % {"n": held})
    item.claimed_by, item.claimed_at, item.last_activity_at = reviewer, now, now
    item.save(update_fields=["claimed_by", "claimed_at", "last_activity_at"])
    history_record(item.submission.offer, "review_claimed", actor=reviewer, message=_("Review claimed"), internal=True)
    return item


@transaction.atomic
def review_release(*, item_id: int, reviewer) -> ReviewItem:
    item = ReviewItem.objects.select_for_update().get(pk=item_id)
    if item.claimed_by_id != reviewer.pk:
        raise ReviewRefused(_("You do not hold this item."))
    item.claimed_by = item.claimed_at = item.last_activity_at = None
    item.save(update_fields=["claimed_by", "claimed_at", "last_activity_at"])
    return item


@transaction.atomic
def review_decide(*, item_id: int, decision: str, by, citations=(), internal_comment: str = "") -> ReviewItem:
    """Approve or reject a review item; a rejection cites at least one policy, each with review notes.

    ``citations`` is a sequence of (policy number, review notes). The pipeline resumes or fails accordingly.
    """
    from certification.pipeline import enqueue_advance, findings_store, submission_fail

    item = ReviewItem.objects.select_related("submission").get(pk=item_id)
    submission = Submission.objects.select_for_update().select_related("offer", "snapshot").get(pk=item.submission_id)
    item = ReviewItem.objects.select_for_update().get(pk=item_id)
    step = Step.objects.select_for_update().get(pk=item.step_id)
    if item.state != ReviewItem.State.OPEN or submission.state != Submission.State.WAITING_REVIEW:
        raise ReviewRefused(_("This item has already been decided or its submission has ended."))
    if item.claimed_by_id and item.claimed_by_id != by.pk and not _claim_expired(item, timezone.now()):
        raise PermissionDenied(_("%(who)s has claimed this item.") % {"who": item.claimed_by})
    if decision not in ("approve", "reject"):
        raise ValidationError(_("Choose Approve or Reject."))
    citations = [(number.strip(), notes.strip()) for number, notes in citations if number and number.strip()]
    if decision == "reject" and not citations:
        raise ValidationError({"citations": _("Cite at least one policy to reject.")})
    policies = {p.number: p for p in Policy.objects.filter(number__in=[n for n, _notes in citations])}
    unknown = [n for n, _notes in citations if n not in policies]
    if unknown:
        raise ValidationError({"citations": _("Unknown policy: %(numbers)s") % {"numbers": ", ".join(unknown)}})
    now = timezone.now()
    item.decided_by, item.decided_at, item.internal_comment = by, now, internal_comment
    item.claimed_by, item.last_activity_at = item.claimed_by or by, now
    if decision == "approve":
        item.state = ReviewItem.State.APPROVED
        item.save()
        step.succeed(now)
        step.save()
        submission.resume()
        submission.save()
        history_record(
            submission.offer,
            "review_approved",
            actor=by,
            message=_("%(level)s approved") % {"level": item.get_level_display()},
        )
        enqueue_advance(submission.pk)
        return item
    item.state = ReviewItem.State.REJECTED
    item.save()
    stored = findings_store(
        submission,
        step,
        [CheckFinding(code=f"review.{item.level}", message=policies[n].gist, policy=n) for n, _notes in citations],
        source="reviewer",
    )
    for finding, (_number, notes) in zip(stored, citations, strict=True):
        finding.review_notes = notes
        finding.save(update_fields=["review_notes"])
    step.fail(now)
    step.save()
    history_record(
        submission.offer,
        "review_rejected",
        actor=by,
        message=_("%(level)s rejected") % {"level": item.get_level_display()},
    )
    submission_fail(submission)
    return item
