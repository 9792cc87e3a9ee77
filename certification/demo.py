"""Demo data of `make run`: move the demo offers through the pipeline so every status is on the dashboard.

With the publisher sandbox of `make run` on (``OUTBOUND_SANDBOX_URL``), every step runs its real check: the demo
offers' landing pages, webhooks, lead destinations and listing links are the sandbox's (offers.demo.demo_urls).
Without it there is nothing to probe, so each automated check is recorded as not run, with a warning on the step
saying so, never as passed. Reviews, preview, sign-off, final publish and stop sell go through the real services.
The submissions are driven here, in this process, so the workers receive no hand-off (pipeline.advance_inline).
Never used outside demo data.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from certification.checks.base import Finding, Severity
from certification.models import ReviewItem, Step, Submission
from certification.pipeline import advance_inline, submission_advance
from certification.reviews import review_decide
from certification.services import (
    PublishRefused,
    offer_stop_selling,
    publish_go_live,
    stop_sell_complete_due,
    submission_start,
)
from offers.models import Offer
from outbox.sandbox import sandbox_url

# offer ID → the status the demo shows it in
DEMO_STATUSES = {
    "contoso-analytics": Offer.Status.LIVE,
    "contoso-data-platform": Offer.Status.PREVIEW,
    "contoso-migration-poc": Offer.Status.ATTENTION_NEEDED,
    "contoso-security-workshop": Offer.Status.PUBLISH_IN_PROGRESS,
    "contoso-edge-router": Offer.Status.PENDING_STOP_SELL,
    "contoso-legacy-sync": Offer.Status.NOT_AVAILABLE,
}


def _not_run(definition, context) -> list[Finding]:
    """Record a check as not run: the demo has no publisher sandbox to reach."""
    return [
        Finding(
            "demo.not_run",
            _(
                "Not run: the demo data recorded this step without running its check, because no publisher "
                "sandbox was configured (OUTBOUND_SANDBOX_URL, which `make run` sets)."
            ),
            severity=Severity.WARNING,
        )
    ]


def _drive_demo(submission_id: int) -> None:
    """Advance like a worker does, one step after another, until the submission waits, fails or ends."""
    run_check = None if sandbox_url() else _not_run
    for _attempt in range(50):
        submission_advance(submission_id=submission_id, run_check=run_check)
        submission = Submission.objects.get(pk=submission_id)
        if (
            submission.state != Submission.State.RUNNING
            or not submission.steps.filter(state=Step.State.PENDING).exists()
        ):
            return


def _decide_open_reviews(submission: Submission, reviewer, *, reject: bool = False) -> bool:
    item = ReviewItem.objects.filter(submission=submission, state=ReviewItem.State.OPEN).first()
    if item is None:
        return False
    if reject:
        review_decide(
            item_id=item.pk,
            decision=ReviewItem.Decision.REJECT,
            by=reviewer,
            citations=[("100.1.1", "The name should say what the engagement delivers, e.g. its outcome.")],
            internal_comment="Demo: rejected to show the certification failure report.",
        )
    else:
        review_decide(item_id=item.pk, decision=ReviewItem.Decision.APPROVE, by=reviewer)
    return True


def _bring_to(offer: Offer, target: str, owner, reviewer) -> None:
    submission = submission_start(offer_id=offer.pk, by=owner.user)
    _drive_demo(submission.pk)
    if target == Offer.Status.PUBLISH_IN_PROGRESS:
        return  # waits in the content review queue for the demo reviewer
    if target == Offer.Status.ATTENTION_NEEDED:
        _decide_open_reviews(submission, reviewer, reject=True)
        return
    while _decide_open_reviews(submission, reviewer):
        _drive_demo(submission.pk)
    if target == Offer.Status.PREVIEW:
        return
    publish_go_live(offer_id=offer.pk, by=owner.user)
    _drive_demo(submission.pk)
    if target in (Offer.Status.PENDING_STOP_SELL, Offer.Status.NOT_AVAILABLE):
        offer_stop_selling(offer_id=offer.pk, by=owner.user)
    if target == Offer.Status.NOT_AVAILABLE:
        stop_sell_complete_due()


@transaction.atomic
def demo_pipeline_load(owner, reviewer) -> list[str]:
    """Bring each demo offer still in Draft to its demo status; return what kept an offer from getting there."""
    problems = []
    with advance_inline():
        for offer in Offer.objects.filter(
            account_id=owner.account_id, offer_id__in=DEMO_STATUSES, status=Offer.Status.DRAFT
        ):
            target = DEMO_STATUSES[offer.offer_id]
            try:
                _bring_to(offer, target, owner, reviewer)
            except PublishRefused as refused:
                problems.append(f"{offer.offer_id}: {refused.message}")
            offer.refresh_from_db()
            if offer.status != target:
                problems.append(_problem(offer, target))
    return problems


def _problem(offer: Offer, target: str) -> str:
    latest = offer.submissions.order_by("-number").first()
    findings = latest.findings.filter(severity=Severity.CRITICAL) if latest else []
    reasons = "; ".join(finding.message for finding in findings) or offer.get_status_display()
    return (
        f"{offer.offer_id} stopped at {offer.get_status_display()} instead of {Offer.Status(target).label}: {reasons}"
    )
