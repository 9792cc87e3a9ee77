"""Fixtures of the portal's tests: a real celery beat ticking in a thread, the readiness probe's cache cleared."""

import time

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
