"""Every email of the pipeline, queued through the outbox once per submission and kind."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.readiness import settings_location
from certification.models import Finding, Notice, ReviewerAlias, ReviewItem, Submission
from offers.labels import location_labels
from outbox.links import absolute_url
from outbox.services import outbox_email


def _recipients(account_id: int) -> list[str]:
    """Return the emails of the account's Owners and Managers."""

    return sorted(
        Membership.objects.filter(account_id=account_id, role__in=Membership.PUBLISHING_ROLES)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def reviewer_label(user) -> str:
    """Return how publishers see a reviewer: the alias operators set, else the first name, else "a reviewer"."""
    if user is None:
        return _("a reviewer")
    alias = ReviewerAlias.objects.filter(user=user).values_list("alias", flat=True).first()
    return alias or user.first_name or _("a reviewer")


def notice_account(account_id: int, *, key: str, message: str, url: str = "") -> None:
    """Put one entry in the bell of every Owner and Manager of the account (once per key and user)."""
    users = Membership.objects.filter(account_id=account_id, role__in=Membership.PUBLISHING_ROLES).values_list(
        "user_id", flat=True
    )
    notice_users(users, key=key, message=message, url=url)


def notice_users(user_ids, *, key: str, message: str, url: str = "") -> None:
    """Put one entry in the bell of each user (once per key and user)."""
    Notice.objects.bulk_create(
        [Notice(user_id=uid, key=key, message=message[:300], url=url) for uid in set(user_ids)],
        ignore_conflicts=True,
    )


def operator_recipients() -> list[str]:
    """Return the emails of the portal's operators: members of the Operators group and superusers."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    return sorted(set(users.filter(Q(groups__name="Operators") | Q(is_superuser=True)).values_list("email", flat=True)))


def _context(submission: Submission, **extra) -> dict:
    offer = submission.offer
    return {
        "submission": submission,
        "offer": offer,
        "listing_name": (submission.snapshot.data["pages"].get("offer_listing") or {}).get("name") or offer.alias,
        "overview_url": absolute_url(reverse("certification:overview", args=[offer.pk])),
        "review_url": absolute_url(reverse("certification:review", args=[offer.pk])),
        **extra,
    }


def report_findings(submission: Submission) -> list[Finding]:
    """Return the findings the publisher sees (reviewers' internal comments live on the review item, never here)."""
    return list(submission.findings.select_related("policy", "step").order_by("step__order", "pk"))


def findings_for_report(submission: Submission, *, absolute: bool) -> list[Finding]:
    """Return the report's findings, each with the title of its page, the label of its field and a fix link."""
    offer = submission.offer
    plans = submission.snapshot.data.get("plans") or []
    findings = report_findings(submission)
    plan_pks = dict(offer.plans.values_list("plan_id", "pk"))  # one query, not one per plan finding
    for finding in findings:
        in_settings = settings_location(finding.page, finding.field)  # an account finding: fixed in settings
        if in_settings:
            finding.page_title, finding.field_label, path = in_settings
        else:
            finding.page_title, finding.field_label = location_labels(
                offer.offer_type, finding.page, finding.field, plans
            )
            path = finding_fix_path(offer, finding, plan_pks)
        finding.fix_url = absolute_url(path) if absolute else path
    return findings


def notify_failure_report(submission: Submission) -> None:
    """Queue the certification failure report, and the system-error notice when a step failed on our side."""
    findings = findings_for_report(submission, absolute=True)
    publisher_findings = [f for f in findings if f.source != Finding.Source.SYSTEM]
    system_findings = [f for f in findings if f.source == Finding.Source.SYSTEM]
    recipients = _recipients(submission.offer.account_id)
    context = _context(
        submission, findings=findings, publisher_findings=publisher_findings, system_findings=system_findings
    )
    outbox_email(
        key=f"submission:{submission.pk}:failure-report",
        to=recipients,
        template="certification/email/failure_report",
        context=context,
    )
    if system_findings:
        notify_system_error(submission, system_findings, recipients=recipients)


def notify_system_error(submission: Submission, system_findings: list[Finding], *, recipients=None) -> None:
    """Queue the notice that a step failed on our side: to the publisher, and an alert to the operators."""
    context = _context(submission, system_findings=system_findings)
    outbox_email(
        key=f"submission:{submission.pk}:system-error",
        to=recipients if recipients is not None else _recipients(submission.offer.account_id),
        template="certification/email/system_error",
        context=context,
    )
    operators = operator_recipients()
    if operators:
        admin_path = reverse("admin:certification_submission_change", args=[submission.pk])
        outbox_email(
            key=f"submission:{submission.pk}:system-error:operators",
            to=operators,
            template="certification/email/system_error_operators",
            context={**context, "admin_url": absolute_url(admin_path)},
        )


def notify_signoff(submission: Submission, preview_links: list) -> None:
    """Queue the sign-off request: the preview links and the way to Go live."""
    outbox_email(
        key=f"submission:{submission.pk}:signoff",
        to=_recipients(submission.offer.account_id),
        template="certification/email/signoff_request",
        context=_context(submission, preview_links=preview_links),
    )


def notify_live(submission: Submission) -> None:
    """Queue the confirmation that the offer is live."""
    outbox_email(
        key=f"submission:{submission.pk}:live",
        to=_recipients(submission.offer.account_id),
        template="certification/email/live_confirmation",
        context=_context(submission),
    )


def notify_stop_sell(offer, *, key: str, plan=None) -> None:
    """Queue the confirmation that an offer (or one of its plans) is no longer sold."""
    listing_name = ""
    if offer.live_snapshot_id:
        listing_name = (offer.live_snapshot.data.get("pages", {}).get("offer_listing") or {}).get("name") or ""
    outbox_email(
        key=key,
        to=_recipients(offer.account_id),
        template="certification/email/stop_sell_confirmation",
        context={
            "offer": offer,
            "plan": plan,
            "listing_name": listing_name or offer.alias,
            "overview_url": absolute_url(reverse("certification:overview", args=[offer.pk])),
            "review_url": absolute_url(reverse("certification:review", args=[offer.pk])),
        },
    )


def finding_fix_path(offer, finding: Finding, plan_pks: dict[str, int]) -> str:
    """Return the page of the editor where the publisher fixes a finding (with the field as anchor).

    ``plan_pks`` maps the offer's plan IDs to their rows, for findings on a plan.
    """
    if finding.page.startswith("plan:"):
        plan_pk = plan_pks.get(finding.page.split(":", 1)[1])
        path = (
            reverse("offers:plan", args=[offer.pk, plan_pk])
            if plan_pk
            else reverse("offers:page", args=[offer.pk, "plans"])
        )
    elif finding.page:
        path = reverse("offers:page", args=[offer.pk, finding.page])
    else:
        return reverse("certification:overview", args=[offer.pk])
    return f"{path}#id_{finding.field}" if finding.field else path


def overview_path(offer) -> str:
    return reverse("certification:overview", args=[offer.pk])


def notify_review_claimed(item: ReviewItem) -> None:
    """Tell the publisher who picked the item up and when to expect a decision (once per item)."""
    submission = item.submission
    context = _context(
        submission,
        item=item,
        reviewer=reviewer_label(item.claimed_by),
        claimed_at=timezone.localtime(item.claimed_at),
        due_at=timezone.localtime(item.due_at),
    )
    outbox_email(
        key=f"review:{item.pk}:claimed",
        to=_recipients(submission.offer.account_id),
        template="certification/email/review_claimed",
        context=context,
    )


def notify_finding_message(message, *, to_publisher: bool, reviewers: list[str] = ()) -> None:
    """Email the other side of a finding's conversation: the publisher's members, or the reviewers."""
    finding = message.finding
    submission = finding.submission
    offer = submission.offer
    context = _context(
        submission,
        finding=finding,
        message=message,
        finding_url=absolute_url(f"{overview_path(offer)}#finding-{finding.pk}"),
    )
    if to_publisher:
        outbox_email(
            key=f"finding-message:{message.pk}",
            to=_recipients(offer.account_id),
            template="certification/email/finding_answer",
            context=context,
        )
    elif reviewers:
        outbox_email(
            key=f"finding-message:{message.pk}",
            to=list(reviewers),
            template="certification/email/finding_reply",
            context={**context, "admin_url": message.admin_url},
        )


@transaction.atomic
def notify_overdue_due(now=None) -> int:
    """Alert the operators once about each open review item past its due date (celery beat); return how many."""
    now = now or timezone.now()
    items = list(
        ReviewItem.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(state=ReviewItem.State.OPEN, due_at__lt=now, overdue_alerted_at__isnull=True)
        .select_related("submission__offer__account")
        .order_by("due_at")[:500]
    )
    if items:
        notify_overdue(items)
        ReviewItem.objects.filter(pk__in=[i.pk for i in items]).update(overdue_alerted_at=now)
    return len(items)


def notify_overdue(items: list[ReviewItem]) -> None:
    """Alert the operators that review items passed their due date (one email per item, ever)."""
    operators = operator_recipients()
    if not operators:
        return
    for item in items:
        admin_path = reverse("admin:certification_reviewitem_review", args=[item.pk])
        outbox_email(
            key=f"review:{item.pk}:overdue",
            to=operators,
            template="certification/email/review_overdue",
            context={
                "item": item,
                "offer": item.submission.offer,
                "due_at": timezone.localtime(item.due_at),
                "admin_url": absolute_url(admin_path),
            },
        )
