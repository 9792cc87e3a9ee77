"""Who may open a preview listing: the snapshot's preview audience, and nobody else."""

import secrets

from offers.snapshots import snapshot_page_values
from storefront.selectors import customer_subscription_ids


def preview_audience(snapshot: dict) -> tuple[str, set[str]]:
    """Return the snapshot's hide key (consulting) and its audience entries (emails or subscription IDs)."""
    pages = snapshot_page_values(snapshot)
    hide_key = str((pages.get("pricing_availability") or {}).get("hide_key") or "")
    entries = {str(e).strip().lower() for e in (pages.get("preview_audience") or {}).get("entries") or []}
    return hide_key, entries


def preview_audience_admits(snapshot: dict, *, user, key: str = "") -> bool:
    """Return whether the visitor belongs to the preview audience of the snapshot.

    A consulting offer's preview opens with its hide key only; otherwise a signed-in visitor is admitted
    when their email, or one of the Azure subscription IDs they registered as a customer, is an entry.
    """
    hide_key, entries = preview_audience(snapshot)
    if hide_key:
        return bool(key) and secrets.compare_digest(key.encode(), hide_key.encode())
    if not user.is_authenticated or not entries:
        return False
    if user.email and user.email.lower() in entries:
        return True
    return bool(entries & customer_subscription_ids(user))
