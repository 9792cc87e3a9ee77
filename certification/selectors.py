"""Read-only queries of the pipeline for the publisher's pages, scoped through the offer selectors."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from certification.forecasts import submission_forecast
from certification.models import Notice, Phase, ReviewItem, Step, Submission
from certification.notifications import reviewer_label
from certification.reviews.queues import claim_ttl
from certification.steps import BEFORE_SIGNOFF


def offer_submissions(offer) -> QuerySet[Submission]:
    """The offer's submissions, newest first (read in pages from the index of (offer, number))."""
    return offer.submissions.order_by("-number")


def submission_latest(offer) -> Submission | None:
    return offer.submissions.select_related("snapshot").order_by("-number").first()


def submission_active(offer) -> Submission | None:
    return offer.submissions.filter(state__in=Submission.ACTIVE).order_by("-number").first()


def submission_moving(offer, submission: Submission | None) -> bool:
    """Whether the overview follows the submission live: it is publishing, or a step runs toward the sign-off.

    Preview creation makes the offer Preview a moment before the sign-off step waits; until then it still moves.
    """
    if offer.status == offer.Status.PUBLISH_IN_PROGRESS:
        return True
    return submission is not None and submission.state == Submission.State.RUNNING


def signoff_waiting(offer, submission: Submission | None) -> bool:
    """Whether Go live can be taken now: the offer is in Preview and its sign-off step waits for the publisher."""
    return (
        offer.status == offer.Status.PREVIEW
        and submission is not None
        and submission.state == Submission.State.WAITING_SIGNOFF
    )


# Bootstrap icon of each phase state on the overview's timeline; a pending phase shows an empty circle.
PHASE_ICONS = {
    Step.State.SUCCEEDED: "bi-check-circle-fill text-success",
    Step.State.FAILED: "bi-x-circle-fill text-danger",
    Step.State.RUNNING: "bi-arrow-repeat text-primary",
    Step.State.SKIPPED: "bi-dash-circle text-body-tertiary",
}
CANCELLED_ICON = "bi-slash-circle text-body-secondary"


@dataclass
class PhaseRow:
    key: str
    label: str
    steps: list = field(default_factory=list)

    @property
    def state(self) -> Step.State:
        states = {s.state for s in self.steps}
        if Step.State.FAILED in states:
            return Step.State.FAILED
        if states == {Step.State.SKIPPED}:
            return Step.State.SKIPPED
        if states <= {Step.State.SUCCEEDED, Step.State.SKIPPED}:
            return Step.State.SUCCEEDED
        if states & {Step.State.RUNNING, Step.State.WAITING} or (Step.State.SUCCEEDED in states):
            return Step.State.RUNNING
        return Step.State.PENDING

    @property
    def cancelled(self) -> bool:
        """Whether Cancel publish cut the phase short (a step of it never ran to its end)."""
        return any(getattr(step, "cancelled", False) for step in self.steps)  # set by submission_timeline

    @property
    def icon(self) -> str:
        if self.cancelled:
            return CANCELLED_ICON
        return PHASE_ICONS.get(self.state, "bi-circle text-body-tertiary")


def submission_timeline(submission: Submission) -> list[PhaseRow]:
    """Return the submission's phases in order, each with its steps and their findings.

    Each step says whether Cancel publish cut it short (``cancelled``): a cancelled submission skipped every
    step it had not finished, and only a cancel ends a submission with skipped steps and no failure.
    """
    steps = list(submission.steps.prefetch_related("findings__policy").order_by("order"))
    now = timezone.now()
    cancelled = submission.state == Submission.State.CANCELLED
    rows: dict[str, PhaseRow] = {}
    for step in steps:
        step.cancelled = cancelled and step.state == Step.State.SKIPPED
        row = rows.setdefault(step.phase, PhaseRow(step.phase, Phase(step.phase).label))
        end = step.finished_at or (now if step.state in (Step.State.RUNNING, Step.State.WAITING) else None)
        step.elapsed = duration_label(end - step.started_at) if (end and step.started_at) else ""
        row.steps.append(step)
    return list(rows.values())


def submission_cancellable(submission: Submission | None) -> bool:
    if submission is None or submission.state not in Submission.CANCELLABLE:
        return False
    return not any(s.phase not in BEFORE_SIGNOFF and s.state != Step.State.PENDING for s in submission.steps.all())


def offer_history(offer, *, include_internal: bool = False):
    events = offer.events.select_related("actor").order_by("-created_at", "-pk")
    return events if include_internal else events.filter(internal=False)


def duration_label(delta) -> str:
    """Return a short human duration: 45s, 3m 05s, 2h 10m, 3d 4h."""
    seconds = max(int(delta.total_seconds()), 0)
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {seconds:02d}s"
    return f"{seconds}s"


@dataclass
class ReviewWait:
    """Who holds the submission's open review and when to expect the decision (the queue's own due date)."""

    item: ReviewItem
    reviewer: str  # empty while nobody holds it
    claimed_at: object
    due_at: object

    @property
    def level(self) -> str:
        return self.item.get_level_display()


def review_wait(submission: Submission | None, now=None) -> ReviewWait | None:
    """Return the open review the submission waits for, with who holds it (a live claim) and its due date."""
    if submission is None or submission.state != Submission.State.WAITING_REVIEW:
        return None
    item = (
        ReviewItem.objects.filter(submission=submission, state=ReviewItem.State.OPEN)
        .select_related("claimed_by")
        .first()
    )
    if item is None:
        return None
    now = now or timezone.now()
    held = item.claimed_by_id is not None and (item.last_activity_at or item.claimed_at) >= now - claim_ttl()
    return ReviewWait(
        item=item,
        reviewer=reviewer_label(item.claimed_by) if held else "",
        claimed_at=item.claimed_at if held else None,
        due_at=item.due_at,
    )


def timeline_forecast(timeline: list[PhaseRow], wait: ReviewWait | None):
    """Set each coming step's expected finish (``step.eta``) and return the submission's (see forecasts)."""
    steps = [step for row in timeline for step in row.steps]
    return submission_forecast(steps, wait.item if wait else None)


def notices_unread(user) -> int:
    """Return how many entries of the user's bell are unread."""
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def notices_all(user) -> QuerySet[Notice]:
    """Return every bell entry of the user, newest first (the Notifications page paginates them)."""
    return Notice.objects.filter(user=user)


def notices_of(user, limit: int = 100) -> list[Notice]:
    """Return the user's latest bell entries, newest first."""
    return list(Notice.objects.filter(user=user)[:limit])
