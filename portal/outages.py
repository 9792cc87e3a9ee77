"""Outages of the portal's parts: opened by a failed probe, alerted once after a while, closed by a success.

Every probe only logs (a warning when it fails). Operators are emailed once per outage, when a part has failed its
probes for ``HEALTH_ALERT_AFTER_MINUTES``, and once more when it answers again; a part that recovers sooner
emails nobody. Each email is an outbox message with a key of its own outage (``outage:<id>:down``), so however
many web processes probe at once, it is sent once. Alerts are delivered here, at once, rather than left to a
worker: the part that is down may be the broker or the workers. The database holds the outages and the outbox,
so a database outage is logged and shown by /readyz but cannot be recorded or emailed.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from certification.notifications import operator_recipients
from outbox.links import absolute_url
from outbox.services import outbox_deliver_message, outbox_email
from portal.health import Probe
from portal.models import Outage

logger = logging.getLogger(__name__)


def outages_track(probes: list[Probe]) -> None:
    """Record what the probes found: open, alert or close each part's outage. Never raises."""
    for probe in probes:
        if not probe.ok:
            logger.warning("readiness: %s unavailable: %s", probe.label, probe.detail)
    if not next(p for p in probes if p.component == Outage.Component.DATABASE).ok:
        return  # nothing can be recorded; the warnings above are all there is
    for probe in probes:
        try:
            alert = _outage_close(probe) if probe.ok else _outage_open_or_due(probe)
        except DatabaseError as error:
            logger.warning("readiness: the outage of %s could not be recorded: %s", probe.label, error)
            continue
        if alert is not None:
            _alert(*alert)


def _outage_open_or_due(probe: Probe) -> tuple[Outage, str] | None:
    """Open the part's outage, or mark it alerted once it has lasted long enough; return the alert to send."""
    now = timezone.now()
    with transaction.atomic():
        outage = Outage.objects.select_for_update().filter(component=probe.component, ended_at=None).first()
        if outage is None:
            try:
                with transaction.atomic():
                    Outage.objects.create(component=probe.component, detail=probe.detail, started_at=now)
            except IntegrityError:
                pass  # another process opened it at the same moment
            return None
        if outage.alerted_at is not None:
            return None
        if now - outage.started_at < timedelta(minutes=settings.HEALTH_ALERT_AFTER_MINUTES):
            return None
        outage.alerted_at = now
        outage.save(update_fields=["alerted_at"])
    return outage, "down"


def _outage_close(probe: Probe) -> tuple[Outage, str] | None:
    """Close the part's open outage; return the recovery alert when the outage had been alerted."""
    with transaction.atomic():
        outage = Outage.objects.select_for_update().filter(component=probe.component, ended_at=None).first()
        if outage is None:
            return None
        outage.ended_at = timezone.now()
        outage.save(update_fields=["ended_at"])
    logger.info("readiness: %s available again", probe.label)
    return (outage, "up") if outage.alerted_at is not None else None


def _recipients() -> list[str]:
    return sorted({*operator_recipients(), *(address for _name, address in settings.ADMINS)})


def _alert(outage: Outage, kind: str) -> None:
    """Email the operators that a part is down (or up again), once per outage and kind, delivered from here."""
    recipients = _recipients()
    key = f"outage:{outage.pk}:{kind}"
    if not recipients:
        logger.warning("readiness: no operator to alert (%s): add users to Operators or set ADMINS", key)
        return
    context = {
        "outage": outage,
        "component": outage.get_component_display(),
        "down": kind == "down",
        "minutes": settings.HEALTH_ALERT_AFTER_MINUTES,
        "readyz_url": absolute_url(reverse("readyz")),
    }
    # The outbox's hand-off never raises when the broker is down (it is left for recovery), and the alert is sent
    # from here as well, since the part that is down may be the broker or the workers.
    with transaction.atomic():
        message = outbox_email(key=key, to=recipients, template="portal/email/outage", context=context)
    try:
        outbox_deliver_message(message_id=message.pk)
    except Exception as error:  # recorded on the message: operators see it in admin and can send it again
        logger.warning("readiness: the alert %s could not be sent: %s", key, error)
