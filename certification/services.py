"""The publisher's actions on the pipeline: Publish, Go live, Cancel publish, Stop selling (offer or plan), and the
waits for the publisher: sign-off (Go live) and the verification of their account."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, PublisherAccount
from certification.events import event_stop_sell_completed, event_submission_started, event_submission_waiting_signoff
from certification.models import Phase, ReviewItem, Step, Submission
from certification.notifications import notify_signoff, notify_stop_sell
from certification.pipeline import enqueue_advance, steps_plan, submission_lock
from certification.previews import preview_links
from certification.selectors import submission_cancellable
from certification.steps import Kind, StepDef, wait_register
from offers.history import history_record
from offers.models import Offer, Plan
from offers.pages import OfferState, offer_ready_to_publish
from offers.snapshots import snapshot_freeze


class PublishRefused(Exception):
    """A publisher action that the offer's state does not allow; the message says why."""

    def __init__(self, message, pages=()):
        super().__init__(message)
        self.message = str(message)
        self.pages = list(pages)


class NotYet(PublishRefused):
    """The action becomes possible in a moment by itself; the message explains, and nothing changed."""


def ensure_can_publish(offer: Offer, user) -> None:
    """Owners and Managers publish, go live, cancel and stop selling; raise PermissionDenied otherwise."""
    allowed = Membership.objects.filter(
        account_id=offer.account_id, user=user, role__in=Membership.PUBLISHING_ROLES
    ).exists()
    if not allowed:
        raise PermissionDenied(_("Only Owners and Managers of the account can do this."))


def _lock_offer(offer_id: int) -> Offer:
    return Offer.objects.select_for_update(of=("self",)).select_related("account").get(pk=offer_id)


def _active_submission(offer: Offer) -> Submission | None:
    return Submission.objects.select_for_update().filter(offer=offer, state__in=Submission.ACTIVE).first()


EVENT_BY_ORIGIN = {
    Offer.Status.DRAFT: ("submitted", _("Submitted for publishing")),
    Offer.Status.ATTENTION_NEEDED: ("submitted", _("Resubmitted after Attention needed")),
    Offer.Status.PREVIEW: ("submitted", _("Edited and resubmitted from Preview")),
    Offer.Status.LIVE: ("submitted", _("Update of the live offer submitted")),
    Offer.Status.NOT_AVAILABLE: ("republished", _("Republished")),
}


@transaction.atomic
def submission_start(*, offer_id: int, by, notes: str | None = None) -> Submission:
    """Publish: freeze the offer, plan its steps, move it to Publish in progress, hand it to a worker."""
    offer = _lock_offer(offer_id)
    ensure_can_publish(offer, by)
    if offer.status not in Offer.PUBLISHABLE:
        raise PublishRefused(
            _("The offer is %(status)s; it cannot be published now.") % {"status": offer.get_status_display()}
        )
    state = OfferState(offer)  # loaded and judged once: the pages Publish judged are the pages it freezes
    ready, incomplete = offer_ready_to_publish(offer, state)
    if not ready:
        names = ", ".join(str(page.title) for page in incomplete)
        raise PublishRefused(
            _("Complete every page before publishing. Not complete: %(pages)s.") % {"pages": names}, incomplete
        )
    now = timezone.now()
    origin = offer.status
    if origin == Offer.Status.PREVIEW:
        waiting = _active_submission(offer)
        if waiting is not None:
            waiting.supersede(now)
            waiting.save()
    if notes is not None:
        offer.notes_for_certification = notes
    number = (offer.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                offer=offer,
                number=number,
                snapshot=snapshot_freeze(offer, by=by, state=state),
                notes=offer.notes_for_certification,
                origin_status=origin,
                created_by=by,
            )
    except IntegrityError as error:  # another Publish of the same offer won the race
        raise PublishRefused(_("This offer is already being published.")) from error
    steps_plan(submission)
    offer.start_publishing()
    offer.save()
    kind, message = EVENT_BY_ORIGIN[origin]
    history_record(offer, kind, actor=by, message=message, submission=submission.number)
    event_submission_started(submission)
    enqueue_advance(submission.pk, first=True)
    return submission


@wait_register(Kind.SIGNOFF)
def signoff_enter(submission: Submission, step: Step, definition: StepDef) -> None:
    """Wait for the publisher's Go live: email the preview links; ``publish_go_live`` ends the wait."""
    step.wait(timezone.now())
    step.save()
    submission.wait_for_signoff()
    submission.save()
    notify_signoff(submission, preview_links(submission.offer))
    event_submission_waiting_signoff(submission)
    history_record(submission.offer, "signoff_requested", message=_("Waiting for your sign-off (Go live)"))


@wait_register(Kind.VERIFICATION)
def verification_enter(submission: Submission, step: Step, definition: StepDef) -> None:
    """Wait at the step for the operators to verify the account; ``submission_verification_resume`` ends the wait.

    The account row is locked first, so a verification decided meanwhile is seen here, or sees this wait.
    """
    account = PublisherAccount.objects.select_for_update().get(pk=submission.offer.account_id)
    if not account.is_verification_pending:
        enqueue_advance(submission.pk)  # decided meanwhile: the step runs with the decision
        return
    step.wait(timezone.now())
    step.save()
    submission.wait_for_verification()
    submission.save()
    history_record(
        submission.offer,
        "verification_waiting",
        message=_("Waiting for the marketplace to verify your publisher account"),
        step=step.pk,
    )


@transaction.atomic
def submission_verification_resume(*, submission_id: int) -> bool:
    """End a submission's wait for its account's verification: the waiting step runs again with the decision.

    Return whether it was waiting (a submission that no longer waits is left as it is).
    """
    submission = submission_lock(submission_id)
    if submission.state != Submission.State.WAITING_VERIFICATION:
        return False
    if PublisherAccount.objects.filter(
        pk=submission.offer.account_id, verification=PublisherAccount.Verification.PENDING
    ).exists():
        return False  # still being verified
    for step in submission.steps.select_for_update().filter(state=Step.State.WAITING):
        step.wake()
        step.save()
    submission.verification_decided()
    submission.save()
    history_record(
        submission.offer,
        "verification_decided",
        message=_("Your account's verification was decided: eligibility runs again"),
    )
    enqueue_advance(submission.pk, first=True)
    return True


def submissions_verification_resume(*, account_id: int | None = None) -> int:
    """Resume every submission waiting for a verification that is no longer pending (one account, or all).

    Called when an account's verification is decided, and by the watchdog, so a lost signal never strands one.
    """
    waiting = Submission.objects.filter(state=Submission.State.WAITING_VERIFICATION).exclude(
        offer__account__verification=PublisherAccount.Verification.PENDING
    )
    if account_id is not None:
        waiting = waiting.filter(offer__account_id=account_id)
    return sum(submission_verification_resume(submission_id=pk) for pk in waiting.values_list("pk", flat=True))


def account_verification_decided_receiver(sender, *, account_id: int, **kwargs) -> None:
    """Resume the account's submissions that waited for its verification (connected in CertificationConfig)."""
    submissions_verification_resume(account_id=account_id)


@transaction.atomic
def publish_go_live(*, offer_id: int, by) -> Submission:
    """Go live: the publisher signs off the preview and the publish phase runs."""
    offer = _lock_offer(offer_id)
    ensure_can_publish(offer, by)
    submission = _active_submission(offer)
    if offer.status == Offer.Status.PREVIEW and submission is not None and submission.state == Submission.State.RUNNING:
        # Preview creation is done and the sign-off step is about to wait: a click from a page shown meanwhile.
        raise NotYet(
            _(
                "Your preview is ready and the sign-off step is starting: Go live appears on this page in a moment. "
                "Nothing was changed; select Go live again then."
            )
        )
    if (
        offer.status != Offer.Status.PREVIEW
        or submission is None
        or submission.state != Submission.State.WAITING_SIGNOFF
    ):
        raise PublishRefused(_("Go live is possible only when the offer is in Preview and waits for your sign-off."))
    now = timezone.now()
    step = submission.steps.select_for_update().get(state=Step.State.WAITING, phase=Phase.PUBLISHER_SIGNOFF)
    step.succeed(now)
    step.save()
    submission.sign_off()
    submission.save()
    offer.go_live()
    offer.save()
    history_record(offer, "signed_off", actor=by, message=_("Signed off: Go live"))
    enqueue_advance(submission.pk, first=True)
    return submission


@transaction.atomic
def submission_cancel(*, offer_id: int, by, as_operator: bool = False) -> Submission:
    """Cancel publish before the sign-off phase: the offer goes back to where it came from.

    ``as_operator``: the portal's operators cancel on the publisher's behalf (the caller checked they may).
    """
    offer = _lock_offer(offer_id)
    if not as_operator:
        ensure_can_publish(offer, by)
    submission = _active_submission(offer)
    if submission is None or offer.status != Offer.Status.PUBLISH_IN_PROGRESS:
        raise PublishRefused(_("There is no publishing in progress to cancel."))
    if not submission_cancellable(submission):
        raise PublishRefused(_("Publishing can be cancelled only before the publisher sign-off phase."))
    now = timezone.now()
    submission.cancel(now)
    submission.save()
    for step in submission.steps.select_for_update().filter(
        state__in=[Step.State.PENDING, Step.State.WAITING, Step.State.RUNNING]
    ):
        if step.state == Step.State.RUNNING:
            step.requeue()
        step.skip(now)
        step.save()
    ReviewItem.objects.filter(submission=submission, state=ReviewItem.State.OPEN).update(
        state=ReviewItem.State.CANCELLED
    )
    origin = submission.origin_status
    if origin == Offer.Status.PREVIEW:
        _restore_superseded(offer)
    offer.cancel_publishing(origin)
    offer.save()
    message = _("Publishing cancelled by the portal's operators") if as_operator else _("Publishing cancelled")
    history_record(offer, "cancelled", actor=by, message=message)
    return submission


def _restore_superseded(offer: Offer) -> None:
    """Put the submission that waited for sign-off back in place, so Go live works again."""
    previous = (
        offer.submissions.select_for_update().filter(state=Submission.State.SUPERSEDED).order_by("-number").first()
    )
    if previous is not None:
        previous.restore()
        previous.save()


@transaction.atomic
def offer_stop_selling(*, offer_id: int, by) -> Offer:
    """Stop selling a live offer: Pending stop sell now; a background job completes the removal."""
    offer = _lock_offer(offer_id)
    ensure_can_publish(offer, by)
    if offer.status != Offer.Status.LIVE:
        raise PublishRefused(_("Only a live offer can stop selling."))
    offer.stop_selling()
    offer.save()
    history_record(offer, "stop_sell_requested", actor=by, message=_("Stop selling requested"))
    return offer


@transaction.atomic
def plan_stop_selling(*, plan_id: int, by) -> Plan:
    """Stop selling one plan of a live offer; the offer must keep at least one live plan."""
    offer, plan = _lock_plan(plan_id, by)
    if offer.status != Offer.Status.LIVE or plan.status != Plan.Status.LIVE:
        raise PublishRefused(_("Only a live plan of a live offer can stop selling."))
    if offer.plans.filter(status=Plan.Status.LIVE).count() < 2:
        raise PublishRefused(_("This is the offer's only live plan; stop selling the offer instead."))
    plan.stop_selling()
    plan.save()
    history_record(
        offer, "stop_sell_requested", actor=by, message=_("Stop selling plan %(id)s requested") % {"id": plan.plan_id}
    )
    return plan


def _lock_plan(plan_id: int, by) -> tuple[Offer, Plan]:
    """Lock the plan's offer, then the plan, for one of the publisher's actions on it."""
    offer = _lock_offer(Plan.objects.values_list("offer_id", flat=True).get(pk=plan_id))
    ensure_can_publish(offer, by)
    return offer, offer.plans.select_for_update().get(pk=plan_id)


@transaction.atomic
def plan_sell_again(*, plan_id: int, by) -> Plan:
    """Sell a stopped plan again: it becomes a draft plan, checked and put live by the offer's next publish."""
    offer, plan = _lock_plan(plan_id, by)
    if plan.status != Plan.Status.STOPPED:
        raise PublishRefused(_("Only a plan that stopped selling can be sold again."))
    if _active_submission(offer) is not None:
        raise PublishRefused(
            _("The offer is being published without this plan; sell it again once that publishing has ended.")
        )
    plan.sell_again()
    plan.save()
    history_record(
        offer,
        "plan_sell_again",
        actor=by,
        message=_("Plan %(id)s to be sold again from the next publish") % {"id": plan.plan_id},
    )
    return plan


def stop_sell_complete_due(*, now=None) -> int:
    """Complete the removals that are due (run by celery beat); return how many were completed."""

    now = now or timezone.now()
    done = 0
    for offer_id in Offer.objects.filter(status=Offer.Status.PENDING_STOP_SELL).values_list("pk", flat=True):
        with transaction.atomic():
            offer = _lock_offer(offer_id)
            if offer.status != Offer.Status.PENDING_STOP_SELL:
                continue
            offer.stop_sell_complete(now)
            offer.save()
            history_record(offer, "stop_sell_completed", message=_("Removed from the marketplace"))
            notify_stop_sell(offer, key=f"offer:{offer.pk}:stop-sell:{now:%Y%m%d%H%M%S}")
            event_stop_sell_completed(offer)
            done += 1
    for plan_id in Plan.objects.filter(status=Plan.Status.STOP_SELL_PENDING).values_list("pk", flat=True):
        with transaction.atomic():
            plan = Plan.objects.select_for_update().select_related("offer").get(pk=plan_id)
            if plan.status != Plan.Status.STOP_SELL_PENDING:
                continue
            plan.stop_sell_complete()
            plan.save()
            history_record(plan.offer, "stop_sell_completed", message=_("Plan %(id)s removed") % {"id": plan.plan_id})
            notify_stop_sell(plan.offer, key=f"plan:{plan.pk}:stop-sell", plan=plan)
            event_stop_sell_completed(plan.offer, plan)
            done += 1
    return done
