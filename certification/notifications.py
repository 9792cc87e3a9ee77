"""Every email of the pipeline, queued through the outbox once per submission and kind."""

from django.urls import reverse

from certification.models import Finding, Submission
from certification.outbox import outbox_email
from portal.services import absolute_url


def _recipients(account_id: int) -> list[str]:
    """Return the emails of the account's Owners and Managers."""
    from portal.models import Membership

    return sorted(
        Membership.objects.filter(account_id=account_id, role__in=Membership.PUBLISHING_ROLES)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def _context(submission: Submission, **extra) -> dict:
    offer = submission.offer
    return {
        "submission": submission,
        "offer": offer,
        "listing_name": (submission.snapshot.data["pages"].get("offer_listing") or {}).get("name") or offer.alias,
        "overview_url": absolute_url(reverse("certification:overview", args=[offer.pk])),
        **extra,
    }


def report_findings(submission: Submission) -> list[Finding]:
    """Return the findings the publisher sees: everything but a reviewer's internal comments."""
    return list(submission.findings.select_related("policy", "step").order_by("step__order", "pk"))


def notify_failure_report(submission: Submission) -> None:
    """Queue the certification failure report."""
    findings = report_findings(submission)
    for finding in findings:
        finding.fix_url = absolute_url(finding_fix_path(submission.offer, finding))
    outbox_email(
        key=f"submission:{submission.pk}:failure-report",
        to=_recipients(submission.offer.account_id),
        template="certification/email/failure_report",
        context=_context(
            submission,
            findings=findings,
            publisher_findings=[f for f in findings if f.source != Finding.Source.SYSTEM],
            system_findings=[f for f in findings if f.source == Finding.Source.SYSTEM],
        ),
    )


def notify_signoff(submission: Submission, preview_links: list) -> None:
    outbox_email(
        key=f"submission:{submission.pk}:signoff",
        to=_recipients(submission.offer.account_id),
        template="certification/email/signoff_request",
        context=_context(submission, preview_links=preview_links),
    )


def notify_live(submission: Submission) -> None:
    outbox_email(
        key=f"submission:{submission.pk}:live",
        to=_recipients(submission.offer.account_id),
        template="certification/email/live_confirmation",
        context=_context(submission),
    )


def notify_stop_sell(offer, *, key: str, plan=None) -> None:
    outbox_email(
        key=key,
        to=_recipients(offer.account_id),
        template="certification/email/stop_sell_confirmation",
        context={
            "offer": offer,
            "plan": plan,
            "overview_url": absolute_url(reverse("certification:overview", args=[offer.pk])),
        },
    )


def finding_fix_path(offer, finding: Finding) -> str:
    """Return the page of the editor where the publisher fixes a finding (with the field as anchor)."""
    if finding.page.startswith("plan:"):
        plan = offer.plans.filter(plan_id=finding.page.split(":", 1)[1]).first()
        path = (
            reverse("offers:plan", args=[offer.pk, plan.pk])
            if plan
            else reverse("offers:page", args=[offer.pk, "plans"])
        )
    elif finding.page:
        path = reverse("offers:page", args=[offer.pk, finding.page])
    else:
        return reverse("certification:overview", args=[offer.pk])
    return f"{path}#id_{finding.field}" if finding.field else path
