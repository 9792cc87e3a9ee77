"""Views of the account's webhooks: endpoints (Owners manage, every member reads) and each one's delivery log."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required, reauthentication_required
from accounts.settings_views import settings_context
from safeinput.pagination import paginate
from webhooks.forms import WebhookEndpointForm
from webhooks.models import WebhookEventType
from webhooks.selectors import webhook_deliveries_of, webhook_deliveries_of_account, webhook_endpoints_of
from webhooks.services import (
    WebhookRefused,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_enable,
    webhook_endpoint_rotate,
    webhook_redeliver,
)

DELIVERIES_PAGE_SIZE = 25


def _owner_only(membership) -> None:
    if not membership.is_owner:
        raise PermissionDenied(_("Only Owners of the account manage its webhooks."))


def _secret_shown(request, context: dict, template: str):
    response = render(request, template, context)
    if context.get("secret_shown"):
        response["Cache-Control"] = "no-store"  # the page holds the secret
    return response


@member_required
@reauthentication_required  # a new endpoint's secret (issue 22)
def endpoints(request, membership):
    """The account's endpoints; Owners add one here (its secret is shown once)."""
    form = WebhookEndpointForm(request.POST or None)
    created = None
    if request.method == "POST":
        _owner_only(membership)
        if form.is_valid():
            created = webhook_endpoint_create(
                by=membership,
                url=form.cleaned_data["url"],
                event_types=form.cleaned_data["event_types"],
                description=form.cleaned_data["description"],
            )
            messages.success(request, _("Webhook endpoint added. Copy its signing secret now: it is not shown again."))
            form = WebhookEndpointForm()
        else:
            messages.error(request, _("The endpoint was not added: correct the fields marked below."))
    context = settings_context(
        membership,
        "webhooks",
        form=form,
        endpoints=webhook_endpoints_of(membership.account_id),
        secret_shown=created,
        event_types=WebhookEventType.choices,
    )
    return _secret_shown(request, context, "webhooks/endpoints.html")


@member_required
def endpoint(request, membership, endpoint_pk):
    """One endpoint: its events and its delivery log, newest first, with Redeliver for what was not delivered."""
    found = get_object_or_404(webhook_endpoints_of(membership.account_id), pk=endpoint_pk)
    page = paginate(request, webhook_deliveries_of(found), DELIVERIES_PAGE_SIZE)
    context = settings_context(membership, "webhooks", endpoint=found, page_obj=page)
    return render(request, "webhooks/endpoint.html", context)


@member_required
@require_POST
@reauthentication_required
def endpoint_rotate(request, membership, endpoint_pk):
    found = get_object_or_404(webhook_endpoints_of(membership.account_id), pk=endpoint_pk)
    _owner_only(membership)
    rotated = webhook_endpoint_rotate(by=membership, endpoint_id=found.pk)
    messages.success(
        request,
        _("New signing secret created. Copy it now: it is not shown again. The previous one also signs for 24 hours."),
    )
    context = settings_context(
        membership,
        "webhooks",
        form=WebhookEndpointForm(),
        endpoints=webhook_endpoints_of(membership.account_id),
        secret_shown=rotated,
        event_types=WebhookEventType.choices,
    )
    return _secret_shown(request, context, "webhooks/endpoints.html")


@member_required
@require_POST
def endpoint_enable(request, membership, endpoint_pk):
    found = get_object_or_404(webhook_endpoints_of(membership.account_id), pk=endpoint_pk)
    _owner_only(membership)
    enabled = request.POST.get("enabled") == "1"
    webhook_endpoint_enable(by=membership, endpoint_id=found.pk, enabled=enabled)
    if enabled:
        messages.success(request, _("%(url)s is enabled: new events are sent to it.") % {"url": found.url})
    else:
        messages.success(request, _("%(url)s is disabled: no events are sent to it.") % {"url": found.url})
    return redirect("webhooks:endpoints")


@member_required
@require_POST
@reauthentication_required
def endpoint_delete(request, membership, endpoint_pk):
    found = get_object_or_404(webhook_endpoints_of(membership.account_id), pk=endpoint_pk)
    _owner_only(membership)
    webhook_endpoint_delete(by=membership, endpoint_id=found.pk)
    messages.success(request, _("%(url)s deleted, with its delivery log.") % {"url": found.url})
    return redirect("webhooks:endpoints")


@member_required
@require_POST
def delivery_redeliver(request, membership, delivery_pk):
    delivery = get_object_or_404(webhook_deliveries_of_account(membership.account_id), pk=delivery_pk)
    _owner_only(membership)  # after the lookup: another account's delivery is 404 whatever the role
    try:
        webhook_redeliver(by=membership, delivery_id=delivery.pk)
    except WebhookRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("%(type)s queued for delivery again.") % {"type": delivery.event_type})
    return redirect("webhooks:endpoint", delivery.endpoint_id)
