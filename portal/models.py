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


class DailyFigure(models.Model):
    """One figure of one day for the admin dashboard, kept by the beat job ``portal.tasks.daily_figures_refresh``.

    A day's figures are one row per (metric, key): for example ``decisions`` of ``content`` on 2026-12-01 = 4. The
    dashboard reads the rows of the last 28 days, a bounded number whatever the size of the history; the ``day``
    metric marks a day as computed, so a day without activity is told apart from a day never computed.
    """

    day = models.DateField()
    metric = models.CharField(max_length=40)
    key = models.CharField(max_length=150, blank=True)  # a username at most
    value = models.FloatField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day", "metric", "key"]
        constraints = [models.UniqueConstraint(fields=["day", "metric", "key"], name="daily_figure_unique")]

    def __str__(self):
        return f"{self.day} {self.metric} {self.key}: {self.value:g}"
