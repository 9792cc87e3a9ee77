"""Offers, the saved values of their pages, their plans and their uploaded files."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from offers.types import offer_type_choices


class Offer(ConcurrentTransitionMixin, models.Model):
    """An offer of a publisher account; its status moves only through the state machine's transitions."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISH_IN_PROGRESS = "publish_in_progress", _("Publish in progress")
        ATTENTION_NEEDED = "attention_needed", _("Attention needed")
        PREVIEW = "preview", _("Preview")
        LIVE = "live", _("Live")
        PENDING_STOP_SELL = "pending_stop_sell", _("Pending stop sell")
        NOT_AVAILABLE = "not_available", _("Not available in the marketplace")

    # Bootstrap colour of each status on the dashboard and overview pages.
    STATUS_COLOURS = {
        Status.DRAFT: "secondary",
        Status.PUBLISH_IN_PROGRESS: "primary",
        Status.ATTENTION_NEEDED: "danger",
        Status.PREVIEW: "info",
        Status.LIVE: "success",
        Status.PENDING_STOP_SELL: "warning",
        Status.NOT_AVAILABLE: "dark",
    }

    IMMUTABLE_FIELDS = ("account_id", "offer_type", "offer_id", "alias")

    account = models.ForeignKey("portal.PublisherAccount", on_delete=models.PROTECT, related_name="offers")
    offer_type = models.CharField(_("offer type"), max_length=32, choices=offer_type_choices)
    offer_id = models.CharField(_("offer ID"), max_length=50)
    alias = models.CharField(_("offer alias"), max_length=50)
    status = FSMField(_("status"), choices=Status.choices, default=Status.DRAFT, protected=True)
    notes_for_certification = models.TextField(_("notes for certification"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["account", "offer_id"], name="offer_id_unique_per_account")]
        indexes = [models.Index(fields=["account", "status"]), models.Index(fields=["account", "offer_type"])]

    def __str__(self):
        return f"{self.alias} ({self.offer_id})"

    def save(self, *args, **kwargs):
        # Offer ID, alias, type and account never change once the offer exists, whatever the caller does.
        loaded = getattr(self, "_loaded_identity", None)
        if loaded:
            changed = [f for f, value in loaded.items() if getattr(self, f) != value]
            if changed:
                raise ValidationError(
                    _("%(fields)s cannot be changed after the offer is created.") % {"fields": ", ".join(changed)}
                )
        super().save(*args, **kwargs)
        self._loaded_identity = {f: getattr(self, f) for f in self.IMMUTABLE_FIELDS}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_identity = {f: getattr(instance, f, None) for f in cls.IMMUTABLE_FIELDS}
        return instance

    @property
    def status_colour(self) -> str:
        return self.STATUS_COLOURS.get(self.status, "secondary")

    @property
    def type_spec(self):
        from offers.types import offer_type

        return offer_type(self.offer_type)


class OfferPage(models.Model):
    """The saved values of one page of an offer, as the page's form cleaned them (JSON)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="pages")
    key = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offer", "key"], name="offer_page_unique_key")]

    def __str__(self):
        return f"{self.offer_id}:{self.key}"


class Plan(models.Model):
    """A plan of an offer; its plan ID is immutable and its own small status tracks selling."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LIVE = "live", _("Live")
        STOP_SELL_PENDING = "stop_sell_pending", _("Stop sell pending")
        STOPPED = "stopped", _("Stopped")

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="plans")
    plan_id = models.CharField(_("plan ID"), max_length=50)
    data = models.JSONField(default=dict)
    status = FSMField(_("status"), choices=Status.choices, default=Status.DRAFT, protected=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["offer", "plan_id"], name="plan_id_unique_per_offer")]

    def __str__(self):
        return self.plan_id

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded_plan_id", None)
        if loaded is not None and loaded != self.plan_id:
            raise ValidationError(_("The plan ID cannot be changed after the plan is created."))
        super().save(*args, **kwargs)
        self._loaded_plan_id = self.plan_id

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_plan_id = instance.plan_id
        return instance

    @property
    def name(self) -> str:
        return self.data.get("name") or self.plan_id


def _upload_to(instance, filename):
    suffix = {"image/png": ".png", "application/pdf": ".pdf", "application/zip": ".zip"}.get(instance.content_type, "")
    return f"offers/{instance.offer.account_id}/{instance.offer_id}/{uuid.uuid4().hex}{suffix}"


class OfferFile(models.Model):
    """An uploaded file of an offer (logo, screenshot, thumbnail, PDF, package). Never overwritten."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.original_name


class OfferEvent(models.Model):
    """An event in the history of an offer, with its actor (a user, a reviewer, or the system when empty)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    internal = models.BooleanField(default=False, help_text=_("Only reviewers and operators see internal events."))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.offer_id}:{self.kind}"
