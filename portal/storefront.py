"""The storefront: preview listings for the preview audience (the public catalogue builds on this)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from certification.previews import preview_token_read
from offers.models import Offer


def preview_audience_admits(snapshot: dict, *, user, key: str = "") -> bool:
    """Return whether the visitor belongs to the preview audience of the snapshot."""
    pages = snapshot.get("pages", {})
    hide_key = (pages.get("pricing_availability") or {}).get("hide_key")
    if hide_key:
        return bool(key) and key == hide_key
    entries = {str(e).lower() for e in (pages.get("preview_audience") or {}).get("entries") or []}
    if not user.is_authenticated:
        return False
    if user.email and user.email.lower() in entries:
        return True
    subscriptions = getattr(user, "customer_subscription_ids", None)
    return bool(subscriptions and entries & {s.lower() for s in subscriptions()})


def preview(request, storefront, token):
    claims = preview_token_read(token)
    if not claims:
        raise Http404
    offer = get_object_or_404(Offer.objects.select_related("preview_snapshot", "account"), pk=claims["offer"])
    snapshot = offer.preview_snapshot
    if snapshot is None or snapshot.pk != claims.get("snapshot"):
        raise Http404
    if not preview_audience_admits(snapshot.data, user=request.user, key=request.GET.get("key", "")):
        raise Http404
    return render(
        request,
        "storefront/listing.html",
        {"offer": offer, "snapshot": snapshot.data, "preview": True, "storefront": storefront},
    )
