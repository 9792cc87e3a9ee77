"""The conversation on a finding: the publisher replies or disputes, a reviewer answers (or accepts the dispute,
which withdraws the finding), each side is told and sees what it has not read. Internal comments stay internal."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.events import event_finding_answered
from certification.models import ChecklistMark, Finding, FindingMessage, ReviewItem
from certification.notifications import notify_finding_message, operator_recipients
from offers.history import history_record
from offers.services import offer_file_store
from offers.validators import validate_pdf, validate_png

MAX_MESSAGE = 4000


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write your message.")})
    if len(body) > MAX_MESSAGE:
        raise ValidationError({"body": _("Keep it under %(n)d characters.") % {"n": MAX_MESSAGE}})
    return body


def _review_item(finding: Finding) -> ReviewItem | None:
    return ReviewItem.objects.filter(step_id=finding.step_id).select_related("decided_by").first()


def _reviewers(finding: Finding) -> list[str]:
    """Return who hears of a publisher's message: the reviewer who decided, else the operators."""
    item = _review_item(finding)
    if item is not None and item.decided_by_id and item.decided_by.email:
        return [item.decided_by.email]
    return operator_recipients()


def _attachment_type(upload) -> str:
    """Return the content type of an attachment the publisher may send (a PDF document or a PNG image)."""
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        validate_pdf(upload)
        return "application/pdf"
    if head.startswith(b"\x89PNG"):
        validate_png(upload)
        return "image/png"
    raise ValidationError({"attachment": _("Attach a PDF document or a PNG image.")})


@transaction.atomic
def finding_reply(
    *,
    membership,
    finding_id: int,
    body: str,
    dispute: bool = False,
    offer_id: int | None = None,
    attachment=None,
) -> FindingMessage:
    """The publisher replies to a finding of one of the account's offers (of ``offer_id`` when given), or disputes
    it, optionally with an attachment (a PDF or a PNG, checked like the editor's uploads)."""
    if not membership.can_publish:
        raise PermissionDenied(_("Only Owners and Managers answer certification findings."))
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("submission__offer")
        .filter(submission__offer__account_id=membership.account_id)
        .filter(pk=finding_id, **({"submission__offer_id": offer_id} if offer_id else {}))
        .first()
    )
    if finding is None:
        raise Finding.DoesNotExist
    if not finding.answerable:
        raise ValidationError(_("This finding was a failure on our side; there is nothing to answer."))
    if finding.withdrawn:
        raise ValidationError(_("This finding was withdrawn."))
    kind = FindingMessage.Kind.DISPUTE if dispute else FindingMessage.Kind.REPLY
    body = _body(body)
    stored = None
    if attachment is not None:
        try:
            content_type = _attachment_type(attachment)
        except ValidationError as error:
            raise ValidationError({"attachment": error.messages}) from error
        stored = offer_file_store(finding.submission.offer, attachment, content_type=content_type, by=membership.user)
    message = FindingMessage.objects.create(
        finding=finding, kind=kind, author=membership.user, body=body, attachment=stored
    )
    item = _review_item(finding)
    message.admin_url = (
        reverse("admin:certification_reviewitem_review", args=[item.pk])
        if item is not None
        else reverse("admin:certification_submission_change", args=[finding.submission_id])
    )
    history_record(
        finding.submission.offer,
        "finding_disputed" if dispute else "finding_replied",
        actor=membership.user,
        message=(_("Disputed the finding: %(f)s") if dispute else _("Replied to the finding: %(f)s"))
        % {"f": finding.message[:120]},
        finding=finding.pk,
    )
    notify_finding_message(message, to_publisher=False, reviewers=_reviewers(finding))
    return message


@transaction.atomic
def finding_answer(*, finding_id: int, by, body: str, accept: bool = False, internal: bool = False) -> FindingMessage:
    """A reviewer answers the publisher on a finding; ``accept`` accepts the open dispute and withdraws the finding,
    ``internal`` keeps the comment among staff (the publisher is not told and never sees it)."""
    if not getattr(by, "is_staff", False):
        raise PermissionDenied
    finding = Finding.objects.select_for_update(of=("self",)).select_related("submission__offer").get(pk=finding_id)
    body = _body(body)
    now = timezone.now()
    if internal:
        return FindingMessage.objects.create(finding=finding, kind=FindingMessage.Kind.INTERNAL, author=by, body=body)
    if accept:
        if not finding.messages.filter(kind=FindingMessage.Kind.DISPUTE).exists():
            raise ValidationError(_("The publisher has not disputed this finding."))
        if finding.withdrawn:
            raise ValidationError(_("This finding was already withdrawn."))
        finding.withdrawn_at, finding.withdrawn_by = now, by
        finding.save(update_fields=["withdrawn_at", "withdrawn_by"])
    kind = FindingMessage.Kind.ACCEPT if accept else FindingMessage.Kind.ANSWER
    message = FindingMessage.objects.create(finding=finding, kind=kind, author=by, body=body)
    finding.messages.filter(kind__in=FindingMessage.PUBLISHER_KINDS, answered_at__isnull=True).update(answered_at=now)
    offer = finding.submission.offer
    history_record(
        offer,
        "finding_withdrawn" if accept else "finding_answered",
        actor=by,
        message=(_("Dispute accepted: the finding is withdrawn: %(f)s") if accept else _("A reviewer answered: %(f)s"))
        % {"f": finding.message[:120]},
        finding=finding.pk,
    )
    notify_finding_message(message, to_publisher=True)
    event_finding_answered(message)
    return message


def conversation_findings(findings: list[Finding], *, publisher: bool) -> list[Finding]:
    """Attach each finding's conversation (``thread``), internal comments only for staff, and its unread count."""
    kinds = [k for k in FindingMessage.Kind.values if not (publisher and k == FindingMessage.Kind.INTERNAL)]
    by_pk = {f.pk: f for f in findings}
    for finding in findings:
        finding.thread, finding.unread, finding.disputed = [], 0, False
    if not by_pk:
        return findings
    for message in FindingMessage.objects.filter(finding_id__in=by_pk, kind__in=kinds).select_related("author"):
        finding = by_pk[message.finding_id]
        finding.thread.append(message)
        finding.disputed = finding.disputed or message.is_dispute
        theirs = not message.from_publisher if publisher else message.from_publisher
        if theirs and (message.read_at is None if publisher else message.answered_at is None):
            finding.unread += 1
    return findings


def conversation_read(*, offer, publisher_user) -> int:
    """The publisher has seen the reviewers' answers on the offer's findings: they are no longer unread."""
    return FindingMessage.objects.filter(
        finding__submission__offer=offer,
        kind__in=[FindingMessage.Kind.ANSWER, FindingMessage.Kind.ACCEPT],
        read_at__isnull=True,
    ).update(read_at=timezone.now())


@transaction.atomic
def checklist_mark(*, item_id: int, finding_id: int, fixed: bool, by) -> ChecklistMark:
    """A reviewer ticks a previous reviewer's finding of a resubmission as fixed or still present."""
    item = ReviewItem.objects.select_for_update().get(pk=item_id)
    if item.state != ReviewItem.State.OPEN:
        raise ValidationError(_("This item has already been decided."))
    finding = Finding.objects.filter(
        pk=finding_id, submission__review_items=item.resubmission_of_id, source=Finding.Source.REVIEWER
    ).first()
    if item.resubmission_of_id is None or finding is None:
        raise ValidationError(_("This finding is not on the checklist of this item."))
    mark, _created = ChecklistMark.objects.update_or_create(
        item=item, finding=finding, defaults={"fixed": fixed, "by": by}
    )
    return mark
