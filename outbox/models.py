"""The outbox: every outgoing message (email, lead), one row each, with its stable key."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One outgoing email or lead, written in the same transaction as the change that causes it.

    The unique key (for example ``submission:42:failure-report``) makes sending idempotent: a task that is
    delivered twice finds the message already sent and sends nothing.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        LEAD_HTTPS = "lead_https", _("Lead to HTTPS endpoint")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    recipients = models.JSONField(default=list, help_text=_("Email addresses, or the endpoint URL for a lead."))
    subject = models.CharField(max_length=255, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return self.key
