"""SaaS subscriptions, their operations and usage events; the publishers' API credentials and the signing keys."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class SigningKey(models.Model):
    """An RSA key the portal signs its bearer tokens and webhook JWTs with; the public half is in the JWKS."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField(help_text=_("PKCS#8 PEM; the database is the key store of every process."))
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.kid


class ApiCredential(models.Model):
    """A client secret the portal issued for an offer's Entra application; only its hash is kept."""

    offer = models.ForeignKey("offers.Offer", on_delete=models.CASCADE, related_name="api_credentials")
    client_id = models.CharField(_("application (client) ID"), max_length=36, db_index=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("secret ends with"), max_length=8)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.client_id} …{self.hint}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Subscription(ConcurrentTransitionMixin, models.Model):
    """A customer's SaaS subscription of an offer's plan, as the Fulfillment API shows it to the publisher."""

    class Status(models.TextChoices):
        PENDING_FULFILLMENT_START = "PendingFulfillmentStart", _("Pending activation")
        SUBSCRIBED = "Subscribed", _("Subscribed")
        SUSPENDED = "Suspended", _("Suspended")
        UNSUBSCRIBED = "Unsubscribed", _("Unsubscribed")

    LIVE = (Status.PENDING_FULFILLMENT_START, Status.SUBSCRIBED, Status.SUSPENDED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="saas_subscriptions")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="saas_subscriptions"
    )
    name = models.CharField(_("name"), max_length=200)
    plan_id = models.CharField(_("plan ID"), max_length=50)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    status = FSMField(_("status"), choices=Status.choices, default=Status.PENDING_FULFILLMENT_START, protected=True)
    beneficiary_email = models.EmailField()
    tenant_id = models.CharField(max_length=36, blank=True)
    term_unit = models.CharField(_("billing term"), max_length=8)
    term_start = models.DateTimeField(null=True, blank=True)
    term_end = models.DateTimeField(null=True, blank=True)
    auto_renew = models.BooleanField(_("auto-renew"), default=True)
    is_test = models.BooleanField(default=False)
    is_free_trial = models.BooleanField(default=False)
    marketplace_token = models.CharField(max_length=64, unique=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["offer", "created_at", "id"], name="saas_subscription_offer_page")]

    def __str__(self):
        return f"{self.name} ({self.id})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING_FULFILLMENT_START

    @property
    def is_subscribed(self) -> bool:
        return self.status == self.Status.SUBSCRIBED

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED

    @property
    def is_unsubscribed(self) -> bool:
        return self.status == self.Status.UNSUBSCRIBED

    @transition(field=status, source=Status.PENDING_FULFILLMENT_START, target=Status.SUBSCRIBED)
    def activate(self):
        """The publisher activated the subscription: billing starts."""

    @transition(field=status, source=Status.SUBSCRIBED, target=Status.SUSPENDED)
    def suspend(self):
        """Payment failed: the publisher keeps the account but stops the service."""

    @transition(field=status, source=Status.SUSPENDED, target=Status.SUBSCRIBED)
    def reinstate(self):
        """Payment came through: the service resumes."""

    @transition(field=status, source=LIVE, target=Status.UNSUBSCRIBED)
    def unsubscribe(self):
        """The customer or the publisher ended the subscription; it never comes back."""


class Operation(ConcurrentTransitionMixin, models.Model):
    """An asynchronous change of a subscription, sent to the connection webhook once and answered by a PATCH."""

    class Action(models.TextChoices):
        CHANGE_PLAN = "ChangePlan", _("Change plan")
        CHANGE_QUANTITY = "ChangeQuantity", _("Change quantity")
        UNSUBSCRIBE = "Unsubscribe", _("Unsubscribe")
        SUSPEND = "Suspend", _("Suspend")
        REINSTATE = "Reinstate", _("Reinstate")
        RENEW = "Renew", _("Renew")

    class Status(models.TextChoices):
        NOT_STARTED = "NotStarted", _("Not started")
        IN_PROGRESS = "InProgress", _("In progress")
        SUCCEEDED = "Succeeded", _("Succeeded")
        FAILED = "Failed", _("Failed")
        CONFLICT = "Conflict", _("Conflict")

    DONE = (Status.SUCCEEDED, Status.FAILED, Status.CONFLICT)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    activity_id = models.UUIDField(default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="operations")
    action = models.CharField(max_length=20, choices=Action.choices)
    plan_id = models.CharField(max_length=50)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    status = FSMField(choices=Status.choices, default=Status.IN_PROGRESS, protected=True)
    by_customer = models.BooleanField(default=False, help_text=_("Started in the storefront, not by the API."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # A subscription's operations in progress (the API's list, the one-at-a-time check) from a few index rows,
        # not from every operation it ever had.
        indexes = [
            models.Index(
                fields=["subscription", "-created_at"],
                condition=models.Q(status="InProgress"),
                name="saas_operation_in_progress",
            )
        ]

    def __str__(self):
        return f"{self.action} {self.id}"

    @property
    def summary(self) -> str:
        """The change in the customer's words: "Change plan to premium", "Change quantity to 5 users"."""
        if self.action == self.Action.CHANGE_PLAN:
            return _("Change plan to %s") % self.plan_id
        if self.action == self.Action.CHANGE_QUANTITY:
            return _("Change quantity to %s users") % self.quantity
        return str(self.get_action_display())

    @property
    def is_in_progress(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @property
    def is_succeeded(self) -> bool:
        return self.status == self.Status.SUCCEEDED

    @property
    def is_failed(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.CONFLICT)

    @transition(field=status, source=Status.IN_PROGRESS, target=Status.SUCCEEDED)
    def succeed(self):
        """The publisher (or the time limit) confirmed the change; it takes effect."""

    @transition(field=status, source=Status.IN_PROGRESS, target=Status.FAILED)
    def fail(self):
        """The publisher refused the change; the subscription stays as it was."""

    @transition(field=status, source=Status.IN_PROGRESS, target=Status.CONFLICT)
    def conflict(self):
        """The subscription moved on before the change could take effect."""


class UsageEvent(models.Model):
    """One accepted usage event: a quantity of a metered dimension in one hour of one subscription."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="usage_events")
    plan_id = models.CharField(max_length=50)
    dimension = models.CharField(max_length=50)
    quantity = models.DecimalField(max_digits=18, decimal_places=6)
    effective_start_time = models.DateTimeField()
    hour = models.DateTimeField(help_text=_("The effective start time truncated to the hour."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_start_time", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "dimension", "hour"], name="usage_event_one_per_hour")
        ]

    def __str__(self):
        return f"{self.subscription_id} {self.dimension} {self.quantity} @ {self.hour:%Y-%m-%d %H}:00"
