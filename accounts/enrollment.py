"""Enrollment of publisher accounts: the legal info, and accepting (and publishing) the publisher agreement."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.history import account_event_record
from accounts.models import AccountEvent, AgreementAcceptance, Membership, PublisherAccount, PublisherAgreement
from accounts.readiness import field_label, field_text
from accounts.selectors import agreement_current
from accounts.services import owner_lock
from accounts.verification import verification_reopen


@transaction.atomic
def legal_info_update(*, by: Membership, values: dict) -> list[str]:
    """Save the Owner's changes to the legal info; return the labels of the fields that changed.

    Changing the legal info of a verified account asks the marketplace to verify it again.
    """
    account, actor = owner_lock(by)
    changes = {
        name: [getattr(account, name), value]
        for name, value in values.items()
        if name in PublisherAccount.LEGAL_FIELDS and getattr(account, name) != value
    }
    if not changes:
        return []
    for name, (_before, after) in changes.items():
        setattr(account, name, after)
    account.save(update_fields=list(changes))
    labels = [field_label(name) for name in changes]
    account_event_record(
        account,
        AccountEvent.Kind.LEGAL_INFO_CHANGED,
        actor=actor.user,
        message=_("Legal info changed: %(fields)s") % {"fields": ", ".join(labels)},
        changes=[
            [field_label(name), field_text(name, before), field_text(name, after)]
            for name, (before, after) in changes.items()
        ],
    )
    if account.is_verified:
        verification_reopen(account, by=actor.user, changed=labels)
    return labels


@transaction.atomic
def agreement_accept(*, by: Membership, version: int, ip_address: str | None) -> AgreementAcceptance:
    """Accept the current publisher agreement for the Owner's account: enrolls it in the program.

    ``version`` is the version the Owner read; a newer one published meanwhile must be read first.
    """
    account, actor = owner_lock(by)
    agreement = agreement_current()
    if agreement is None:
        raise ValidationError(_("No publisher agreement is published yet."))
    if agreement.version != version:
        raise ValidationError(
            _("Version %(version)d of the agreement was published meanwhile; read it, then accept it.")
            % {"version": agreement.version}
        )
    accepted = AgreementAcceptance.objects.filter(account=account, agreement=agreement).first()
    if accepted is not None:
        return accepted
    acceptance = AgreementAcceptance.objects.create(
        account=account,
        agreement=agreement,
        accepted_by=actor.user,
        accepted_at=timezone.now(),
        ip_address=ip_address or None,
    )
    account_event_record(
        account,
        AccountEvent.Kind.AGREEMENT_ACCEPTED,
        actor=actor.user,
        message=_("Accepted the publisher agreement, version %(version)d") % {"version": agreement.version},
        version=agreement.version,
        ip_address=ip_address or "",
    )
    return acceptance


@transaction.atomic
def agreement_publish(*, by, title: str, text: str) -> PublisherAgreement:
    """Publish a new version of the publisher agreement; every account accepts it before its next Publish."""
    list(PublisherAgreement.objects.select_for_update().values_list("pk", flat=True))  # versions in order
    version = (PublisherAgreement.objects.aggregate(n=Max("version"))["n"] or 0) + 1
    return PublisherAgreement.objects.create(version=version, title=title, text=text, published_by=by)
