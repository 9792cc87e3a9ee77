"""Demo data of `make run`: move the demo offers through the pipeline so every status is on the dashboard.

`make run` has no publisher endpoints to probe, so here each automated check is recorded as passed without
running; everything else (reviews, preview, sign-off, final publish, stop sell) goes through the real
services and state machines. Never used outside demo data.
"""

from django.db import transaction

from certification.models import ReviewItem, Step, Submission
from certification.pipeline import submission_advance
from certification.reviews import review_decide
from certification.services import offer_stop_selling, publish_go_live, stop_sell_complete_due, submission_start
from offers.models import Offer

# offer ID → the status the demo shows it in
DEMO_STATUSES = {
    "contoso-analytics": Offer.Status.LIVE,
    "contoso-data-platform": Offer.Status.PREVIEW,
    "contoso-migration-poc": Offer.Status.ATTENTION_NEEDED,
    "contoso-security-workshop": Offer.Status.PUBLISH_IN_PROGRESS,
    "contoso-edge-router": Offer.Status.PENDING_STOP_SELL,
    "contoso-legacy-sync": Offer.Status.NOT_AVAILABLE,
}


def _drive_demo(submission_id: int) -> None:
    """Advance like the pipeline does, recording each automated check as passed."""
    for _ in range(50):
        submission_advance(submission_id=submission_id, run_check=lambda definition, context: [])
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


@transaction.atomic
def demo_pipeline_load(owner, reviewer) -> None:
    """Bring each demo offer still in Draft to its demo status."""
    for offer in Offer.objects.filter(
        account_id=owner.account_id, offer_id__in=DEMO_STATUSES, status=Offer.Status.DRAFT
    ):
        target = DEMO_STATUSES[offer.offer_id]
        submission = submission_start(offer_id=offer.pk, by=owner.user)
        _drive_demo(submission.pk)
        if target == Offer.Status.PUBLISH_IN_PROGRESS:
            continue  # waits in the content review queue for the demo reviewer
        if target == Offer.Status.ATTENTION_NEEDED:
            _decide_open_reviews(submission, reviewer, reject=True)
            continue
        while _decide_open_reviews(submission, reviewer):
            _drive_demo(submission.pk)
        if target == Offer.Status.PREVIEW:
            continue
        publish_go_live(offer_id=offer.pk, by=owner.user)
        _drive_demo(submission.pk)
        if target in (Offer.Status.PENDING_STOP_SELL, Offer.Status.NOT_AVAILABLE):
            offer_stop_selling(offer_id=offer.pk, by=owner.user)
        if target == Offer.Status.NOT_AVAILABLE:
            stop_sell_complete_due()
