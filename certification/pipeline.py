"""The engine: plan a submission's steps, then advance it one step at a time until a wait, a failure or the end.

Every function here is safe to run twice: a step that succeeded is never run again, a running step belongs to
the attempt holding its token, and rows are always locked submission first, then step.
"""

import logging
import math
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from certification.checks.base import Finding as CheckFinding
from certification.checks.base import Severity, StepContext, TransientCheckError
from certification.events import event_offer_live, event_submission_failed, step_events_known
from certification.models import Finding, Policy, ReviewItem, Step, Submission
from certification.notifications import notify_failure_report, notify_live
from certification.steps import Kind, StepDef, step_definition, steps_planned, wait_enter
from certification.tasks import advance
from offers.history import history_record, history_system_events
from offers.models import Offer, Plan
from outbox.handoff import task_hand_off
from outbox.services import OutboxBusy, outbox_send_now
from webhooks.services import webhook_endpoints_turn

logger = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


# Inside ``advance_inline``: the submissions whose hand-off to a worker is held back (None outside it).
_HELD_BACK: ContextVar[set[int] | None] = ContextVar("advance_held_back", default=None)


def enqueue_advance(submission_id: int, *, countdown: int = 0, first: bool = False) -> None:
    """Hand the submission to a worker once the current transaction commits (held back inside advance_inline).

    ``first``: a person just acted (Publish, Go live, a reviewer's or an operator's decision) and waits to see the
    next step start. That step goes to the queue of user-facing work (PIPELINE_FIRST_QUEUE, served by a worker of
    its own), runs alone, and hands the rest to the default queue: it never queues behind a burst of steps.
    """
    held_back = _HELD_BACK.get()
    if held_back is not None:
        held_back.add(submission_id)
        return
    if first:
        queue = _setting("PIPELINE_FIRST_QUEUE", "") or None
        priority = first_priority(submission_id)
        task_hand_off(
            advance, countdown=countdown, queue=queue, priority=priority, submission_id=submission_id, max_steps=1
        )
        return
    task_hand_off(advance, countdown=countdown, submission_id=submission_id)


# The order of the queue of user-facing work (Redis serves priority 0 first, then 3, 6, 9): a publisher acting on a
# few offers goes before an account's burst (a CI pipeline publishing hundreds through the API), which still runs
# in its own order. (at most this many other submissions of the account running, priority); beyond the last: 9.
FIRST_PRIORITIES = ((2, 0), (10, 3), (50, 6))


def first_priority(submission_id: int) -> int:
    """Return the priority of the submission's first step after a person acts: by how many other submissions of its
    account are running now (one query; running submissions are the work in flight, not the history)."""
    account = Submission.objects.filter(pk=submission_id).values("offer__account_id")[:1]
    others = (
        Submission.objects.filter(state=Submission.State.RUNNING, offer__account_id=Subquery(account))
        .exclude(pk=submission_id)
        .count()
    )
    return next((priority for most, priority in FIRST_PRIORITIES if others <= most), 9)


@contextmanager
def advance_inline() -> Iterator[None]:
    """Drive submissions in this process (the demo data does): hold back their hand-offs to workers meanwhile.

    On leaving, each submission that is still running is handed to a worker once, so nothing is left behind and
    the workers receive no task that would find nothing to do.
    """
    held_back: set[int] = set()
    token = _HELD_BACK.set(held_back)
    try:
        yield
    finally:
        _HELD_BACK.reset(token)
    running = Submission.objects.filter(pk__in=held_back, state=Submission.State.RUNNING)
    for submission_id in running.values_list("pk", flat=True):
        enqueue_advance(submission_id)


def steps_plan(submission: Submission) -> list[Step]:
    """Create the submission's steps: only those its snapshot's choices bring in."""
    return Step.objects.bulk_create(
        Step(submission=submission, order=i, phase=d.phase, key=d.key, name=str(d.name), typical=d.typical)
        for i, d in enumerate(steps_planned(submission.snapshot.data), start=1)
    )


def submission_lock(submission_id: int, *, related=("offer", "snapshot")) -> Submission:
    """Lock the submission's offer, then the submission, and return the submission.

    Every writer locks in this order (offer first, as the publisher's actions do), so a cancel racing a step's
    result never deadlocks. Call inside a transaction.
    """
    _offer_lock(Submission.objects.values_list("offer_id", flat=True).get(pk=submission_id))
    return Submission.objects.select_for_update(of=("self",)).select_related(*related).get(pk=submission_id)


def _offer_lock(offer_id: int) -> None:
    """Lock the offer's row: every writer of an offer's submissions takes this lock first."""
    list(Offer.objects.select_for_update().filter(pk=offer_id).values_list("pk", flat=True))


def step_context(submission: Submission, step: Step) -> StepContext:

    return StepContext(
        submission_id=submission.pk,
        snapshot=submission.snapshot.data,
        account=submission.offer.account,
        offer=submission.offer,
        phase=step.phase,
        step_key=step.key,
        extra={"lead_send_now": _lead_send_now},
    )


class StepBusy(TransientCheckError):
    """What the step needs is held by another worker for ``retry_in`` seconds: run the step again then, and do not
    count this attempt (a worker that died mid-send holds the test lead's lease until it runs out)."""

    def __init__(self, message: str, retry_in: float):
        super().__init__(message)
        self.retry_in = retry_in


def _lead_send_now(**kwargs):
    """Send the check's test lead now; while another worker is sending it, the step is tried again later."""
    try:
        return outbox_send_now(**kwargs)
    except OutboxBusy as busy:
        raise StepBusy(str(busy), busy.retry_in) from busy


# Errors of our own infrastructure that interrupt an attempt: the database or its connection went away.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


class AttemptInterrupted(Exception):
    """The database went away during an attempt; the task retries, releasing the step held by ``token`` first."""

    def __init__(self, token: str, error: Exception):
        super().__init__(f"{error.__class__.__name__}: {error}")
        self.token = token


@dataclass
class Claim:
    """A step this attempt started and holds (by its token), with what its check reads."""

    step_id: int
    token: str
    definition: StepDef
    context: StepContext


def submission_advance(
    *, submission_id: int, run_check=None, release_token: str = "", max_steps: int | None = None
) -> None:
    """Run the submission's next steps; stop at a wait, a failure, the end, or when this call's turn is over.

    Consecutive automated steps run in this one call: recording a step's result and starting the next one is one
    transaction, and the snapshot is read once per call. A call runs at most ``max_steps`` steps and starts no new
    step after PIPELINE_TURN seconds: then it hands the rest to a new task, so no submission holds a worker for long.

    ``run_check(definition, context) -> findings`` replaces running the step's check (the demo data records
    each check as passed); by default the step's own check runs. While the check runs, the step's heartbeat is
    kept (the watchdog re-drives a step whose heartbeat stops: its worker died).

    When the database goes away during the attempt (a dropped connection, a restart), the step is released to
    run again, and ``AttemptInterrupted`` is raised for the task to retry; if even the release fails, the retry
    passes the attempt's token back as ``release_token`` and releases it first.
    """
    if release_token:
        step_release(submission_id=submission_id, token=release_token)
    turn_ends = time.monotonic() + _setting("PIPELINE_TURN", 10)
    ran = 0

    def another() -> bool:
        return (max_steps is None or ran < max_steps) and time.monotonic() < turn_ends

    with webhook_endpoints_turn():
        claim = _claim_next_step(submission_id)
        while claim is not None:
            ran += 1
            claim = _attempt(submission_id, claim, run_check, another)


def _attempt(submission_id: int, claim: Claim, run_check, another: Callable[[], bool]) -> Claim | None:
    """Run the claimed step's check and record its result; return the next step when this call may run it too."""
    definition = claim.definition
    try:
        try:
            with step_heartbeat(claim.step_id, claim.token):
                findings = (
                    run_check(definition, claim.context) if run_check else definition.check_function(claim.context)
                )
        except TRANSIENT_ERRORS:
            raise
        except StepBusy as busy:
            _attempt_deferred(submission_id, claim.step_id, claim.token, busy.retry_in)
            return None
        except Exception as error:  # a check that breaks is our failure, never the publisher's
            if not isinstance(error, TransientCheckError):
                logger.exception("check %s of submission %s failed", definition.key, submission_id)
            _attempt_failed(submission_id, claim.step_id, claim.token, error)
            return None
        return _record_result(submission_id, claim, findings, claim_next=another())
    except TRANSIENT_ERRORS as error:
        logger.warning("step %s of submission %s interrupted by the database: %s", definition.key, submission_id, error)
        if not connection.in_atomic_block:  # never close a connection under someone's transaction
            close_old_connections()  # drop the broken connection; the release below opens a new one
        try:
            step_release(submission_id=submission_id, token=claim.token)
        except DatabaseError:
            raise AttemptInterrupted(claim.token, error) from error
        raise AttemptInterrupted("", error) from error


def step_release(*, submission_id: int, token: str) -> bool:
    """Give back a step that an interrupted attempt holds (by its token), to run again; return whether it was held.

    The interruption was ours, not the check's: the attempt is not counted against the step's retries.
    """
    with transaction.atomic():
        submission = submission_lock(submission_id, related=("offer",))
        step = Step.objects.select_for_update().filter(submission=submission, run_token=token).first()
        if step is None or step.state != Step.State.RUNNING:
            return False
        step.requeue()
        step.attempts = max(step.attempts - 1, 0)
        step.save()
        submission.save(update_fields=["updated_at"])
    return True


def _attempt_deferred(submission_id: int, step_id: int, token: str, retry_in: float) -> None:
    """Give the step back without counting the attempt, and run it again in ``retry_in`` seconds."""
    if step_release(submission_id=submission_id, token=token):
        with transaction.atomic():
            enqueue_advance(submission_id, countdown=max(1, math.ceil(retry_in)))


@contextmanager
def step_heartbeat(step_id: int, token: str, *, every: float | None = None) -> Iterator[None]:
    """Keep the running step's heartbeat while the block runs, from a thread of its own (its own connection)."""
    every = every or _setting("PIPELINE_HEARTBEAT_EVERY", 5)
    done = threading.Event()

    def beat() -> None:
        try:
            while not done.wait(every):
                try:
                    Step.objects.filter(pk=step_id, state=Step.State.RUNNING, run_token=token).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError as error:  # the database went away: try again next time, on a new connection
                    logger.warning("heartbeat of step %s missed: %s", step_id, error)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-step-{step_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=every + 5)


@transaction.atomic
def _claim_next_step(submission_id: int) -> Claim | None:
    submission = submission_lock(submission_id, related=("snapshot", "offer__account"))
    if submission.state != Submission.State.RUNNING:
        return None
    step = submission.steps.exclude(state__in=[Step.State.SUCCEEDED, Step.State.SKIPPED]).order_by("order").first()
    if step is None or step.state != Step.State.PENDING:
        return None  # finished, or another attempt holds the step (the watchdog looks after dead ones)
    definition = step_definition(step.phase, step.key)
    now = timezone.now()
    if definition.kind in (Kind.REVIEW, Kind.SIGNOFF):
        wait_enter(definition.kind)(submission, step, definition)
        return None
    if definition.kind in (Kind.PREVIEW, Kind.FINAL):
        _listing_step(submission, step, definition, now)
        return None
    context = step_context(submission, step)
    if definition.wait_when and import_string(definition.wait_when)(context):
        wait_enter(definition.wait_kind)(submission, step, definition)
        return None
    if definition.review_when and _needs_review(definition, context):
        wait_enter(Kind.REVIEW)(submission, step, definition)
        return None
    with step_events_known(submission.pk, submission.offer.account_id):
        token, event = _step_start(step, now)
        history_system_events(submission.offer, [event])
    submission.save(update_fields=["updated_at"])
    return Claim(step.pk, token, definition, context)


def _step_start(step: Step, now) -> tuple[str, tuple[str, str, dict]]:
    """Start the step for a new attempt; return the attempt's token and the history event to record."""
    token = uuid.uuid4().hex
    step.start(token, now)
    step.save()
    return token, ("step_started", _("%(step)s started") % {"step": step.name}, {"step": step.pk})


def _runs_inline(definition: StepDef) -> bool:
    """Whether the step may start in the transaction that records the previous one: a check that never waits."""
    return definition.kind == Kind.CHECK and not definition.wait_when and not definition.review_when


def _needs_review(definition: StepDef, context: StepContext) -> bool:

    return bool(import_string(definition.review_when)(context))


@transaction.atomic
def _record_result(submission_id: int, claim: Claim, findings: list[CheckFinding], *, claim_next: bool) -> Claim | None:
    """Record the step's result; start the next step in the same transaction when ``claim_next`` allows and it is
    a check that never waits (return it), otherwise hand the submission to a worker.

    One lock per step: the offer (every writer locks it first), then one statement that locks the submission,
    checks it still runs and marks its progress. The snapshot is not read again: the next check reads the same
    frozen snapshot as this one.
    """
    if any(f.severity == Severity.CRITICAL for f in findings):
        _record_failure(submission_id, claim, findings)
        return None
    now = timezone.now()
    offer = claim.context.offer
    _offer_lock(offer.pk)
    if not Submission.objects.filter(pk=submission_id, state=Submission.State.RUNNING).update(updated_at=now):
        return None  # cancelled or superseded meanwhile
    left = list(
        Step.objects.filter(submission_id=submission_id)
        .exclude(state__in=[Step.State.SUCCEEDED, Step.State.SKIPPED])
        .order_by("order")[:2]
    )
    step = left[0] if left else None
    if step is None or step.pk != claim.step_id or step.state != Step.State.RUNNING or step.run_token != claim.token:
        return None  # this attempt was superseded (the watchdog re-drove it)
    with step_events_known(submission_id, offer.account_id):
        findings_store(submission_id, step, findings, source=Finding.Source.AUTOMATED)
        step.succeed(now)
        step.save()
        events = [("step_succeeded", _("%(step)s succeeded") % {"step": step.name}, {"step": step.pk})]
        following = left[1] if len(left) > 1 else None
        if claim_next and following is not None and following.state == Step.State.PENDING:
            definition = step_definition(following.phase, following.key)
            if _runs_inline(definition):
                token, started = _step_start(following, now)
                history_system_events(offer, [*events, started])
                context = replace(claim.context, phase=following.phase, step_key=following.key, network_down=None)
                return Claim(following.pk, token, definition, context)
        history_system_events(offer, events)
    enqueue_advance(submission_id)
    return None


def _record_failure(submission_id: int, claim: Claim, findings: list[CheckFinding]) -> None:
    """The step found what refuses the offer: fail the step and the submission (locked in the usual order)."""
    submission = submission_lock(submission_id)
    step = Step.objects.select_for_update().get(pk=claim.step_id)
    if (
        step.state != Step.State.RUNNING
        or step.run_token != claim.token
        or submission.state != Submission.State.RUNNING
    ):
        return  # this attempt was superseded (the watchdog re-drove it, or the submission was cancelled)
    findings_store(submission, step, findings, source=Finding.Source.AUTOMATED)
    step.fail(timezone.now())
    step.save()
    history_record(submission.offer, "step_failed", message=_("%(step)s failed") % {"step": step.name}, step=step.pk)
    submission_fail(submission)


def _policy(number: str) -> Policy | None:
    """Return the catalogue policy for a number, or the closest parent (100.1.4 → 100.1)."""
    while number:
        policy = Policy.objects.filter(number=number).first()
        if policy is not None:
            return policy
        number = number.rpartition(".")[0]
    return None


def findings_store(submission, step, findings: list[CheckFinding], *, source: str) -> list[Finding]:
    """Store the step's findings (``submission``: the submission or its id); nothing to store, no query."""
    submission_id = getattr(submission, "pk", submission)
    return Finding.objects.bulk_create(
        Finding(
            submission_id=submission_id,
            step=step,
            source=Finding.Source.SYSTEM if f.system else source,
            code=f.code,
            policy=_policy(f.policy),
            severity=f.severity,
            message=str(f.message),
            page=f.page,
            field=f.field,
        )
        for f in findings
    )


@transaction.atomic
def _attempt_failed(submission_id: int, step_id: int, token: str, error: Exception) -> None:
    submission = submission_lock(submission_id)
    step = Step.objects.select_for_update().get(pk=step_id)
    if step.state != Step.State.RUNNING or step.run_token != token:
        return
    if step.attempts >= _setting("PIPELINE_STEP_MAX_ATTEMPTS", 3):
        step_give_up(submission, step, reason=str(error) or error.__class__.__name__)
        return
    step.requeue()
    step.save()
    countdown = _setting("PIPELINE_RETRY_BACKOFF", 30) * 2 ** (step.attempts - 1)
    enqueue_advance(submission.pk, countdown=countdown)


def step_give_up(submission: Submission, step: Step, *, reason: str) -> None:
    """Fail a step whose retries are spent with a system finding: our fault, not the publisher's."""
    logger.error("giving up step %s of submission %s: %s", step.key, submission.pk, reason)
    findings_store(
        submission,
        step,
        [
            CheckFinding(
                code="system.step_failed",
                message=_(
                    "%(step)s could not be completed because of a problem on our side. This is not a problem "
                    "with your offer; our operators have been alerted. You can publish again at any time."
                )
                % {"step": step.name},
                system=True,
            )
        ],
        source=Finding.Source.SYSTEM,
    )
    step.fail(timezone.now())
    step.save()
    history_record(
        submission.offer, "step_failed", message=_("%(step)s failed (system)") % {"step": step.name}, internal=False
    )
    submission_fail(submission)


def submission_fail(submission: Submission) -> None:
    """End a submission that failed: skip what is left, offer to Attention needed, queue the report."""

    now = timezone.now()
    submission.fail(now)
    submission.save()
    _skip_remaining(submission, now)
    ReviewItem.objects.filter(submission=submission, state=ReviewItem.State.OPEN).update(
        state=ReviewItem.State.CANCELLED
    )
    offer = Offer.objects.select_for_update().get(pk=submission.offer_id)
    offer.need_attention()
    offer.save()
    history_record(offer, "attention_needed", message=_("Attention needed: certification failure report sent"))
    notify_failure_report(submission)
    event_submission_failed(submission)


def _skip_remaining(submission: Submission, now) -> None:
    for step in submission.steps.select_for_update().filter(state__in=[Step.State.PENDING, Step.State.WAITING]):
        step.skip(now)
        step.save()


def _listing_step(submission: Submission, step: Step, definition: StepDef, now) -> None:
    """Preview creation or Final publish: the snapshot becomes the preview or the live listing."""

    offer = Offer.objects.select_for_update().get(pk=submission.offer_id)
    if definition.kind == Kind.PREVIEW:
        offer.preview_ready(submission.snapshot)
        history_record(offer, "preview_ready", message=_("Preview ready"))
    else:
        offer.publish_live(submission.snapshot)
        live_plans = {p["plan_id"] for p in submission.snapshot.data.get("plans", [])}
        for plan in offer.plans.select_for_update().filter(plan_id__in=live_plans, status__in=Plan.PURCHASABLE):
            plan.go_live()
            plan.save()
        history_record(offer, "published_live", message=_("Published live"))
    offer.save()
    step.succeed(now)
    step.save()
    if definition.kind == Kind.FINAL:
        submission.complete(now)
        submission.save()
        notify_live(submission)
        event_offer_live(submission)
        return
    submission.save(update_fields=["updated_at"])
    enqueue_advance(submission.pk)


def watchdog_record(submission: Submission, reason: str) -> None:
    """Record in the offer's history (internal, no actor) that the watchdog re-drove the submission."""
    history_record(
        submission.offer,
        "redriven",
        message=_("Re-driven by the watchdog: %(reason)s") % {"reason": reason},
        internal=True,
        submission=submission.number,
    )


def pipeline_watchdog(*, now=None) -> dict:
    """Re-drive stalled submissions: a step whose heartbeat stopped, or a running submission left idle."""
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=_setting("PIPELINE_STALE_AFTER", 30))
    idle_before = now - timedelta(seconds=_setting("PIPELINE_IDLE_AFTER", 30))
    requeued = given_up = redriven = 0
    stalled = Step.objects.filter(
        state=Step.State.RUNNING, heartbeat_at__lt=stale_before, submission__state=Submission.State.RUNNING
    )
    for step_id, submission_id in stalled.values_list("pk", "submission_id"):
        with transaction.atomic():
            submission = submission_lock(submission_id)
            step = Step.objects.select_for_update().get(pk=step_id)
            if (
                step.state != Step.State.RUNNING
                or step.heartbeat_at >= stale_before
                or submission.state != Submission.State.RUNNING
            ):
                continue
            if step.attempts >= _setting("PIPELINE_STEP_MAX_ATTEMPTS", 3):
                step_give_up(submission, step, reason="no heartbeat; retries spent")
                given_up += 1
                continue
            step.requeue()
            step.save()
            submission.save(update_fields=["updated_at"])
            watchdog_record(submission, _("%(step)s stalled") % {"step": step.name})
            enqueue_advance(submission.pk)
            requeued += 1
    idle = (
        Submission.objects.filter(state=Submission.State.RUNNING, updated_at__lt=idle_before)
        .exclude(steps__state=Step.State.RUNNING)
        .select_related("offer")
    )
    for submission in idle:
        with transaction.atomic():
            watchdog_record(submission, _("idle"))
            enqueue_advance(submission.pk)
        redriven += 1
    return {"requeued": requeued, "given_up": given_up, "redriven": redriven}
