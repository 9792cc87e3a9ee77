"""Webhook endpoints of publisher accounts and the deliveries of events to them (each one an outbox message)."""

import base64
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def webhook_secret_new() -> str:
    """Return a new signing secret in the Standard Webhooks form: ``whsec_`` and base64 of random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


class WebhookEventType(models.TextChoices):
    """Every event a publisher's endpoint can subscribe to; the value is the payload's ``type``."""

    OFFER_STATUS_CHANGED = "offer.status_changed", _("An offer's status changed")
    SUBMISSION_STARTED = "submission.started", _("A submission started (Publish)")
    SUBMISSION_STEP_CHANGED = "submission.step_changed", _("A step of a submission changed state")
    SUBMISSION_FAILED = "submission.failed", _("A submission failed, with the certification failure report")
    SUBMISSION_WAITING_SIGNOFF = "submission.waiting_signoff", _("A preview waits for your sign-off (Go live)")
    REVIEW_CLAIMED = "review.claimed", _("A reviewer started a certification review")
    REVIEW_DECIDED = "review.decided", _("A certification review was decided")
    OFFER_LIVE = "offer.live", _("An offer went live")
    STOP_SELL_COMPLETED = "stop_sell.completed", _("An offer or plan was removed from the marketplace")


class WebhookEndpoint(models.Model):
    """An HTTPS URL of a publisher account that receives the events it subscribes to, signed with its secret."""

    account = models.ForeignKey("accounts.PublisherAccount", on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("endpoint URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=100, default=webhook_secret_new, editable=False)
    # After a rotation the previous secret signs too, until it expires, so receivers can switch without a gap.
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text=_("The first failed attempt since the last successful one.")
    )
    # Enabled again: failed attempts before this moment (while it was disabled, say) no longer count.
    failures_counted_from = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["account", "enabled"])]

    def __str__(self):
        return self.url

    def subscribes_to(self, event_type: str) -> bool:
        return event_type in self.event_types

    @property
    def is_failing(self) -> bool:
        return self.failing_since is not None

    def event_type_labels(self) -> list[str]:
        labels = dict(WebhookEventType.choices)
        return [str(labels.get(value, value)) for value in self.event_types]


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox message that carries it (its state and attempts are the log)."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    message = models.OneToOneField("outbox.OutboxMessage", on_delete=models.CASCADE, related_name="webhook_delivery")
    event_id = models.CharField(max_length=40)
    event_type = models.CharField(max_length=40, choices=WebhookEventType.choices)
    offer_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_once_per_event"),
        ]

    def __str__(self):
        return f"{self.event_type} {self.event_id} to {self.endpoint_id}"

    @property
    def is_sent(self) -> bool:
        return self.message.state == self.message.State.SENT

    @property
    def is_failed(self) -> bool:
        return self.message.state == self.message.State.FAILED

    @property
    def can_redeliver(self) -> bool:
        """A failed or still pending delivery can be queued again; a sent one never is."""
        return not self.is_sent
