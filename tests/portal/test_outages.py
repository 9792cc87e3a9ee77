"""A failed probe is a warning in the logs; operators are emailed once when a part stays down, once when it is back.

Emails are counted where they arrive (a real SMTP server) and in the outbox.
"""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from outbox.models import OutboxMessage
from portal.beat import LEASE_NAME
from portal.models import BeatLease, Outage
from tests.support import free_port

pytestmark = pytest.mark.django_db

ADMIN = "admins@portal.example"


@pytest.fixture(autouse=True)
def admins(settings):
    settings.ADMINS = [(ADMIN, ADMIN)]


@pytest.fixture
def beat_ticked():
    """Beat ticked just now (its probe passes), so only the part a test stops is down."""
    BeatLease.objects.update_or_create(name=LEASE_NAME, defaults={"renewed_at": timezone.now(), "holder": "test"})


def outage_began_minutes_ago(component: str, minutes: int) -> None:
    Outage.objects.filter(component=component, ended_at=None).update(
        started_at=timezone.now() - timedelta(minutes=minutes)
    )


def subjects(smtp_sink) -> list[str]:
    return [message["message"]["Subject"] for message in smtp_sink.messages]


def test_a_failed_probe_is_logged_as_a_warning_and_emails_nobody(
    client, operator, beat_ticked, broker_stopped, smtp_sink, caplog
):
    caplog.set_level(logging.INFO)

    for _probe in range(3):
        assert client.get("/readyz").status_code == 503

    probe_records = [r for r in caplog.records if r.name == "django.request" and "/readyz" in r.getMessage()]
    assert [r.levelname for r in probe_records] == ["WARNING"] * 3
    assert any(r.name == "portal.outages" and "Message broker unavailable" in r.getMessage() for r in caplog.records)
    assert smtp_sink.wait_for(1, timeout=1) == []
    assert not OutboxMessage.objects.exists()
    assert Outage.objects.filter(component=Outage.Component.BROKER, ended_at=None).count() == 1


def test_a_broker_outage_past_the_delay_alerts_the_operators_once_and_its_end_once(
    client, operator, beat_ticked, broker_stopped, smtp_sink, settings
):
    client.get("/readyz")
    outage_began_minutes_ago(Outage.Component.BROKER, settings.HEALTH_ALERT_AFTER_MINUTES + 1)

    for _probe in range(3):
        client.get("/readyz")
    broker_stopped.restart()  # the broker is back
    for _probe in range(3):
        client.get("/readyz")

    outage = Outage.objects.get(component=Outage.Component.BROKER)
    since = f"{outage.started_at:%Y-%m-%d %H:%M} UTC"
    assert subjects(smtp_sink) == [
        f"[operators] Down: Message broker (since {since})",
        f"[operators] Back: Message broker (since {since})",
    ]
    assert smtp_sink.messages[0]["to"] == sorted([ADMIN, operator.email])
    assert set(OutboxMessage.objects.values_list("key", "state")) == {
        (f"outage:{outage.pk}:down", OutboxMessage.State.SENT),
        (f"outage:{outage.pk}:up", OutboxMessage.State.SENT),
    }


def test_an_outage_shorter_than_the_delay_emails_nobody_when_it_ends(
    client, operator, beat_ticked, broker_stopped, smtp_sink
):
    client.get("/readyz")
    broker_stopped.restart()
    client.get("/readyz")

    assert Outage.objects.get(component=Outage.Component.BROKER).ended_at is not None
    assert smtp_sink.wait_for(1, timeout=1) == []
    assert not OutboxMessage.objects.filter(key__startswith="outage:").exists()


def test_the_workers_alert_is_sent_by_the_probe_when_no_worker_is_there_to_send_it(
    client, operator, beat_ticked, smtp_sink, settings
):
    client.get("/readyz")
    outage_began_minutes_ago(Outage.Component.WORKERS, settings.HEALTH_ALERT_AFTER_MINUTES + 1)

    client.get("/readyz")

    assert subjects(smtp_sink)[0].startswith("[operators] Down: Celery workers")
    assert "no worker answered a ping" in smtp_sink.messages[0]["message"].get_body(("plain",)).get_content()


def test_an_alert_is_sent_when_it_cannot_be_handed_to_a_worker(
    client, operator, beat_ticked, broker_stopped, smtp_sink, settings, monkeypatch
):
    from outbox.tasks import outbox_deliver

    def broker_down(**kwargs):
        raise BrokerError("Error 111 connecting to the broker")

    monkeypatch.setattr(outbox_deliver, "delay", broker_down)
    client.get("/readyz")
    outage_began_minutes_ago(Outage.Component.BROKER, settings.HEALTH_ALERT_AFTER_MINUTES + 1)

    assert client.get("/readyz").status_code == 503

    assert len(smtp_sink.wait_for(1)) == 1
    assert OutboxMessage.objects.get().state == OutboxMessage.State.SENT


def test_an_alert_that_cannot_be_sent_stays_in_the_outbox_for_operators(
    client, operator, beat_ticked, broker_stopped, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # no mail server there
    client.get("/readyz")
    outage_began_minutes_ago(Outage.Component.BROKER, settings.HEALTH_ALERT_AFTER_MINUTES + 1)

    assert client.get("/readyz").status_code == 503

    message = OutboxMessage.objects.get()
    assert message.state == OutboxMessage.State.PENDING
    assert message.last_error


def test_a_part_that_keeps_failing_has_one_open_outage(client, operator, beat_ticked, broker_stopped):
    for _probe in range(3):
        client.get("/readyz")

    assert Outage.objects.filter(component=Outage.Component.BROKER).count() == 1
    assert Outage.objects.get(component=Outage.Component.BROKER).detail
