"""Preview links: where the preview listing of an offer can be opened, by storefront."""

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from outbox.links import absolute_url

STOREFRONT_LABELS = {"appsource": _("AppSource preview"), "azure_marketplace": _("Azure Marketplace preview")}
PREVIEW_SALT = "storefront.preview"


def preview_token(offer) -> str:
    """Return the signed token of the offer's current preview (it changes with every new preview)."""
    return signing.dumps({"offer": offer.pk, "snapshot": offer.preview_snapshot_id}, salt=PREVIEW_SALT, compress=True)


def preview_token_read(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=PREVIEW_SALT)
    except signing.BadSignature:
        return None


def preview_links(offer) -> list[tuple[str, str]]:
    """Return (label, absolute URL) of each preview link of the offer's preview snapshot."""
    if offer.preview_snapshot_id is None:
        return []
    storefronts = offer.preview_snapshot.data.get("storefronts") or ["azure_marketplace"]
    token = preview_token(offer)
    return [
        (
            str(STOREFRONT_LABELS.get(storefront, storefront)),
            absolute_url(reverse("storefront:preview", args=[storefront, token])),
        )
        for storefront in storefronts
    ]
