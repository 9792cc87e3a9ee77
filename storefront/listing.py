"""Addresses of a snapshot's files in the storefront: signed, and only of the types customers may load."""

from django.core import signing
from django.urls import reverse

from offers.models import OfferSnapshot

FILE_SALT = "storefront.file"
# Files a listing shows or offers for download; packages and templates are never served.
SERVED_CONTENT_TYPES = ("image/png", "application/pdf")


def file_signature(snapshot_id: int, file_id) -> str:
    return signing.Signer(salt=FILE_SALT).signature(f"{snapshot_id}:{file_id}")


def signed_file_url(snapshot_id: int, file_id) -> str:
    """Return the signed address of a stored file of the snapshot."""
    return reverse("storefront:file", args=[snapshot_id, int(file_id), file_signature(snapshot_id, file_id)])


def served_file_url(snapshot: OfferSnapshot, file_id: int) -> str:
    """Return the address of a stored file of the snapshot that customers may load, or an empty string.

    With the snapshot bound (``functools.partial``) this is the ``file_url`` of ``offers.listing.listing_build``.
    """
    stored = (snapshot.data.get("files") or {}).get(str(file_id))
    if not stored or stored.get("content_type") not in SERVED_CONTENT_TYPES:
        return ""
    return signed_file_url(snapshot.pk, file_id)
