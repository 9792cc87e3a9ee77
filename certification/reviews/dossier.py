"""What a reviewer reads about an item: the snapshot as its listing, the changes, earlier decisions."""

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from certification.models import ChecklistMark, Finding, ReviewItem
from certification.reviews.conversation import conversation_findings
from offers.labels import location_labels
from offers.listing import FileUrl, listing_build, stored_file_id
from offers.models import OfferSnapshot
from offers.snapshots import snapshot_compare
from offers.types import offer_type


def _display(snapshot: dict, name: str, value) -> dict | None:
    """Return how a snapshot value reads: a file, a link, HTML, or text; None when empty."""
    if value in (None, "", [], {}):
        return None
    file_id = stored_file_id(snapshot, value)
    if file_id is not None:
        stored = snapshot["files"][str(file_id)]
        return {"kind": "file", "file_id": str(file_id), "text": stored["name"], "file": stored}
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


def snapshot_labelled_pages(snapshot: dict, *, file_url: FileUrl | None = None) -> list[dict]:
    """Return every page and plan of a snapshot with the editor's titles and labels, empty values left out.

    A file's row carries its ``file_id``, and its ``url`` when ``file_url`` links the snapshot's files.
    """

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
            if shown is None:
                continue
            if shown["kind"] == "file" and file_url is not None:
                shown["url"] = file_url(value)
            rows.append({"name": name, "label": location_labels(kind, key, name, plans)[1], **shown})
        pages.append({"key": key, "title": title, "rows": rows})
    return pages


def _unlinked(file_id: int) -> str:
    return ""


def review_listing(snapshot: OfferSnapshot, *, publisher: str, file_url: FileUrl | None = None) -> dict:
    """Return the listing as the storefront renders it, in the shape the reviewer's page reads.

    Files carry their ids (``logo_id``, each screenshot's ``file_id``) and, when ``file_url`` links the
    snapshot's files for the reviewer, their addresses (``logo_url``, each screenshot's ``url``).
    """
    listing = listing_build(snapshot, publisher=publisher, file_url=file_url or _unlinked, statuses=None)
    links = [(_("Privacy policy"), listing.privacy_url), (_("Support"), listing.support_url), *listing.links]
    return {
        "name": listing.name or snapshot.data["offer"].get("alias", ""),
        "summary": listing.summary,
        "short_description": listing.short_description,
        "description": listing.description,
        "getting_started": listing.getting_started,
        "logo_id": str(listing.logo.file_id) if listing.logo else None,
        "logo_url": listing.logo_url,
        "screenshots": [
            {"file_id": str(shot.file_id), "url": shot.url, "caption": shot.caption}
            for shot in listing.screenshot_files
        ],
        "keywords": listing.keywords,
        "links": [(label, url) for label, url in links if url],
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


def review_dossier(item: ReviewItem, *, file_url: FileUrl | None = None) -> dict:
    """Return what a reviewer reads to decide: the listing, every page, findings, notes, history and the diff.

    ``file_url`` links the snapshot's files (logo, screenshots, files of the pages) for the reviewer.
    """

    submission = item.submission
    snapshot = submission.snapshot.data
    plans = snapshot.get("plans") or []
    findings = list(submission.findings.select_related("policy", "step").order_by("step__order", "pk"))
    for finding in findings:
        finding.page_title, finding.field_label = location_labels(
            snapshot["offer"]["type"], finding.page, finding.field, plans
        )
    approved = last_reviewer_approved(item)
    conversation_findings(findings, publisher=False)
    fix_up = resubmission_checklist(item, findings)
    return {
        "snapshot": snapshot,
        "listing": review_listing(submission.snapshot, publisher=submission.offer.account.name, file_url=file_url),
        "pages": snapshot_labelled_pages(snapshot, file_url=file_url),
        "findings": findings,
        "notes": submission.notes,
        "earlier": earlier_decisions(item),
        "approved": approved,
        "changes": snapshot_changes(approved.submission.snapshot.data, snapshot) if approved else None,
        "events": list(submission.offer.events.select_related("actor").order_by("-created_at", "-pk")[:50]),
        "steps": list(submission.steps.order_by("order")),
        "resubmission": fix_up,
        "has_thread": any(f.thread for f in findings),
    }


# How each row of a resubmission's checklist reads: its label and its badge's class.
CHECKLIST_STATUSES = {
    "fixed": (_lazy("Fixed"), "review-tag review-fixed"),
    "present": (_lazy("Still present"), "review-overdue"),
    "unchecked": (_lazy("To check"), "review-muted"),
    "withdrawn": (_lazy("Withdrawn (dispute accepted)"), "review-muted"),
}


def _where(finding: Finding) -> tuple[str, str, str]:
    return finding.code, finding.page, finding.field


def resubmission_checklist(item: ReviewItem, findings: list[Finding]) -> dict | None:
    """Return what a reviewer checks on a resubmission after a rejection: when it was rejected, the changes since
    the snapshot the reviewer saw then, and each previous finding marked fixed or still present (automated ones
    re-evaluated by this submission's checks, reviewers' ones as the reviewer ticked them, else "to check")."""
    previous = (
        ReviewItem.objects.filter(pk=item.resubmission_of_id).select_related("submission__snapshot").first()
        if item.resubmission_of_id
        else None
    )
    if previous is None:
        return None
    snapshot = item.submission.snapshot.data
    plans = snapshot.get("plans") or []
    earlier = list(
        previous.submission.findings.exclude(source=Finding.Source.SYSTEM).select_related("policy").order_by("pk")
    )
    conversation_findings(earlier, publisher=False)
    present = {_where(f) for f in findings if f.is_automated}
    marks = {m.finding_id: m for m in ChecklistMark.objects.filter(item=item)}
    rows = []
    for finding in earlier:
        finding.page_title, finding.field_label = location_labels(
            snapshot["offer"]["type"], finding.page, finding.field, plans
        )
        if finding.withdrawn:
            status = "withdrawn"
        elif finding.is_automated:
            status = "present" if _where(finding) in present else "fixed"
        elif finding.pk in marks:
            status = "fixed" if marks[finding.pk].fixed else "present"
        else:
            status = "unchecked"
        label, badge = CHECKLIST_STATUSES[status]
        ticks = finding.is_reviewer and not finding.withdrawn
        rows.append({"finding": finding, "status": status, "label": label, "badge": badge, "ticks": ticks})
    return {
        "previous": previous,
        "rejected_at": previous.decided_at,
        "rows": rows,
        "changes": snapshot_changes(previous.submission.snapshot.data, snapshot),
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
