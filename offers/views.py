"""The publisher's offer editor: create an offer, edit its pages and plans, Review and publish."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from offers.files import stored_file_response
from offers.forms.create import OfferCreateForm
from offers.leads import lead_test_payload
from offers.pages import OfferState, PageStatus
from offers.selectors import offer_file_get, offer_get, plan_get
from offers.services import offer_create, page_save, plan_create, plan_delete, plan_save
from offers.types import offer_types
from offers.validators import audience_csv_render
from outbox.sandbox import sandbox_addresses, sandbox_url
from outbox.services import outbox_send_now

# The addresses of the publisher sandbox of `make run` a page can use: (field of the page, sandbox purpose, label).
SANDBOX_HELP = (
    ("leads_https_url", "leads_https_url", gettext_lazy("Customer leads, HTTPS endpoint")),
    ("landing_page_url", "landing_page_url", gettext_lazy("Landing page URL")),
    ("connection_webhook", "connection_webhook", gettext_lazy("Connection webhook")),
    ("privacy_policy_url", "site", gettext_lazy("Privacy policy, support and useful links: any page under")),
)


def offer_context(state: OfferState, active: str, **extra) -> dict:
    return {"offer": state.offer, "state": state, "nav_pages": state.page_states(), "active": active, **extra}


@member_required
def offer_new(request, membership):
    form = OfferCreateForm(request.POST or None, initial={"offer_type": request.GET.get("type")})
    if request.method == "POST" and form.is_valid():
        try:
            offer = offer_create(
                membership=membership,
                offer_type_key=form.cleaned_data["offer_type"],
                offer_id=form.cleaned_data["offer_id"],
                alias=form.cleaned_data["alias"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Offer %(alias)s created. Start with Offer setup.") % {"alias": offer.alias})
            return redirect("offers:page", offer.pk, "offer_setup")
    return render(request, "offers/offer_new.html", {"form": form, "types": offer_types()})


def _page_spec(state: OfferState, key: str):
    spec = state.spec.page(key)
    if spec is None or spec not in state.pages():
        raise Http404(_("This offer has no such page."))
    return spec


@member_required
def page_edit(request, membership, offer_pk, key):
    state = OfferState(offer_get(membership, offer_pk))
    spec = _page_spec(state, key)
    if spec.kind == "plans":
        return _plans_page(request, state, spec)
    stored = state.values.get(key)
    if request.method == "POST":
        form = state.page_form(spec, data=request.POST, files=request.FILES, initial=stored)
        if form.is_valid():
            page_save(offer=state.offer, key=key, form=form, by=request.user)
            state = OfferState(state.offer)
            page = state.page_state(spec)
            if request.POST.get("action") == "validate_leads":
                _validate_leads(request, state)
            elif page.status == PageStatus.COMPLETE:
                messages.success(request, _("%(page)s saved. The page is complete.") % {"page": spec.title})
            else:
                messages.warning(
                    request, _("%(page)s saved as a draft. It is not complete yet.") % {"page": spec.title}
                )
            return redirect("offers:page", state.offer.pk, key)
        messages.error(request, _("The page was not saved. Correct the errors below."))
    else:
        form = state.page_form(spec, initial=stored)
        form.show_conflicts(state.page_state(spec).field_errors)
    page = state.page_state(spec)
    context = offer_context(state, key, form=form, page=page, spec=spec, page_key=key, sandbox=_sandbox_help(form))
    return render(request, "offers/page_edit.html", context)


def _sandbox_help(form) -> dict | None:
    """Return the sandbox's front page and (label, address) of each address the page's fields can use, or None."""
    addresses = sandbox_addresses()
    rows = [(label, addresses[purpose]) for field, purpose, label in SANDBOX_HELP if addresses and field in form.fields]
    return {"home": f"{sandbox_url()}/", "addresses": rows} if rows else None


def _validate_leads(request, state: OfferState) -> None:
    """Send a test lead now through the outbox; each click is a new lead with its own key."""
    result = outbox_send_now(
        key=f"offer:{state.offer.pk}:lead-validation:{uuid.uuid4().hex}",
        setup=state.values.get("offer_setup", {}),
        payload=lead_test_payload(state.offer),
    )
    if result.ok:
        messages.success(request, _("Test lead delivered: %(detail)s") % {"detail": result.detail})
    else:
        messages.error(request, _("The test lead was not delivered: %(detail)s") % {"detail": result.detail})


def _plans_page(request, state: OfferState, spec):
    page = state.page_state(spec)
    plan_rows = [{"plan": plan, "complete": state.plan_complete[plan.pk]} for plan in state.plans]
    return render(
        request, "offers/plans.html", offer_context(state, spec.key, page=page, spec=spec, plan_rows=plan_rows)
    )


@member_required
def plan_new(request, membership, offer_pk):
    state = OfferState(offer_get(membership, offer_pk))
    spec = _page_spec(state, "plans")
    form = state.plan_form(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                plan = plan_create(offer=state.offer, form=form, by=request.user)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Plan %(id)s created.") % {"id": plan.plan_id})
                return redirect("offers:plan", state.offer.pk, plan.pk)
        messages.error(request, _("The plan was not created. Correct the errors below."))
    return render(request, "offers/plan_edit.html", offer_context(state, spec.key, form=form, plan=None, spec=spec))


@member_required
def plan_edit(request, membership, offer_pk, plan_pk):
    offer, plan = plan_get(membership, offer_pk, plan_pk)
    state = OfferState(offer)
    spec = _page_spec(state, "plans")
    plan = next(p for p in state.plans if p.pk == plan.pk)
    if request.method == "POST":
        form = state.plan_form(plan, data=request.POST, files=request.FILES, initial=plan.data)
        if form.is_valid():
            plan_save(plan=plan, form=form, by=request.user)
            complete = OfferState(offer).plan_form(plan, data=plan.data, complete=True).is_valid()
            if complete:
                messages.success(request, _("Plan %(id)s saved. The plan is complete.") % {"id": plan.plan_id})
            else:
                messages.warning(
                    request, _("Plan %(id)s saved as a draft. It is not complete yet.") % {"id": plan.plan_id}
                )
            return redirect("offers:plan", offer.pk, plan.pk)
        messages.error(request, _("The plan was not saved. Correct the errors below."))
    else:
        form = state.plan_form(plan, initial=plan.data)
    completeness = state.plan_form(plan, data=plan.data, complete=True)
    completeness.is_valid()
    return render(
        request,
        "offers/plan_edit.html",
        offer_context(state, spec.key, form=form, plan=plan, spec=spec, missing=completeness.errors),
    )


@member_required
@require_POST
def plan_remove(request, membership, offer_pk, plan_pk):
    offer, plan = plan_get(membership, offer_pk, plan_pk)
    try:
        plan_delete(plan=plan, by=request.user)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Plan %(id)s deleted.") % {"id": plan.plan_id})
    return redirect("offers:page", offer.pk, "plans")


@member_required
def audience_export(request, membership, offer_pk):
    state = OfferState(offer_get(membership, offer_pk))
    spec = _page_spec(state, "preview_audience")
    entries = state.values.get(spec.key, {}).get("entries") or []
    body = audience_csv_render(entries, kind=spec.form.csv_kind)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{state.offer.offer_id}-preview-audience.csv"'
    return response


@member_required
def offer_file(request, membership, offer_pk, file_pk):
    """Serve a file uploaded to one of the account's offers to its members (the editor's previews and links)."""
    stored = offer_file_get(membership, offer_pk, file_pk)
    response = stored_file_response(
        stored.file.name,
        content_type=stored.content_type,
        filename=stored.original_name,
        inline=stored.content_type == "image/png",
    )
    response["Cache-Control"] = "private, max-age=3600"  # a stored file never changes; a new upload is a new file
    return response


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
