"""Snapshots: freeze an offer's pages, plans and files as JSON with a content hash, and compare two."""

import hashlib
import json
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from offers.forms.base import StoredFileField
from offers.models import Offer, OfferSnapshot
from offers.pages import OfferState
from offers.types import offer_types

SNAPSHOT_VERSION = 1


def snapshot_build(offer: Offer, state: OfferState | None = None) -> dict:
    """Return the offer as it is now: the pages its choices bring in, its plans and the files they use (from
    ``state`` when the caller already loaded it)."""
    state = state or OfferState(offer)
    specs = state.pages()
    pages = {spec.key: state.values.get(spec.key, {}) for spec in specs if spec.kind == "form"}
    plans = [
        {"plan_id": plan.plan_id, "status": plan.status, "data": plan.data}
        for plan in state.plans
        if any(spec.kind == "plans" for spec in specs)
    ]
    used = _file_ids(pages) | _file_ids({p["plan_id"]: p["data"] for p in plans})
    files = {
        str(pk): {
            "name": f.original_name,
            "path": f.file.name,
            "content_type": f.content_type,
            "size": f.size,
            "width": f.width,
            "height": f.height,
            "sha256": f.sha256,
        }
        for pk, f in state.files.items()
        if pk in used
    }
    return {
        "version": SNAPSHOT_VERSION,
        "offer": {"id": offer.pk, "offer_id": offer.offer_id, "alias": offer.alias, "type": offer.offer_type},
        "account": {"id": offer.account_id},
        "pages": pages,
        "plans": plans,
        "files": files,
        "storefronts": list(state.spec.storefronts(state.values)),
        "requires_testing": bool(state.spec.requires_testing(state.values)),
    }


def _file_ids(pages: dict) -> set[int]:
    """Return the ids of stored files the page values refer to (the values of file fields)."""
    ids = set()
    for data in pages.values():
        for name, value in data.items():
            if isinstance(value, int) and not isinstance(value, bool) and is_file_field(name):
                ids.add(value)
    return ids


def is_file_field(name: str) -> bool:
    """Return whether a page or plan value of this name holds a stored file's id."""
    return name in _file_field_names()


_FILE_FIELD_NAMES: set[str] | None = None


def _file_field_names() -> set[str]:
    """Return the names of every file field of every registered page and plan form."""
    global _FILE_FIELD_NAMES
    if _FILE_FIELD_NAMES is None:
        names = set()
        for spec in offer_types():
            forms = [page.form for page in spec.pages if page.form] + ([spec.plan_form] if spec.plan_form else [])
            for form in forms:
                names |= {n for n, f in form.base_fields.items() if isinstance(f, StoredFileField)}
        _FILE_FIELD_NAMES = names
    return _FILE_FIELD_NAMES


def content_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def snapshot_page_values(data: dict) -> dict[str, dict]:
    """Return the values of a snapshot's pages by page key (empty when it has none)."""
    return data.get("pages") or {}


def snapshot_freeze(offer: Offer, *, by=None, state: OfferState | None = None) -> OfferSnapshot:
    """Store the offer as it is now; identical content reuses nothing, each freeze is its own record."""
    data = snapshot_build(offer, state)
    return OfferSnapshot.objects.create(offer=offer, data=data, content_hash=content_hash(data), created_by=by)


class Change(models.TextChoices):
    ADDED = "added", _("Added")
    REMOVED = "removed", _("Removed")
    CHANGED = "changed", _("Changed")


@dataclass(frozen=True)
class FieldChange:
    page: str
    field: str
    change: str
    before: object
    after: object

    @property
    def change_label(self) -> str:
        return Change(self.change).label


def _flatten(snapshot: dict) -> dict[tuple[str, str], object]:
    flat = {}
    for key, data in (snapshot.get("pages") or {}).items():
        for name, value in data.items():
            if value not in (None, "", [], {}):
                flat[(key, name)] = _file_label(snapshot, name, value)
    for plan in snapshot.get("plans") or []:
        for name, value in plan["data"].items():
            if value not in (None, "", [], {}):
                flat[(f"plan:{plan['plan_id']}", name)] = _file_label(snapshot, name, value)
    return flat


def _file_label(snapshot: dict, name: str, value):
    """Show a file as its name and content hash, so a re-upload of the same bytes is no change."""
    if isinstance(value, int) and not isinstance(value, bool) and str(value) in snapshot.get("files", {}):
        stored = snapshot["files"][str(value)]
        return f"{stored['name']} ({stored['sha256'][:12]})"
    return value


def snapshot_compare(before: dict, after: dict) -> list[FieldChange]:
    """Return the fields added, removed or changed from ``before`` to ``after``, in page order."""
    old, new = _flatten(before), _flatten(after)
    changes = []
    for key in sorted(old.keys() | new.keys()):
        if key not in old:
            changes.append(FieldChange(key[0], key[1], Change.ADDED, None, new[key]))
        elif key not in new:
            changes.append(FieldChange(key[0], key[1], Change.REMOVED, old[key], None))
        elif _comparable(old[key]) != _comparable(new[key]):
            changes.append(FieldChange(key[0], key[1], Change.CHANGED, old[key], new[key]))
    return changes


def _comparable(value):
    return sorted(value, key=str) if isinstance(value, list) else value
