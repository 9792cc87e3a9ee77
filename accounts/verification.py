"""Verification of publisher accounts: an Owner submits, operators claim and decide in the verification queue.

A decision moves the account's verification status through its state machine, records the reasons in the
account's history, emails the Owners and, once committed, sends ``account_verification_decided`` so that the
apps above resume what waited for it.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.history import account_event_record
from accounts.models import AccountEvent, Membership, PublisherAccount, VerificationRequest
from accounts.readiness import account_readiness
from accounts.services import owner_lock
from accounts.signals import account_verification_decided
from outbox.links import absolute_url
from outbox.services import outbox_email


class VerificationRefused(Exception):
    """The verification request cannot be claimed or decided now; the message says why."""


def claim_ttl() -> timedelta:
    """Return how long a claim lasts without activity (the reviewers' setting, read at call time)."""
    return timedelta(minutes=getattr(settings, "REVIEW_CLAIM_MINUTES", 60))


def claim_active(request: VerificationRequest, now=None) -> bool:
    """Return whether someone holds a claim on the request that has not expired."""
    now = now or timezone.now()
    return request.claimed_by_id is not None and request.claimed_at >= now - claim_ttl()


def verification_queue() -> QuerySet[VerificationRequest]:
    """Return the open requests, oldest first."""
    return VerificationRequest.objects.filter(state=VerificationRequest.State.OPEN).order_by("submitted_at", "pk")


def verification_open_count() -> int:
    return verification_queue().count()


def queue_unclaimed(requests: QuerySet, now=None) -> QuerySet:
    """Keep the requests nobody holds: never claimed, released, or with an expired claim."""
    cutoff = (now or timezone.now()) - claim_ttl()
    return requests.filter(Q(claimed_by__isnull=True) | Q(claimed_at__lt=cutoff))


def queue_mine(requests: QuerySet, operator, now=None) -> QuerySet:
    """Keep the requests the operator holds a live claim on."""
    cutoff = (now or timezone.now()) - claim_ttl()
    return requests.filter(claimed_by=operator, claimed_at__gte=cutoff)


def verification_request_open(account: PublisherAccount, *, by, note: str = "") -> VerificationRequest:
    """Open a request in the operators' queue for the (locked) account; the caller moved its status to Pending."""
    return VerificationRequest.objects.create(
        account=account, submitted_by=by, submitted_at=account.verification_changed_at or timezone.now(), note=note
    )


@transaction.atomic
def verification_submit(*, by: Membership) -> VerificationRequest:
    """Submit the Owner's account for verification; its legal info must be complete and the agreement accepted."""
    account, actor = owner_lock(by)
    readiness = account_readiness(account)
    if not account.can_submit_for_verification:
        raise ValidationError(
            _("Your account is %(status)s; it cannot be submitted now.")
            % {"status": account.get_verification_display().lower()}
        )
    if not readiness.can_submit:
        lacking = [lack.message for lack in readiness.lacks if lack.section != "verification"]
        raise ValidationError(_("Before you submit: %(what)s") % {"what": " ".join(lacking)})
    now = timezone.now()
    resubmitted = not account.is_verification_not_submitted
    account.verification_submit(now)
    account.save(update_fields=["verification", "verification_changed_at"])
    request = verification_request_open(account, by=actor.user, note=_("Submitted again") if resubmitted else "")
    account_event_record(
        account, AccountEvent.Kind.VERIFICATION_SUBMITTED, actor=actor.user, message=_("Submitted for verification")
    )
    return request


def verification_reopen(account: PublisherAccount, *, by, changed: list[str]) -> VerificationRequest:
    """Ask for verification again after the legal info of a verified (locked) account changed."""
    account.verification_reopen(timezone.now())
    account.save(update_fields=["verification", "verification_changed_at"])
    note = _("Legal info changed after verification: %(fields)s") % {"fields": ", ".join(changed)}
    request = verification_request_open(account, by=by, note=note)
    account_event_record(
        account,
        AccountEvent.Kind.VERIFICATION_SUBMITTED,
        actor=by,
        message=_("Legal info changed: verification requested again"),
    )
    return request


def _request_lock(request_id: int) -> VerificationRequest:
    return VerificationRequest.objects.select_for_update().select_related("account").get(pk=request_id)


@transaction.atomic
def verification_claim(*, request_id: int, operator) -> VerificationRequest:
    """Claim an open request for the operator (again, to keep the claim alive); an expired claim is taken over."""
    request = _request_lock(request_id)
    if not request.is_open:
        raise VerificationRefused(_("This request has already been decided."))
    now = timezone.now()
    if request.claimed_by_id not in (None, operator.pk) and claim_active(request, now):
        raise VerificationRefused(_("%(who)s is working on this request.") % {"who": request.claimed_by})
    first = request.claimed_by_id != operator.pk
    request.claimed_by, request.claimed_at = operator, now
    request.save(update_fields=["claimed_by", "claimed_at"])
    if first:
        account_event_record(
            request.account,
            AccountEvent.Kind.VERIFICATION_CLAIMED,
            actor=operator,
            message=_("Verification claimed"),
            internal=True,
        )
    return request


@transaction.atomic
def verification_release(*, request_id: int, operator) -> VerificationRequest:
    """Give a claimed request back to the queue."""
    request = _request_lock(request_id)
    if request.claimed_by_id != operator.pk:
        raise VerificationRefused(_("You do not hold this request."))
    request.claimed_by = request.claimed_at = None
    request.save(update_fields=["claimed_by", "claimed_at"])
    account_event_record(
        request.account,
        AccountEvent.Kind.VERIFICATION_RELEASED,
        actor=operator,
        message=_("Verification released"),
        internal=True,
    )
    return request


def verification_touch(*, request_id: int, operator) -> bool:
    """Keep the operator's live claim alive (opening the request counts as activity)."""
    cutoff = timezone.now() - claim_ttl()
    return bool(
        VerificationRequest.objects.filter(
            pk=request_id, claimed_by=operator, claimed_at__gte=cutoff, state=VerificationRequest.State.OPEN
        ).update(claimed_at=timezone.now())
    )


# decision -> (request transition, account transition, history kind, history message)
_DECISIONS = {
    VerificationRequest.Decision.APPROVE: (
        "approve",
        "verification_approve",
        AccountEvent.Kind.VERIFICATION_APPROVED,
        _("Account verified"),
    ),
    VerificationRequest.Decision.REJECT: (
        "reject",
        "verification_reject",
        AccountEvent.Kind.VERIFICATION_REJECTED,
        _("Verification rejected"),
    ),
    VerificationRequest.Decision.REQUEST_INFORMATION: (
        "request_information",
        "verification_request_information",
        AccountEvent.Kind.VERIFICATION_MORE_INFO,
        _("More information requested"),
    ),
}


@transaction.atomic
def verification_decide(*, request_id: int, decision: str, by, reasons: str = "") -> VerificationRequest:
    """Approve, reject or ask for more information (with reasons) on an open request the operator may decide."""
    request = _request_lock(request_id)
    account = PublisherAccount.objects.select_for_update().get(pk=request.account_id)
    if not request.is_open or not account.is_verification_pending:
        raise VerificationRefused(_("This request has already been decided."))
    if request.claimed_by_id not in (None, by.pk) and claim_active(request):
        raise PermissionDenied(_("%(who)s has claimed this request.") % {"who": request.claimed_by})
    if decision not in _DECISIONS:
        raise ValidationError({"decision": _("Choose Approve, Reject or Request more information.")})
    reasons = (reasons or "").strip()
    if decision != VerificationRequest.Decision.APPROVE and not reasons:
        raise ValidationError({"reasons": _("Tell the publisher why: the reasons are sent to them.")})
    request_transition, account_transition, kind, message = _DECISIONS[decision]
    now = timezone.now()
    getattr(request, request_transition)(by, now, reasons)
    request.claimed_by = request.claimed_by or by
    request.save()
    getattr(account, account_transition)(now)
    account.save(update_fields=["verification", "verification_changed_at"])
    account_event_record(account, kind, actor=by, message=message, reasons=reasons)
    _notify_decision(account, request)
    status = account.verification
    transaction.on_commit(
        lambda: account_verification_decided.send(sender=PublisherAccount, account_id=account.pk, verification=status)
    )
    return request


def _owner_emails(account_id: int) -> list[str]:
    return sorted(
        Membership.objects.filter(account_id=account_id, role=Membership.Role.OWNER)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def _notify_decision(account: PublisherAccount, request: VerificationRequest) -> None:
    outbox_email(
        key=f"verification:{request.pk}:decision",
        to=_owner_emails(account.pk),
        template="accounts/email/verification_decision",
        context={
            "account": account,
            "request": request,
            "settings_url": absolute_url(reverse("accounts:settings-verification")),
            "legal_url": absolute_url(reverse("accounts:settings-legal")),
        },
    )
