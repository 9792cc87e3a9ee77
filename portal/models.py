"""What the portal keeps about its own processes: celery beat's lease and heartbeat, and outages of its parts."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BeatLease(models.Model):
    """The one celery beat allowed to send periodic tasks, its last tick, and when each entry last ran.

    Every beat ticks; only the holder of an unexpired lease sends. The holder renews the lease as it ticks, so
    ``renewed_at`` is beat's heartbeat, and it records each entry's last run here, so a beat that takes over
    (on this host or another) goes on from the same schedule and sends nothing twice.
    """

    name = models.CharField(max_length=50, unique=True)
    holder = models.CharField(max_length=200, blank=True, help_text=_("host:pid:nonce of the beat sending."))
    renewed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_runs = models.JSONField(default=dict, blank=True, help_text=_("Entry name: ISO time it was last sent."))

    def __str__(self):
        return f"{self.name} ({self.holder or 'nobody'})"


class Outage(models.Model):
    """A time a part of the portal failed its readiness probe: opened by a failure, closed by the next success.

    Operators are alerted once when it has lasted ``HEALTH_ALERT_AFTER_MINUTES`` and once when it ends.
    """

    class Component(models.TextChoices):
        DATABASE = "database", _("Database")
        BROKER = "broker", _("Message broker")
        STORAGE = "storage", _("File storage")
        WORKERS = "workers", _("Celery workers")
        BEAT = "beat", _("Celery beat")

    component = models.CharField(max_length=20, choices=Component.choices)
    detail = models.TextField(blank=True, help_text=_("What the first failed probe said."))
    started_at = models.DateTimeField()
    alerted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["component"], condition=Q(ended_at=None), name="one_open_outage"),
        ]

    def __str__(self):
        return f"{self.get_component_display()} since {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
