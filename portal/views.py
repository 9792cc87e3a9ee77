"""Views of the portal: the landing page, the overview dashboard, liveness and readiness."""

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from offers.models import Offer
from offers.selectors import offers_dashboard, offers_status_counts
from offers.types import offer_type_choices
from portal import health
from portal.outages import outages_track
from safeinput.pagination import paginate

DASHBOARD_PAGE_SIZE = 25


def landing(request):
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    return render(request, "portal/landing.html")


@never_cache
@require_GET
def healthz(request):
    """Liveness: this process answers. Nothing else is checked: restarting it never mends a database outage."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Readiness of every part, 200 or 503; what each probe saw only for a signed-in operator."""
    probes = health.readiness()
    outages_track(probes)
    ready = all(probe.ok for probe in probes)
    body = {"status": "ok" if ready else "unavailable"}
    if _is_operator(request):
        body["components"] = {probe.component.value: {"ok": probe.ok, "detail": probe.detail} for probe in probes}
    return JsonResponse(body, status=200 if ready else 503)


def _is_operator(request) -> bool:
    try:  # reading the session needs the database, which may be the part that is down
        user = request.user
        return bool(
            user.is_active and user.is_staff and (user.is_superuser or user.groups.filter(name="Operators").exists())
        )
    except DatabaseError:
        return False


@login_required
def dashboard(request):
    membership = request.membership
    if not membership:
        return redirect("accounts:no-account")
    status = request.GET.get("status", "")
    offer_type = request.GET.get("type", "")
    query = request.GET.get("q", "").strip()[:100]
    status = status if status in Offer.Status.values else ""
    types = offer_type_choices()
    offer_type = offer_type if offer_type in dict(types) else ""
    offers = offers_dashboard(membership, status=status, offer_type=offer_type, query=query)
    counts = offers_status_counts(membership)
    # without a type or a search, the status counts already say how many offers the list holds
    known = None if offer_type or query else (counts[status] if status else sum(counts.values()))
    page = paginate(request, offers, DASHBOARD_PAGE_SIZE, count=known)
    _overview_urls(page)
    context = {
        "page_obj": page,
        "status_counts": [
            (value, label, counts[value], Offer.STATUS_COLOURS[value]) for value, label in Offer.Status.choices
        ],
        "total": sum(counts.values()),
        "types": types,
        "filters": {"status": status, "type": offer_type, "q": query},
    }
    return render(request, "portal/dashboard.html", context)


def _overview_urls(offers) -> None:
    """Set ``overview_url`` on each offer: the URL reversed once, its number swapped per row (a reverse() per row
    was a tenth of the page's time)."""
    marker = 987654321987
    before, after = reverse("certification:overview", args=[marker]).split(str(marker))
    for offer in offers:
        offer.overview_url = f"{before}{offer.pk}{after}"
