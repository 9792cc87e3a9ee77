"""Probes of the parts the portal runs on, for /readyz: the database, the broker, the storage, workers and beat.

Each probe answers in about a second at most and never raises: it returns whether its part works and, for the
operators only, what it saw. The worker ping is cached per process, so a load balancer probing often does not
flood the broker.
"""

import contextlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from kombu import Connection

from portal.beat import beat_last_tick
from portal.celery import app as celery_app
from portal.models import Outage

Component = Outage.Component
WORKERS_CACHE_KEY = "portal:health:workers"
_PROBE_CONTENT = b"readiness probe"


@dataclass(frozen=True)
class Probe:
    """What one probe found: the part, whether it works, and what it saw (for operators, never for anonymous)."""

    component: Component
    ok: bool
    detail: str

    @property
    def label(self) -> str:
        return str(self.component.label)


def _error_text(error: Exception) -> str:
    return str(error) or error.__class__.__name__


def database_probe() -> Probe:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return Probe(Component.DATABASE, False, _error_text(error))
    return Probe(Component.DATABASE, True, "ok")


def _broker_connection() -> Connection:
    return Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=2,
    )


def broker_probe() -> Probe:
    try:
        with _broker_connection() as broker:
            broker.ensure_connection(max_retries=0, timeout=2)  # one attempt: a probe never waits on retries
    except Exception as error:
        return Probe(Component.BROKER, False, _error_text(error))
    return Probe(Component.BROKER, True, "ok")


def storage_probe() -> Probe:
    """Write, read back and delete a small file through the configured storage (whatever its backend)."""
    name = None
    try:
        name = default_storage.save(f"health/readyz-{uuid.uuid4().hex}.txt", ContentFile(_PROBE_CONTENT))
        with default_storage.open(name, "rb") as stored:
            if stored.read() != _PROBE_CONTENT:
                return Probe(Component.STORAGE, False, f"{name} read back different bytes")
    except Exception as error:
        return Probe(Component.STORAGE, False, _error_text(error))
    finally:
        if name is not None:
            with contextlib.suppress(Exception):  # the probe has its answer; a leftover of a few bytes harms nothing
                default_storage.delete(name)
    return Probe(Component.STORAGE, True, "ok")


def workers_probe(*, broker_ok: bool = True) -> Probe:
    """Ping the workers (at most once per HEALTH_WORKER_PING_CACHE_SECONDS per process): at least one must answer."""
    if not broker_ok:
        return Probe(Component.WORKERS, False, "not asked: the broker is unreachable")
    cached = cache.get(WORKERS_CACHE_KEY)
    if cached is not None:
        return Probe(Component.WORKERS, *cached)
    try:
        with _broker_connection() as broker:
            replies = celery_app.control.ping(timeout=settings.HEALTH_WORKER_PING_TIMEOUT, connection=broker)
    except Exception as error:
        ok, detail = False, _error_text(error)
    else:
        names = sorted(name for reply in replies for name in reply)
        ok = bool(names)
        detail = (
            f"{len(names)} answered: {', '.join(names)}"
            if names
            else f"no worker answered a ping within {settings.HEALTH_WORKER_PING_TIMEOUT:g} s"
        )
    cache.set(WORKERS_CACHE_KEY, (ok, detail), settings.HEALTH_WORKER_PING_CACHE_SECONDS)
    return Probe(Component.WORKERS, ok, detail)


def beat_probe(*, database_ok: bool = True) -> Probe:
    """Beat ticked lately: the holder of its lease renews it as it ticks (portal/beat.py)."""
    if not database_ok:
        return Probe(Component.BEAT, False, "not read: the database is unreachable")
    try:
        last_tick, holder = beat_last_tick()
    except Exception as error:
        return Probe(Component.BEAT, False, _error_text(error))
    if last_tick is None:
        return Probe(Component.BEAT, False, "no tick recorded: is celery beat running?")
    age = timezone.now() - last_tick
    stale_after = timedelta(seconds=settings.HEALTH_BEAT_STALE_SECONDS)
    seconds = max(int(age.total_seconds()), 0)
    if age > stale_after:
        return Probe(
            Component.BEAT, False, f"last tick {seconds} s ago by {holder} (stale after {stale_after.seconds} s)"
        )
    return Probe(Component.BEAT, True, f"last tick {seconds} s ago by {holder}")


def readiness() -> list[Probe]:
    """Probe every part; a part that depends on a failed one says so rather than waiting on it."""
    database = database_probe()
    broker = broker_probe()
    return [
        database,
        broker,
        storage_probe(),
        workers_probe(broker_ok=broker.ok),
        beat_probe(database_ok=database.ok),
    ]
