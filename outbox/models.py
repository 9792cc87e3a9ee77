"""The outbox: every outgoing message (email, lead, webhook), one row each, with its stable key."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One outgoing email, lead or webhook, written in the same transaction as the change that causes it.

    The unique key (for example ``submission:42:failure-report``) makes sending idempotent: a task that is
    delivered twice finds the message already sent and sends nothing, and the key travels with the message
    (an email's Message-ID, a lead's or webhook's Idempotency-Key header) so a receiver can recognise a repeat.

    Delivery is at least once: a worker marks the message ``sending`` until ``sending_until`` (the lease) in a
    committed transaction before the network call. Another delivery finding a live lease waits; an expired lease
    means the worker died mid-send, and the message is sent again (the only way one is received twice).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        LEAD_HTTPS = "lead_https", _("Lead to HTTPS endpoint")
        WEBHOOK = "webhook", _("Webhook to HTTPS endpoint")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    recipients = models.JSONField(default=list, help_text=_("Email addresses, or the endpoint URL for a lead."))
    subject = models.CharField(max_length=255, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    signer = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("The registered signer whose headers a webhook carries (outbox.signers)."),
    )
    meta = models.JSONField(default=dict, blank=True, help_text=_("What the signer needs, for example an endpoint id."))
    group = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Messages of one group are delivered in the order they were queued, one after the other."),
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    sending_until = models.DateTimeField(
        null=True, blank=True, help_text=_("While sending: the lease; once past, the sender is taken for dead.")
    )
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the next try is due; the re-drive picks up a message left past it.")
    )
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["group", "state"], name="outbox_group_state", condition=~models.Q(group="")),
        ]

    def __str__(self):
        return self.key

    @property
    def idempotency_key(self) -> str:
        """The stable key a receiver deduplicates by: the same on every try of this message."""
        return f"outbox-{self.pk}-{self.key}"[:255]


class OutboxAttempt(models.Model):
    """One try at delivering a message: when, how long, what the other side answered."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    detail = models.TextField(blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.message_id} at {self.at:%Y-%m-%d %H:%M:%S}"
