"""Build complete offers whose endpoints are local test servers, and drive submissions step by step."""

import time

from certification.models import Finding, Step, Submission
from offers.demo import offer_fill_all, offer_fill_page
from offers.models import Offer, OfferPage, OfferSnapshot, Plan
from offers.services import offer_create

PUBLIC_HOSTS = ("https://contoso.example", "https://leads.contoso.example", "https://www.contoso.example")


def _point(value, endpoint):
    if isinstance(value, str):
        for host in PUBLIC_HOSTS:
            if value.startswith(host + "/") or value == host:
                return endpoint.url(value[len(host) :] or "/")
    return value


def point_urls_at(offer: Offer, endpoint) -> None:
    """Make every publisher URL of the offer (landing page, webhook, leads, links) point at the endpoint."""
    for page in OfferPage.objects.filter(offer=offer):
        page.data = {k: _point(v, endpoint) for k, v in page.data.items()}
        page.save(update_fields=["data"])
    for plan in Plan.objects.filter(offer=offer):
        plan.data = {k: _point(v, endpoint) for k, v in plan.data.items()}
        plan.save(update_fields=["data"])


def complete_offer(
    membership, offer_type: str, endpoint, *, offer_id: str | None = None, setup: dict | None = None
) -> Offer:
    """Create an offer of the type with every page Complete (the samples), its URLs at the endpoint."""
    offer = offer_create(
        membership=membership,
        offer_type_key=offer_type,
        offer_id=offer_id or f"{offer_type.replace('_', '-')}-offer",
        alias=f"{offer_type} offer",
    )
    if setup is not None:
        offer_fill_page(offer, "offer_setup", membership.user, data=setup, files={})
    offer_fill_all(offer, membership.user, setup_done=setup is not None)
    point_urls_at(offer, endpoint)
    return Offer.objects.get(pk=offer.pk)


def drive(submission_id: int, *, limit: int = 40) -> None:
    """Advance a submission in this process until it stops moving (a wait, a failure or the end)."""
    from certification.pipeline import submission_advance

    for _ in range(limit):
        before = list(Step.objects.filter(submission_id=submission_id).values_list("state", flat=True))
        submission_advance(submission_id=submission_id)
        after = list(Step.objects.filter(submission_id=submission_id).values_list("state", flat=True))
        if before == after:
            return
        if Submission.objects.get(pk=submission_id).state != Submission.State.RUNNING:
            return
    raise AssertionError("the submission did not settle")


def approve_open_reviews(submission_id: int, reviewer) -> None:
    """Approve every review item the submission waits for, driving it on after each decision."""
    from certification.models import ReviewItem
    from certification.reviews import review_decide

    while True:
        item = ReviewItem.objects.filter(submission_id=submission_id, state=ReviewItem.State.OPEN).first()
        if item is None:
            return
        review_decide(item_id=item.pk, decision="approve", by=reviewer)
        drive(submission_id)


def publish_to_preview(offer: Offer, owner, reviewer):
    """Publish the offer in this process and approve its reviews; return the submission (waiting for Go live)."""
    from certification.services import submission_start

    submission = submission_start(offer_id=offer.pk, by=owner.user)
    # With a Celery worker running too, the worker may hold a step while this process drives: go on until nothing
    # runs anywhere (the sign-off, a failure or another wait), within a minute.
    deadline, still = time.monotonic() + 60, 0
    while True:
        before = _step_states(submission.pk)
        drive(submission.pk)
        approve_open_reviews(submission.pk, reviewer)
        submission.refresh_from_db()
        after = _step_states(submission.pk)
        held = Step.State.RUNNING in after
        still = still + 1 if before == after and not held else 0
        if submission.state != Submission.State.RUNNING or still >= 2 or time.monotonic() > deadline:
            return submission
        time.sleep(0.1)


def _step_states(submission_id: int) -> list[str]:
    return list(Step.objects.filter(submission_id=submission_id).order_by("pk").values_list("state", flat=True))


def publish_to_live(offer: Offer, owner, reviewer):
    """Publish the offer all the way to Live in this process; return the submission."""
    from certification.services import PublishRefused, publish_go_live

    submission = publish_to_preview(offer, owner, reviewer)
    # With a Celery worker running too, the worker may hold a step while this process drives: wait for the sign-off.
    deadline = time.monotonic() + 60
    while True:
        try:
            publish_go_live(offer_id=offer.pk, by=owner.user)
            break
        except PublishRefused:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
            drive(submission.pk)
    drive(submission.pk)
    submission.refresh_from_db()
    return submission


def finding_make(offer: Offer, *, message: str = "Say what the service delivers in the name."):
    """Create a failed submission of the offer with one reviewer's finding (no pipeline run); return the finding."""
    snapshot = OfferSnapshot.objects.create(offer=offer, data={"pages": {}}, content_hash=f"finding-{offer.pk}")
    submission = Submission.objects.create(
        offer=offer, number=offer.submissions.count() + 1, snapshot=snapshot, origin_status=offer.status, state="failed"
    )
    step = Step.objects.create(
        submission=submission, order=1, phase="certification", key="content_review", name="Content review"
    )
    return Finding.objects.create(
        submission=submission, step=step, source=Finding.Source.REVIEWER, code="review.content", message=message
    )
