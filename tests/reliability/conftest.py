"""Fixtures of the reliability tests: a broker that goes down (a closed port) and comes back."""

from dataclasses import dataclass

import pytest

from tests.support import free_port


@dataclass
class Broker:
    app: object
    url: str

    def down(self) -> None:
        """Point the Celery app at a port where nothing listens, as when Redis is down."""
        self._point(f"redis://127.0.0.1:{free_port()}/0")

    def up(self) -> None:
        self._point(self.url)

    def _point(self, url: str) -> None:
        self.app.conf.broker_url = self.app.conf.broker_write_url = self.app.conf.broker_read_url = url
        self.app._after_fork()  # forget pooled connections and producers: the next send connects to the new URL


@pytest.fixture
def broker(_celery_app):
    """The test session's broker, which the test takes down and brings back; it is back after the test."""
    broker = Broker(_celery_app, _celery_app.conf.broker_url)
    yield broker
    broker.up()
