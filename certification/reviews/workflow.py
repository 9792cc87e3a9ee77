"""Reviewer work: queue a level for a reviewer, approve automatically by rule, claim, release and decide."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.checks.base import Finding as CheckFinding
from certification.events import event_review_claimed, event_review_decided
from certification.models import Finding, Policy, ReviewItem, Step, Submission
from certification.notifications import notify_review_claimed
from certification.pipeline import enqueue_advance, findings_store, submission_fail, submission_lock
from certification.reviews.queues import _active_claim, claim_ttl
from certification.steps import Kind, StepDef, wait_register
from offers.history import history_record
from offers.snapshots import content_hash

REVIEW_BUSINESS_DAYS = 3
AUTO_RULE_LISTING_UNCHANGED = "content unchanged since the last approved snapshot"


# Where a publisher fixes what a reviewer cites, when the policy is about one field of one page.
POLICY_FIELDS = {
    "100.1.1": ("offer_listing", "name"),
    "100.1.2": ("offer_listing", "search_results_summary"),
    "100.1.3": ("offer_listing", "description"),
    "100.2": ("properties", ""),
    "100.3": ("offer_listing", "large_logo"),
    "100.6": ("offer_listing", "privacy_policy_url"),
    "100.14": ("", ""),
    "1000.6": ("technical_configuration", "landing_page_url"),
    "1000.4": ("technical_configuration", "connection_webhook"),
}


def _citation(entry, snapshot: dict) -> tuple[str, str, str, str]:
    """Return (number, notes, page, field) of a citation, the place defaulting to the policy's usual field."""
    number, notes, *where = entry
    number, notes = number.strip(), (notes or "").strip()
    page, field = [*where, "", ""][:2] if any(where) else POLICY_FIELDS.get(number, ("", ""))
    pages = snapshot.get("pages") or {}
    if page and not page.startswith("plan:") and page not in pages:
        page = field = ""  # this offer type has no such page: the finding links to the overview
    return number, notes, page or "", field or ""


def resubmission_window() -> timedelta:
    """Return how long after a rejection a resubmission keeps its due date (settings.REVIEW_RESUBMISSION_DAYS)."""
    return timedelta(days=getattr(settings, "REVIEW_RESUBMISSION_DAYS", 14))


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


@wait_register(Kind.REVIEW)
def review_enter(submission: Submission, step: Step, definition: StepDef) -> ReviewItem:
    """Put a level of the submission in its reviewer queue, or approve it by rule and move on."""

    now = timezone.now()
    level = definition.review_level
    earlier = (
        ReviewItem.objects.filter(submission__offer_id=submission.offer_id, level=level)
        .exclude(submission=submission)
        .order_by("-arrived_at")
        .first()
    )
    # A resubmission after a rejection keeps the place its offer had in the queue; a fix-up within the window
    # (settings.REVIEW_RESUBMISSION_DAYS after the rejection) keeps the original due date too.
    resubmission = earlier is not None and earlier.state in (ReviewItem.State.REJECTED, ReviewItem.State.CANCELLED)
    fix_up = resubmission and (earlier.decided_at or earlier.arrived_at) >= now - resubmission_window()
    item, _created = ReviewItem.objects.get_or_create(
        step=step,
        defaults={
            "submission": submission,
            "level": level,
            "arrived_at": now,
            "queued_since": earlier.queued_since if resubmission else now,
            "resubmission": resubmission,
            "resubmission_of": earlier if resubmission else None,
            "due_at": earlier.due_at if fix_up else business_days_after(now, REVIEW_BUSINESS_DAYS),
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
        event_review_decided(item, submission)
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
    return item.claimed_by_id is not None and (item.last_activity_at or item.claimed_at) < now - claim_ttl()


def claim_active(item: ReviewItem, now=None) -> bool:
    """Return whether someone holds a claim on the item that has not expired."""
    return item.claimed_by_id is not None and not _claim_expired(item, now or timezone.now())


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
    held = ReviewItem.objects.filter(_active_claim(now), claimed_by=reviewer, state=ReviewItem.State.OPEN).count()
    if held >= cap:
        raise ReviewRefused(_("You already hold %(n)d claims; release or decide one first.") % {"n": held})
    item.claimed_by, item.claimed_at, item.last_activity_at = reviewer, now, now
    item.save(update_fields=["claimed_by", "claimed_at", "last_activity_at"])
    history_record(item.submission.offer, "review_claimed", actor=reviewer, message=_("Review claimed"), internal=True)
    event_review_claimed(item)
    notify_review_claimed(item)
    return item


@transaction.atomic
def review_release(*, item_id: int, reviewer) -> ReviewItem:
    """Give a claimed item back to the queue, for another reviewer to take."""
    item = ReviewItem.objects.select_for_update().select_related("submission__offer").get(pk=item_id)
    if item.claimed_by_id != reviewer.pk:
        raise ReviewRefused(_("You do not hold this item."))
    item.claimed_by = item.claimed_at = item.last_activity_at = None
    item.save(update_fields=["claimed_by", "claimed_at", "last_activity_at"])
    history_record(
        item.submission.offer, "review_released", actor=reviewer, message=_("Review released"), internal=True
    )
    return item


def review_touch(*, item_id: int, reviewer) -> bool:
    """Record activity on the reviewer's live claim (opening the item keeps the claim from expiring)."""
    return bool(
        ReviewItem.objects.filter(
            _active_claim(timezone.now()), pk=item_id, claimed_by=reviewer, state=ReviewItem.State.OPEN
        ).update(last_activity_at=timezone.now())
    )


@transaction.atomic
def review_decide(*, item_id: int, decision: str, by, citations=(), internal_comment: str = "") -> ReviewItem:
    """Approve or reject a review item; a rejection cites at least one policy, each with review notes.

    ``citations`` is a sequence of (policy number, review notes), or (policy number, review notes, page, field) to
    say where the publisher fixes it; without a place, the policy's usual field is used when the offer has it.
    The pipeline resumes or fails accordingly.
    """

    item = ReviewItem.objects.select_related("submission").get(pk=item_id)
    submission = submission_lock(item.submission_id)
    item = ReviewItem.objects.select_for_update().get(pk=item_id)
    step = Step.objects.select_for_update().get(pk=item.step_id)
    if item.state != ReviewItem.State.OPEN or submission.state != Submission.State.WAITING_REVIEW:
        raise ReviewRefused(_("This item has already been decided or its submission has ended."))
    if item.claimed_by_id and item.claimed_by_id != by.pk and not _claim_expired(item, timezone.now()):
        raise PermissionDenied(_("%(who)s has claimed this item.") % {"who": item.claimed_by})
    if decision not in ReviewItem.Decision.values:
        raise ValidationError(_("Choose Approve or Reject."))
    citations = [_citation(entry, submission.snapshot.data) for entry in citations if entry[0] and entry[0].strip()]
    if decision == ReviewItem.Decision.REJECT and not citations:
        raise ValidationError({"citations": _("Cite at least one policy to reject.")})
    policies = {p.number: p for p in Policy.objects.filter(number__in=[c[0] for c in citations])}
    unknown = [c[0] for c in citations if c[0] not in policies]
    if unknown:
        raise ValidationError({"citations": _("Unknown policy: %(numbers)s") % {"numbers": ", ".join(unknown)}})
    now = timezone.now()
    item.decided_by, item.decided_at, item.internal_comment = by, now, internal_comment
    item.claimed_by, item.last_activity_at = item.claimed_by or by, now
    if decision == ReviewItem.Decision.APPROVE:
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
        event_review_decided(item, submission)
        enqueue_advance(submission.pk, first=True)
        return item
    item.state = ReviewItem.State.REJECTED
    item.save()
    stored = findings_store(
        submission,
        step,
        [
            CheckFinding(code=f"review.{item.level}", message=policies[n].gist, policy=n, page=page, field=field)
            for n, _notes, page, field in citations
        ],
        source=Finding.Source.REVIEWER,
    )
    for finding, (_number, notes, _page, _field) in zip(stored, citations, strict=True):
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
    event_review_decided(item, submission)
    submission_fail(submission)
    return item
