"""Fixtures of the portal's tests: an operator, a stopped broker, a real celery beat in a thread, a fresh ping."""

import time
from dataclasses import dataclass

import pytest


@pytest.fixture(autouse=True)
def _worker_ping_forgotten():
    """Each test pings the workers afresh: the probe caches the answer per process."""
    from django.core.cache import cache

    from portal.health import WORKERS_CACHE_KEY

    cache.delete(WORKERS_CACHE_KEY)
    yield
    cache.delete(WORKERS_CACHE_KEY)


@pytest.fixture
def beat_running(_celery_app, transactional_db, settings):
    """Run celery beat (the portal's scheduler, as `celery beat` runs it) in a thread until its first tick is seen."""
    from celery.beat import EmbeddedService

    from portal.beat import beat_last_tick

    settings.BEAT_LEASE_SECONDS = 4  # renews every second, so stopping takes a second, not fifteen
    beat = EmbeddedService(_celery_app, thread=True, scheduler_cls=settings.CELERY_BEAT_SCHEDULER)
    beat.start()
    deadline = time.monotonic() + 20
    while beat_last_tick()[0] is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert beat_last_tick()[0] is not None, "beat did not tick"
    yield beat
    beat.stop()


@pytest.fixture
def operator(db):
    """A staff user in the Operators group, with an email (alerts reach operators)."""
    from django.contrib.auth.models import Group

    from certification.operations import staff_groups_ensure
    from tests.factories import UserFactory

    staff_groups_ensure()
    user = UserFactory(is_staff=True, email="operator@portal.example")
    user.groups.add(Group.objects.get(name="Operators"))
    return user


@dataclass
class StoppedBroker:
    port: int
    restart: object  # call it to point the portal at the running broker again


@pytest.fixture
def broker_stopped(settings):
    """Point the portal's broker URL at a closed port, as a broker that stopped."""
    from tests.support import free_port

    running = settings.CELERY_BROKER_URL, settings.CELERY_BROKER_TRANSPORT_OPTIONS
    port = free_port()
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    def restart():
        settings.CELERY_BROKER_URL, settings.CELERY_BROKER_TRANSPORT_OPTIONS = running

    return StoppedBroker(port=port, restart=restart)
