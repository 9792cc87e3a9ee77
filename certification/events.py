"""The pipeline's webhook events: what each one carries, emitted through ``webhooks.webhook_emit`` in the
transaction of the change.

The services call one function here where each event happens. An offer's status and a step's state change in many
places, always through their state machines: ``transition_receiver`` (connected to django-fsm's
``post_transition`` in CertificationConfig.ready) emits offer.status_changed and submission.step_changed for every
transition, so no transition can be missed.
"""

from django.db.models import Subquery
from django.utils.functional import SimpleLazyObject

from certification.models import Step, Submission
from certification.notifications import findings_for_report
from certification.previews import preview_links
from offers.models import Offer
from webhooks.models import WebhookEventType as Event
from webhooks.services import webhook_emit


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


def event_offer_live(submission: Submission) -> None:
    offer = submission.offer
    _emit(
        offer, Event.OFFER_LIVE, lambda: {"offer": offer_data(_fresh(offer)), "submission": submission_data(submission)}
    )


def event_stop_sell_completed(offer: Offer, plan=None) -> None:
    _emit(
        offer,
        Event.STOP_SELL_COMPLETED,
        lambda: {"offer": offer_data(offer), "plan": {"plan_id": plan.plan_id} if plan is not None else None},
    )


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
    elif sender is Step:
        _step_changed(instance, source, target)


def _step_changed(step: Step, source: str, target: str) -> None:
    """Emit submission.step_changed; the submission is read only when an endpoint subscribes (steps change often)."""
    submission = SimpleLazyObject(lambda: Submission.objects.select_related("offer").get(pk=step.submission_id))
    webhook_emit(
        account=Subquery(Submission.objects.filter(pk=step.submission_id).values("offer__account_id")[:1]),
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
