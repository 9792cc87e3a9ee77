"""The publisher's pipeline pages: offer overview and timeline, Review and publish, Go live, Cancel, Stop selling,
History and Compare."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from certification import selectors
from certification.confirmations import CONFIRMED_FIELD, QUESTIONS
from certification.models import Finding, Submission
from certification.notifications import findings_for_report
from certification.previews import preview_links
from certification.reviews import conversation_findings, conversation_read, finding_reply
from certification.services import (
    NotYet,
    PublishRefused,
    offer_stop_selling,
    plan_sell_again,
    plan_stop_selling,
    publish_go_live,
    submission_cancel,
    submission_start,
)
from offers.forms.create import NotesForm
from offers.labels import location_labels
from offers.models import Offer, Plan
from offers.pages import OfferState
from offers.selectors import offer_get
from offers.services import notes_save
from offers.snapshots import snapshot_build, snapshot_compare
from offers.views import offer_context
from safeinput.pagination import paginate

HISTORY_PAGE_SIZE = 50

# The messages that say a submission is moving carry this tag; the overview removes them when it stops moving.
MOVING = "submission-moving"


def _overview_context(offer: Offer) -> dict:
    latest = selectors.submission_latest(offer)
    active = selectors.submission_active(offer)
    failed = latest is not None and latest.state == Submission.State.FAILED
    findings = conversation_findings(findings_for_report(latest, absolute=False), publisher=True) if failed else []
    timeline = selectors.submission_timeline(latest) if latest else []
    wait = selectors.review_wait(latest)
    plans = list(offer.plans.all())  # prefetched by the views: one query for the page, its navigation and this
    live_plans = (
        [plan for plan in plans if plan.status == Plan.Status.LIVE] if offer.status == Offer.Status.LIVE else []
    )
    return {
        "submission": latest,
        "timeline": timeline,
        "review_wait": wait,
        "forecast": selectors.timeline_forecast(timeline, wait) if latest and latest.active else None,
        "publishing": selectors.submission_moving(offer, latest),
        "go_live": selectors.signoff_waiting(offer, active),
        "cancellable": selectors.submission_cancellable(latest),
        "findings": findings,
        "preview_links": preview_links(offer) if offer.status == Offer.Status.PREVIEW else [],
        "live_plans": live_plans,
        # Every plan a live listing held (live, stopping, stopped or to be sold again), and whether a stopped one
        # may be sold again now (not while a submission that leaves it out is under way).
        "plans": [plan for plan in plans if not plan.deletable],
        "sell_again_open": active is None,
    }


def _with_plans(offer: Offer) -> Offer:
    """Read the offer's plans once: the pages' navigation (OfferState), the live plans and the plans panel share them."""
    prefetch_related_objects([offer], "plans")
    return offer


@member_required
def overview(request, membership, offer_pk):
    offer = _with_plans(offer_get(membership, offer_pk))
    context = offer_context(OfferState(offer), "overview", **_overview_context(offer))
    response = render(request, "certification/overview.html", context)
    conversation_read(offer=offer, publisher_user=request.user)  # shown once as new, then read
    return response


@member_required
@require_POST
def finding_message(request, membership, offer_pk, finding_pk):
    """The publisher replies to a finding, or disputes it; errors are shown on the overview beside the finding."""
    offer = offer_get(membership, offer_pk)
    body = request.POST.get("body", "")
    try:
        finding_reply(
            membership=membership,
            finding_id=finding_pk,
            offer_id=offer.pk,
            body=body,
            dispute=request.POST.get("action") == "dispute",
            attachment=request.FILES.get("attachment"),
        )
    except Finding.DoesNotExist as missing:
        raise Http404 from missing
    except PermissionDenied as refused:
        messages.error(request, str(refused) or _("You may not answer findings."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Sent to the reviewers. You will be told when they answer."))
    return redirect(f"{reverse('certification:overview', args=[offer.pk])}#finding-{finding_pk}")


@member_required
def overview_status(request, membership, offer_pk):
    """The live part of the overview (status, timeline, actions), polled with htmx while publishing.

    Its answer also replaces the status badge beside the offer's name (an out-of-band swap), so the badge and the
    panel always come from the same read of the offer.
    """
    offer = _with_plans(offer_get(membership, offer_pk))
    return render(request, "certification/_status.html", {"offer": offer, "oob": True, **_overview_context(offer)})


@member_required
def review_and_publish(request, membership, offer_pk):
    state = OfferState(offer_get(membership, offer_pk))
    pages = state.page_states()
    requires_testing = state.spec.requires_testing(state.values)
    notes = NotesForm(request.POST or None, initial={"notes_for_certification": state.offer.notes_for_certification})
    if request.method == "POST" and notes.is_valid():
        if requires_testing:
            notes_save(offer=state.offer, notes=notes.cleaned_data["notes_for_certification"])
        if request.POST.get("action") != "publish":
            messages.success(request, _("Notes for certification saved."))
            return redirect("certification:review", state.offer.pk)
        try:
            submission_start(offer_id=state.offer.pk, by=request.user)
        except (PublishRefused, PermissionDenied) as error:
            messages.error(request, getattr(error, "message", None) or str(error))
            return redirect("certification:review", state.offer.pk)
        messages.success(request, _("Publishing started. Follow each step on this page."), extra_tags=MOVING)
        return redirect("certification:overview", state.offer.pk)
    context = offer_context(
        state,
        "review",
        pages=pages,
        ready=all(page.complete for page in pages),
        publishable=state.offer.status in Offer.PUBLISHABLE,
        notes=notes,
        requires_testing=requires_testing,
        nav_pages=pages,
    )
    return render(request, "certification/review.html", context)


def _act(request, offer, action, success: str, *, ask: str, tags: str = "", **params):
    """Run ``action`` once the publisher has answered the question ``ask``; until then show it on a page."""
    if request.POST.get(CONFIRMED_FIELD) != "yes":  # without JavaScript no modal asked first
        question = QUESTIONS[ask].about(**params)
        return render(request, "certification/confirm.html", {"offer": offer, "question": question})
    try:
        action()
    except NotYet as wait:
        messages.info(request, wait.message)
    except (PublishRefused, PermissionDenied) as error:
        messages.error(request, getattr(error, "message", None) or str(error))
    else:
        messages.success(request, success, extra_tags=tags)
    return redirect("certification:overview", offer.pk)


@member_required
@require_POST
def go_live(request, membership, offer_pk):
    offer = offer_get(membership, offer_pk)
    return _act(
        request,
        offer,
        lambda: publish_go_live(offer_id=offer.pk, by=request.user),
        _("Go live: the publish phase has started."),
        ask="go_live",
        tags=MOVING,
    )


@member_required
@require_POST
def cancel(request, membership, offer_pk):
    offer = offer_get(membership, offer_pk)
    return _act(
        request,
        offer,
        lambda: submission_cancel(offer_id=offer.pk, by=request.user),
        _("Publishing cancelled."),
        ask="cancel_publish",
    )


@member_required
@require_POST
def stop_selling(request, membership, offer_pk):
    offer = offer_get(membership, offer_pk)
    return _act(
        request,
        offer,
        lambda: offer_stop_selling(offer_id=offer.pk, by=request.user),
        _("Stop selling requested. The offer leaves the marketplace shortly; existing customers keep their purchases."),
        ask="stop_selling",
    )


@member_required
@require_POST
def plan_stop(request, membership, offer_pk, plan_pk):
    offer = offer_get(membership, offer_pk)
    plan = get_object_or_404(offer.plans.all(), pk=plan_pk)
    return _act(
        request,
        offer,
        lambda: plan_stop_selling(plan_id=plan.pk, by=request.user),
        _("Stop selling plan %(id)s requested.") % {"id": plan.plan_id},
        ask="stop_selling_plan",
        plan=plan.name,
    )


@member_required
@require_POST
def plan_sell(request, membership, offer_pk, plan_pk):
    """Sell a stopped plan again: the offer's next publish checks it and puts it live."""
    offer = offer_get(membership, offer_pk)
    plan = get_object_or_404(offer.plans.all(), pk=plan_pk)
    try:
        plan_sell_again(plan_id=plan.pk, by=request.user)
    except (PublishRefused, PermissionDenied) as error:
        messages.error(request, getattr(error, "message", None) or str(error))
    else:
        messages.success(
            request,
            _("Plan %(id)s will be sold again once you publish the offer (Update offer or Republish).")
            % {"id": plan.plan_id},
        )
    return redirect("certification:overview", offer.pk)


@member_required
def history(request, membership, offer_pk):
    state = OfferState(offer_get(membership, offer_pk))
    page = paginate(request, selectors.offer_history(state.offer), HISTORY_PAGE_SIZE)
    return render(request, "certification/history.html", offer_context(state, "history", page_obj=page))


@member_required
def compare(request, membership, offer_pk):
    state = OfferState(offer_get(membership, offer_pk))
    offer = state.offer
    targets = {"preview": offer.preview_snapshot, "live": offer.live_snapshot}
    available = [key for key, snapshot in targets.items() if snapshot is not None]
    against = (
        request.GET.get("against") if request.GET.get("against") in available else (available[-1] if available else "")
    )
    changes = snapshot_compare(targets[against].data, snapshot_build(offer)) if against else []
    order = {spec.key: i for i, spec in enumerate(state.spec.pages)}
    changes.sort(key=lambda c: (order.get(c.page, len(order)), c.page))
    plans = targets[against].data.get("plans") if against else []
    rows = [(c, *location_labels(offer.offer_type, c.page, c.field, plans)) for c in changes]
    context = offer_context(state, "compare", changes=changes, rows=rows, against=against, available=available)
    return render(request, "certification/compare.html", context)
