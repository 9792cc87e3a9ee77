"""Offers, the saved values of their pages, their plans and their uploaded files."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from offers.types import offer_type, offer_type_choices


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
    STATUS_LABELS = dict(Status.choices)  # lazy: each is translated when shown

    IMMUTABLE_FIELDS = ("account_id", "offer_type", "offer_id", "alias")
    PUBLISHABLE = (Status.DRAFT, Status.ATTENTION_NEEDED, Status.PREVIEW, Status.LIVE, Status.NOT_AVAILABLE)
    # Where a cancelled submission may return to: the status the offer had when it was submitted.
    CANCEL_TARGETS = (Status.DRAFT, Status.ATTENTION_NEEDED, Status.PREVIEW, Status.LIVE, Status.NOT_AVAILABLE)

    account = models.ForeignKey("accounts.PublisherAccount", on_delete=models.PROTECT, related_name="offers")
    offer_type = models.CharField(_("offer type"), max_length=32, choices=offer_type_choices)
    offer_id = models.CharField(_("offer ID"), max_length=50)
    alias = models.CharField(_("offer alias"), max_length=50)
    status = FSMField(_("status"), choices=Status.choices, default=Status.DRAFT, protected=True)
    notes_for_certification = models.TextField(_("notes for certification"), blank=True)
    preview_snapshot = models.ForeignKey(
        "OfferSnapshot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    live_snapshot = models.ForeignKey(
        "OfferSnapshot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    delisted_at = models.DateTimeField(_("removed from the marketplace"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    search_text = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text=_("Offer ID, alias and listing name, lower case, one a line: what the dashboard and admin search."),
    )

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["account", "offer_id"], name="offer_id_unique_per_account")]
        indexes = [
            models.Index(fields=["account", "status"]),
            models.Index(fields=["account", "offer_type"]),
            # The dashboard's page: the account's newest offers, read in order from the index whatever their number.
            models.Index(fields=["account", "-updated_at", "-id"], name="offer_account_newest"),
        ]

    def __str__(self):
        return f"{self.alias} ({self.offer_id})"

    def save(self, *args, **kwargs):
        if self._state.adding and not self.search_text:
            self.search_text = self.search_text_for()
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

    def search_text_for(self, listing_name: str = "") -> str:
        """Return the offer's search text with this listing name (``offers.services.page_save`` keeps it current)."""
        return "\n".join([self.offer_id, self.alias, listing_name or ""]).lower()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_identity = {f: getattr(instance, f, None) for f in cls.IMMUTABLE_FIELDS}
        return instance

    # -- transitions: they change the status (and the fields named in their docstring) only; services save.

    @transition(field=status, source=PUBLISHABLE, target=Status.PUBLISH_IN_PROGRESS)
    def start_publishing(self):
        """Hand the offer to the pipeline: Publish, resubmit, edit and resubmit, update, or republish."""

    @transition(field=status, source=Status.PREVIEW, target=Status.PUBLISH_IN_PROGRESS)
    def go_live(self):
        """The publisher signed off the preview; the publish phase runs."""

    @transition(field=status, source=Status.PUBLISH_IN_PROGRESS, target=Status.ATTENTION_NEEDED)
    def need_attention(self):
        """A phase found a critical issue or a reviewer rejected the offer."""

    @transition(field=status, source=Status.PUBLISH_IN_PROGRESS, target=Status.PREVIEW)
    def preview_ready(self, snapshot):
        """The preview was created from the snapshot (sets preview_snapshot)."""
        self.preview_snapshot = snapshot

    @transition(field=status, source=Status.PUBLISH_IN_PROGRESS, target=Status.LIVE)
    def publish_live(self, snapshot):
        """Final publish: the snapshot becomes the live listing (sets live_snapshot, clears delisted_at)."""
        self.live_snapshot = snapshot
        self.delisted_at = None

    @transition(
        field=status,
        source=Status.PUBLISH_IN_PROGRESS,
        target=GET_STATE(lambda self, origin: origin, states=CANCEL_TARGETS),
    )
    def cancel_publishing(self, origin):
        """Cancel publish before sign-off: back to the status the offer had when it was submitted."""

    @transition(field=status, source=Status.LIVE, target=Status.PENDING_STOP_SELL)
    def stop_selling(self):
        """The publisher chose Stop selling; the removal completes in the background."""

    @transition(field=status, source=Status.PENDING_STOP_SELL, target=Status.NOT_AVAILABLE)
    def stop_sell_complete(self, when):
        """The offer left the marketplace (sets delisted_at)."""
        self.delisted_at = when

    @property
    def listed(self) -> bool:
        """In the storefront: it has a live snapshot and has not been removed."""
        return self.live_snapshot_id is not None and self.delisted_at is None

    @property
    def status_colour(self) -> str:
        return self.STATUS_COLOURS.get(self.status, "secondary")

    # -- the labels of the status and the type, as Django's get_FOO_display gives them, without rebuilding (and
    # translating every label of) the whole list of choices on each call: the dashboard asks for them on every row.

    def get_status_display(self) -> str:
        return str(self.STATUS_LABELS.get(self.status, self.status))

    def get_offer_type_display(self) -> str:
        try:
            return str(offer_type(self.offer_type).label)
        except KeyError:
            return self.offer_type

    # -- one flag per status the templates ask about, so they never spell a status value.

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_attention_needed(self) -> bool:
        return self.status == self.Status.ATTENTION_NEEDED

    @property
    def is_preview(self) -> bool:
        return self.status == self.Status.PREVIEW

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE

    @property
    def is_pending_stop_sell(self) -> bool:
        return self.status == self.Status.PENDING_STOP_SELL

    @property
    def is_not_available(self) -> bool:
        return self.status == self.Status.NOT_AVAILABLE

    @property
    def type_spec(self):

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


class Plan(FSMModelMixin, models.Model):
    """A plan of an offer; its plan ID is immutable and its own small status tracks selling."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LIVE = "live", _("Live")
        STOP_SELL_PENDING = "stop_sell_pending", _("Stop sell pending")
        STOPPED = "stopped", _("Stopped")

    PURCHASABLE = (Status.DRAFT, Status.LIVE)  # still for sale: checked for purchase and put live by Final publish
    INACTIVE = (Status.STOP_SELL_PENDING, Status.STOPPED)  # stopped selling: checks and listings skip it
    LISTED = (Status.LIVE, Status.STOP_SELL_PENDING)  # in the live listing: a stopping plan shows until removed

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

    @transition(field=status, source=PURCHASABLE, target=Status.LIVE)
    def go_live(self):
        """The plan is part of a live listing."""

    @transition(field=status, source=Status.LIVE, target=Status.STOP_SELL_PENDING)
    def stop_selling(self):
        """The publisher stopped selling this plan; removal completes in the background."""

    @transition(field=status, source=Status.STOP_SELL_PENDING, target=Status.STOPPED)
    def stop_sell_complete(self):
        """The plan left the listing."""

    @transition(field=status, source=Status.STOPPED, target=Status.DRAFT)
    def sell_again(self):
        """The publisher sells the stopped plan again: the next publish checks it and puts it live."""

    @property
    def name(self) -> str:
        return self.data.get("name") or self.plan_id

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_stopping(self) -> bool:
        return self.status == self.Status.STOP_SELL_PENDING

    @property
    def is_stopped(self) -> bool:
        return self.status == self.Status.STOPPED

    @property
    def deletable(self) -> bool:
        """Whether the plan may be deleted: a draft no live listing ever held (one sold again was live before)."""
        snapshot = self.offer.live_snapshot  # plans listed from offer.plans share their offer and this snapshot
        listed = snapshot is not None and any(p.get("plan_id") == self.plan_id for p in snapshot.data.get("plans", []))
        return self.is_draft and not listed


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


class OfferSnapshot(models.Model):
    """A frozen copy of an offer's pages, plans and files (JSON) with its content hash.

    Submissions certify a snapshot; the preview and live listings are rendered from snapshots, so later
    edits of the draft never leak into what customers see.
    """

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="snapshots")
    data = models.JSONField()
    content_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.offer_id}@{self.content_hash[:12]}"
