"""What a reviewer reads about an item: the snapshot as its listing, the changes, earlier decisions."""

import json

from django.utils.translation import gettext as _

from certification.models import Finding, ReviewItem
from certification.notifications import location_labels
from offers.snapshots import snapshot_compare
from offers.types import offer_type


def _display(snapshot: dict, name: str, value) -> dict | None:
    """Return how a snapshot value reads: a file, a link, HTML, or text; None when empty."""
    if value in (None, "", [], {}):
        return None
    files = snapshot.get("files") or {}
    if isinstance(value, int) and not isinstance(value, bool) and str(value) in files:
        stored = files[str(value)]
        return {"kind": "file", "file_id": str(value), "text": stored["name"], "file": stored}
    if isinstance(value, bool):
        return {"kind": "text", "text": _("Yes") if value else _("No")}
    if isinstance(value, list | tuple):
        return {"kind": "text", "text": ", ".join(str(v) for v in value)}
    if isinstance(value, dict):
        return {"kind": "text", "text": json.dumps(value, indent=1, sort_keys=True)}
    if name == "description":
        return {"kind": "html", "text": str(value)}
    if isinstance(value, str) and value.startswith("https://"):
        return {"kind": "link", "text": value}
    return {"kind": "text", "text": str(value)}


def snapshot_pages(snapshot: dict) -> list[dict]:
    """Return every page and plan of a snapshot with the editor's titles and labels, empty values left out."""

    kind = snapshot["offer"]["type"]
    plans = snapshot.get("plans") or []
    order = {spec.key: i for i, spec in enumerate(offer_type(kind).pages)}
    sections = [
        (key, data) for key, data in sorted((snapshot.get("pages") or {}).items(), key=lambda kv: order.get(kv[0], 99))
    ]
    sections += [(f"plan:{plan['plan_id']}", plan.get("data") or {}) for plan in plans]
    pages = []
    for key, data in sections:
        rows = []
        title = location_labels(kind, key, "", plans)[0]
        for name, value in data.items():
            shown = _display(snapshot, name, value)
            if shown is not None:
                rows.append({"name": name, "label": location_labels(kind, key, name, plans)[1], **shown})
        pages.append({"key": key, "title": title, "rows": rows})
    return pages


def snapshot_listing(snapshot: dict) -> dict:
    """Return the listing as a storefront shows it: name, summary, description, logo, screenshots, links."""
    listing = (snapshot.get("pages") or {}).get("offer_listing") or {}
    files = snapshot.get("files") or {}

    def file_of(name):
        value = listing.get(name)
        return str(value) if isinstance(value, int) and str(value) in files else None

    screenshots, n = [], 1
    while f"screenshot_{n}" in listing or f"screenshot_{n}_caption" in listing:
        if file_of(f"screenshot_{n}"):
            screenshots.append(
                {"file_id": file_of(f"screenshot_{n}"), "caption": listing.get(f"screenshot_{n}_caption")}
            )
        n += 1
    keywords = [v for k, v in sorted(listing.items()) if k.startswith("search_keyword_") and v]
    links = [
        (label, listing[name])
        for name, label in (
            ("privacy_policy_url", _("Privacy policy")),
            ("support_url", _("Support")),
        )
        if listing.get(name)
    ]
    n = 1
    while f"useful_link_{n}_url" in listing:
        if listing.get(f"useful_link_{n}_url"):
            links.append(
                (
                    listing.get(f"useful_link_{n}_title") or listing[f"useful_link_{n}_url"],
                    listing[f"useful_link_{n}_url"],
                )
            )
        n += 1
    return {
        "name": listing.get("name") or snapshot["offer"].get("alias", ""),
        "summary": listing.get("search_results_summary", ""),
        "short_description": listing.get("short_description", ""),
        "description": listing.get("description", ""),
        "getting_started": listing.get("getting_started_instructions", ""),
        "logo_id": file_of("large_logo"),
        "screenshots": screenshots,
        "keywords": keywords,
        "links": links,
    }


def last_reviewer_approved(item: ReviewItem) -> ReviewItem | None:
    """Return the latest item of this offer and level a reviewer (not a rule) approved, before this submission."""
    return (
        ReviewItem.objects.filter(
            submission__offer_id=item.submission.offer_id,
            level=item.level,
            state=ReviewItem.State.APPROVED,
            decided_by__isnull=False,
            submission__number__lt=item.submission.number,
        )
        .select_related("submission__snapshot", "decided_by")
        .order_by("-decided_at", "-pk")
        .first()
    )


def snapshot_changes(before: dict, after: dict) -> list[dict]:
    """Return the field-level differences between two snapshots, with the editor's titles and labels."""

    kind = after["offer"]["type"]
    plans = (after.get("plans") or []) + (before.get("plans") or [])
    rows = []
    for change in snapshot_compare(before, after):
        page_title, label = location_labels(kind, change.page, change.field, plans)
        rows.append(
            {
                "page": page_title,
                "field": label,
                "change": change.change,
                "change_label": change.change_label,
                "before": change.before,
                "after": change.after,
            }
        )
    return rows


def earlier_decisions(item: ReviewItem) -> list[ReviewItem]:
    """Return the decided review items of the same offer (latest first), each with its citations."""

    items = list(
        ReviewItem.objects.filter(
            submission__offer_id=item.submission.offer_id,
            state__in=[ReviewItem.State.APPROVED, ReviewItem.State.REJECTED],
        )
        .exclude(pk=item.pk)
        .select_related("submission", "decided_by")
        .order_by("-decided_at", "-pk")
    )
    citations: dict[int, list] = {}
    for finding in Finding.objects.filter(
        step_id__in=[i.step_id for i in items], source=Finding.Source.REVIEWER
    ).select_related("policy"):
        citations.setdefault(finding.step_id, []).append(finding)
    for earlier in items:
        earlier.citations = citations.get(earlier.step_id, [])
    return items


def review_dossier(item: ReviewItem) -> dict:
    """Return what a reviewer reads to decide: the listing, every page, findings, notes, history and the diff."""

    submission = item.submission
    snapshot = submission.snapshot.data
    plans = snapshot.get("plans") or []
    findings = list(submission.findings.select_related("policy", "step").order_by("step__order", "pk"))
    for finding in findings:
        finding.page_title, finding.field_label = location_labels(
            snapshot["offer"]["type"], finding.page, finding.field, plans
        )
    approved = last_reviewer_approved(item)
    return {
        "snapshot": snapshot,
        "listing": snapshot_listing(snapshot),
        "pages": snapshot_pages(snapshot),
        "findings": findings,
        "notes": submission.notes,
        "earlier": earlier_decisions(item),
        "approved": approved,
        "changes": snapshot_changes(approved.submission.snapshot.data, snapshot) if approved else None,
        "events": list(submission.offer.events.select_related("actor").order_by("-created_at", "-pk")[:50]),
        "steps": list(submission.steps.order_by("order")),
    }


def citation_places(snapshot: dict) -> list[tuple[str, str]]:
    """Return ("page|field", "Page > Field") for every field of the submitted pages, for a citation's place."""

    spec = offer_type(snapshot["offer"]["type"])
    plans = snapshot.get("plans") or []
    forms = [(page.key, page.form) for page in spec.pages if page.key in (snapshot.get("pages") or {}) and page.form]
    forms += [(f"plan:{plan['plan_id']}", spec.plan_form) for plan in plans if spec.plan_form]
    places = []
    for key, form in forms:
        title = location_labels(spec.key, key, "", plans)[0]
        places.append((f"{key}|", f"{title}"))
        places += [(f"{key}|{name}", f"{title} > {field.label or name}") for name, field in form.base_fields.items()]
    return places
