"""Read-only queries of the pipeline for the publisher's pages, scoped through the offer selectors."""

from dataclasses import dataclass, field

from django.utils import timezone

from certification.models import Phase, Step, Submission
from certification.steps import BEFORE_SIGNOFF


def submission_latest(offer) -> Submission | None:
    return offer.submissions.select_related("snapshot").order_by("-number").first()


def submission_active(offer) -> Submission | None:
    return offer.submissions.filter(state__in=Submission.ACTIVE).order_by("-number").first()


# Bootstrap icon of each phase state on the overview's timeline; a pending phase shows an empty circle.
PHASE_ICONS = {
    Step.State.SUCCEEDED: "bi-check-circle-fill text-success",
    Step.State.FAILED: "bi-x-circle-fill text-danger",
    Step.State.RUNNING: "bi-arrow-repeat text-primary",
    Step.State.SKIPPED: "bi-dash-circle text-body-tertiary",
}


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
    def icon(self) -> str:
        return PHASE_ICONS.get(self.state, "bi-circle text-body-tertiary")


def submission_timeline(submission: Submission) -> list[PhaseRow]:
    """Return the submission's phases in order, each with its steps and their findings."""
    steps = list(submission.steps.prefetch_related("findings__policy").order_by("order"))
    now = timezone.now()
    rows: dict[str, PhaseRow] = {}
    for step in steps:
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
