"""Services that change offers: create an offer, save a page, create, save and delete plans."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from offers.forms.base import PageForm, PlanForm, StoredFileField
from offers.history import history_record
from offers.models import Offer, OfferFile, OfferPage, Plan
from offers.types import offer_type

LISTING_PAGE = "offer_listing"  # its ``name`` is part of the offer's search text


@transaction.atomic
def offer_create(*, membership, offer_type_key: str, offer_id: str, alias: str) -> Offer:
    """Create an offer in the member's account; offer ID, alias and type are fixed from now on."""
    offer_type(offer_type_key)  # raises KeyError for an unknown type
    if Offer.objects.filter(account_id=membership.account_id, offer_id=offer_id).exists():
        raise ValidationError({"offer_id": _("Your account already has an offer with this ID.")})
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                account_id=membership.account_id,
                offer_type=offer_type_key,
                offer_id=offer_id,
                alias=alias,
                created_by=membership.user,
            )
    except IntegrityError as error:  # a concurrent create with the same ID
        raise ValidationError({"offer_id": _("Your account already has an offer with this ID.")}) from error
    history_record(offer, "offer_created", actor=membership.user, message=_("Offer created"))
    return offer


def _store_files(offer: Offer, form: PageForm, values: dict, by) -> dict:
    """Store each new upload of the form as an OfferFile and put its id in the page values."""
    for name, field in form.fields.items():
        upload = values.get(name)
        if isinstance(field, StoredFileField) and isinstance(upload, UploadedFile):
            values[name] = offer_file_store(offer, upload, content_type=field.content_type, by=by).pk
    return values


def offer_file_store(offer: Offer, upload: UploadedFile, *, content_type: str, by=None) -> OfferFile:
    """Save an upload that its field has already checked; files are never overwritten."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    meta = getattr(upload, "portal_meta", {}) or {}
    stored = OfferFile(
        offer=offer,
        original_name=(upload.name or "upload")[:255],
        content_type=content_type,
        size=upload.size,
        width=meta.get("width"),
        height=meta.get("height"),
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    stored.file.save(upload.name or "upload", upload, save=False)
    stored.save()
    return stored


@transaction.atomic
def page_save(*, offer: Offer, key: str, form: PageForm, by) -> OfferPage:
    """Save a page whose form validated as a draft; completeness is judged later from these values."""
    values = _store_files(offer, form, form.page_values(), by)
    page, _created = OfferPage.objects.update_or_create(
        offer=offer, key=key, defaults={"data": values, "updated_by": by}
    )
    changes = {"updated_at": page.updated_at}
    if key == LISTING_PAGE:  # the listing name is searched (dashboard, admin): the one path that changes it
        changes["search_text"] = offer.search_text_for(values.get("name") or "")
    Offer.objects.filter(pk=offer.pk).update(**changes)
    return page


@transaction.atomic
def notes_save(*, offer: Offer, notes: str) -> None:
    """Save the notes for certification that travel with the next submission."""
    Offer.objects.filter(pk=offer.pk).update(notes_for_certification=notes)
    offer.notes_for_certification = notes


@transaction.atomic
def plan_create(*, offer: Offer, form: PlanForm, by) -> Plan:
    """Create a plan from a draft-valid plan form; its plan ID is fixed from now on."""
    spec = offer.type_spec
    if spec.max_plans is not None and offer.plans.count() >= spec.max_plans:
        raise ValidationError(_("An offer of this type can have at most %(n)d plans.") % {"n": spec.max_plans})
    values = _store_files(offer, form, form.page_values(), by)
    try:
        with transaction.atomic():
            plan = Plan.objects.create(offer=offer, plan_id=form.cleaned_data["plan_id"], data=values)
    except IntegrityError as error:
        raise ValidationError({"plan_id": _("This offer already has a plan with this ID.")}) from error
    Offer.objects.filter(pk=offer.pk).update(updated_at=plan.updated_at)
    history_record(offer, "plan_created", actor=by, message=_("Plan %(id)s created") % {"id": plan.plan_id})
    return plan


@transaction.atomic
def plan_save(*, plan: Plan, form: PlanForm, by) -> Plan:
    plan.data = _store_files(plan.offer, form, form.page_values(), by)
    plan.save(update_fields=["data", "updated_at"])
    Offer.objects.filter(pk=plan.offer_id).update(updated_at=plan.updated_at)
    return plan


@transaction.atomic
def plan_delete(*, plan: Plan, by) -> None:
    """Delete a plan that was never live; a plan that was live is stopped, not deleted."""
    if not plan.deletable:
        raise PermissionDenied(_("A plan that has been live cannot be deleted; stop selling it instead."))
    offer = plan.offer
    plan_id = plan.plan_id
    plan.delete()
    history_record(offer, "plan_deleted", actor=by, message=_("Plan %(id)s deleted") % {"id": plan_id})
