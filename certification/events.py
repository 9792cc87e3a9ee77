"""The pipeline's webhook events: what each one carries, emitted through ``webhooks.webhook_emit`` in the
transaction of the change.

The services call one function here where each event happens. An offer's status and a step's state change in many
places, always through their state machines: ``transition_receiver`` (connected to django-fsm's
``post_transition`` in CertificationConfig.ready) emits offer.status_changed and submission.step_changed for every
transition, so no transition can be missed.

The same event points put an entry in the bell of the account's Owners and Managers (``notice_account``): one event
source for webhooks and notifications.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Subquery
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from certification.models import Step, Submission
from certification.notifications import findings_for_report, notice_account, overview_path, reviewer_label
from certification.previews import preview_links
from offers.models import Offer
from webhooks.models import WebhookEventType as Event
from webhooks.services import webhook_emit, webhook_endpoints_memo


def offer_data(offer: Offer) -> dict:
    return {
        "id": offer.pk,
        "offer_id": offer.offer_id,
        "alias": offer.alias,
        "type": offer.offer_type,
        "status": offer.status,
    }


def submission_data(submission: Submission) -> dict:
    return {"id": submission.pk, "number": submission.number, "state": submission.state}


def failure_report_data(submission: Submission) -> dict:
    """Return the certification failure report as data: each finding with its policy, place, message and notes."""
    return {
        "findings": [
            {
                "policy": {"number": f.policy.number, "title": f.policy.title, "version": f.policy.version}
                if f.policy
                else None,
                "page": f.page,
                "page_title": str(f.page_title or ""),
                "field": f.field,
                "field_label": str(f.field_label or ""),
                "message": f.message,
                "reviewer_notes": f.review_notes,
                "severity": f.severity,
                "source": f.source,
                "fix_url": f.fix_url,
            }
            for f in findings_for_report(submission, absolute=True)
        ]
    }


def _emit(offer: Offer, event_type: str, data) -> None:
    webhook_emit(account=offer.account_id, event_type=event_type, offer=offer.pk, data=data)


def _notice(offer: Offer, key: str, message: str) -> None:
    notice_account(offer.account_id, key=key, message=message, url=overview_path(offer))


def _name(offer: Offer) -> str:
    return offer.alias or offer.offer_id


def event_submission_started(submission: Submission) -> None:
    offer = submission.offer
    _emit(
        offer, Event.SUBMISSION_STARTED, lambda: {"offer": offer_data(offer), "submission": submission_data(submission)}
    )


def _fresh(offer: Offer) -> Offer:
    """The offer as the transaction sees it now (the caller may hold an instance read before its transition)."""
    return Offer.objects.get(pk=offer.pk)


def event_submission_failed(submission: Submission) -> None:
    offer = submission.offer
    _emit(
        offer,
        Event.SUBMISSION_FAILED,
        lambda: {
            "offer": offer_data(_fresh(offer)),
            "submission": submission_data(submission),
            "report": failure_report_data(submission),
        },
    )
    _notice(
        offer,
        f"submission:{submission.pk}:failed",
        _("%(offer)s: certification failed; see the failure report") % {"offer": _name(offer)},
    )


def event_submission_waiting_signoff(submission: Submission) -> None:
    offer = submission.offer
    _emit(
        offer,
        Event.SUBMISSION_WAITING_SIGNOFF,
        lambda: {
            "offer": offer_data(offer),
            "submission": submission_data(submission),
            "preview_links": [{"label": label, "url": url} for label, url in preview_links(offer)],
        },
    )
    _notice(
        offer,
        f"submission:{submission.pk}:signoff",
        _("%(offer)s: the preview is ready; select Go live when you are satisfied") % {"offer": _name(offer)},
    )


def event_review_claimed(item) -> None:
    submission = item.submission
    _emit(
        submission.offer,
        Event.REVIEW_CLAIMED,
        lambda: {
            "offer": offer_data(submission.offer),
            "submission": submission_data(submission),
            "review": {"level": item.level, "claimed_at": item.claimed_at.isoformat()},
        },
    )
    _notice(
        submission.offer,
        f"review:{item.pk}:claimed",
        _("%(offer)s: %(level)s picked up by %(who)s at %(at)s; expected decision by %(due)s")
        % {
            "offer": _name(submission.offer),
            "level": item.get_level_display(),
            "who": reviewer_label(item.claimed_by),
            "at": timezone.localtime(item.claimed_at).strftime("%H:%M"),
            "due": timezone.localtime(item.due_at).strftime("%a %-d %b"),
        },
    )


def event_review_decided(item, submission: Submission) -> None:
    """A reviewer (or a rule, ``auto_rule``) approved or rejected a level; a rejection's findings follow in
    submission.failed."""
    offer = submission.offer
    _emit(
        offer,
        Event.REVIEW_DECIDED,
        lambda: {
            "offer": offer_data(offer),
            "submission": submission_data(submission),
            "review": {
                "level": item.level,
                "decision": item.state,
                "decided_at": item.decided_at.isoformat() if item.decided_at else None,
                "automatic_rule": item.auto_rule,
            },
        },
    )
    _notice(
        offer,
        f"review:{item.pk}:decided",
        _("%(offer)s: %(level)s %(decision)s")
        % {"offer": _name(offer), "level": item.get_level_display(), "decision": item.get_state_display().lower()},
    )


def event_offer_live(submission: Submission) -> None:
    offer = submission.offer
    _emit(
        offer, Event.OFFER_LIVE, lambda: {"offer": offer_data(_fresh(offer)), "submission": submission_data(submission)}
    )
    _notice(offer, f"submission:{submission.pk}:live", _("%(offer)s is live") % {"offer": _name(offer)})


def event_stop_sell_completed(offer: Offer, plan=None) -> None:
    _emit(
        offer,
        Event.STOP_SELL_COMPLETED,
        lambda: {"offer": offer_data(offer), "plan": {"plan_id": plan.plan_id} if plan is not None else None},
    )
    what = _("plan %(plan)s") % {"plan": plan.plan_id} if plan is not None else _name(offer)
    _notice(
        offer,
        f"stop-sell:{offer.pk}:{plan.pk if plan is not None else 'offer'}:{timezone.now():%Y%m%d%H%M%S}",
        _("Stop sell done: %(what)s is no longer sold") % {"what": what},
    )


def event_finding_answered(message) -> None:
    """A reviewer answered the publisher on a finding (not a webhook event: the bell only)."""
    offer = message.finding.submission.offer
    notice_account(
        offer.account_id,
        key=f"finding-message:{message.pk}",
        message=_("%(offer)s: a reviewer answered you on a finding") % {"offer": _name(offer)},
        url=f"{overview_path(offer)}#finding-{message.finding_id}",
    )


# Statuses whose own event already puts an entry in the bell (the failure report, the preview, live).
NOTICED_ELSEWHERE = (Offer.Status.ATTENTION_NEEDED, Offer.Status.PREVIEW, Offer.Status.LIVE)


def transition_receiver(sender, instance, name, source, target, **kwargs) -> None:
    """Emit offer.status_changed or submission.step_changed for a transition of an offer or a step."""
    if source == target:
        return
    if sender is Offer:
        _emit(
            instance,
            Event.OFFER_STATUS_CHANGED,
            lambda: {"offer": offer_data(instance), "from": source, "to": target, "transition": name},
        )
        if target not in NOTICED_ELSEWHERE:
            _notice(
                instance,
                f"offer:{instance.pk}:status:{timezone.now():%Y%m%d%H%M%S%f}",
                _("%(offer)s is now %(status)s") % {"offer": _name(instance), "status": Offer.Status(target).label},
            )
    elif sender is Step:
        _step_changed(instance, source, target)


# Inside ``step_events_known``: (submission id, account id) of the submission whose steps change (None outside).
_KNOWN: ContextVar[tuple[int, int] | None] = ContextVar("step_events_known", default=None)


@contextmanager
def step_events_known(submission_id: int, account_id: int) -> Iterator[None]:
    """Within the block (one transaction of the engine), the events of this submission's steps know its account and
    read the account's webhook endpoints once, however many steps change."""
    token = _KNOWN.set((submission_id, account_id))
    try:
        with webhook_endpoints_memo():
            yield
    finally:
        _KNOWN.reset(token)


def _step_account(step: Step):
    known = _KNOWN.get()
    if known is not None and known[0] == step.submission_id:
        return known[1]
    return Subquery(Submission.objects.filter(pk=step.submission_id).values("offer__account_id")[:1])


def _step_changed(step: Step, source: str, target: str) -> None:
    """Emit submission.step_changed; the submission is read only when an endpoint subscribes (steps change often)."""
    submission = SimpleLazyObject(lambda: Submission.objects.select_related("offer").get(pk=step.submission_id))
    webhook_emit(
        account=_step_account(step),
        event_type=Event.SUBMISSION_STEP_CHANGED,
        offer=lambda: submission.offer_id,
        data=lambda: {
            "offer": offer_data(submission.offer),
            "submission": submission_data(submission),
            "step": {
                "order": step.order,
                "phase": step.phase,
                "key": step.key,
                "name": step.name,
                "from": source,
                "to": target,
            },
        },
    )
