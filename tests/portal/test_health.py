"""/healthz says the process answers; /readyz probes the database, broker, storage, workers and beat.

The parts are real: PostgreSQL, Redis, a Celery worker thread and celery beat's scheduler in a thread. A stopped
broker is a broker URL on a closed port; a stopped worker is no worker; a stopped beat is one that stopped ticking.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from portal.beat import LEASE_NAME
from portal.models import BeatLease
from tests.factories import UserFactory

COMPONENTS = {"database", "broker", "storage", "workers", "beat"}


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def beat_stopped_minutes_ago(minutes: int) -> None:
    BeatLease.objects.filter(name=LEASE_NAME).update(renewed_at=timezone.now() - timedelta(minutes=minutes))


def components(response) -> dict:
    return response.json()["components"]


# -- liveness -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_liveness_answers_ok_and_says_nothing_more(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_liveness_answers_ok_while_the_broker_is_stopped(client, broker_stopped):
    assert client.get("/healthz").status_code == 200


def test_liveness_answers_ok_while_the_database_is_unreachable(client, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)

    assert client.get("/healthz").status_code == 200


# -- readiness ------------------------------------------------------------------------------------------------


def test_readiness_is_ok_with_a_worker_and_beat_running(client, celery_worker, beat_running):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_shows_every_part_to_a_signed_in_operator(operator_client, celery_worker, beat_running):
    response = operator_client.get("/readyz")

    assert response.status_code == 200
    assert set(components(response)) == COMPONENTS
    assert all(part["ok"] for part in components(response).values())
    assert "answered" in components(response)["workers"]["detail"]
    assert "last tick" in components(response)["beat"]["detail"]


@pytest.mark.django_db
def test_readiness_shows_no_detail_to_a_signed_in_reviewer(client, broker_stopped):
    from certification.operations import staff_groups_ensure

    staff_groups_ensure()
    reviewer = UserFactory(is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    client.force_login(reviewer)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_readiness_is_503_with_the_worker_stopped(operator_client, beat_running):
    response = operator_client.get("/readyz")

    assert response.status_code == 503
    assert components(response)["workers"]["ok"] is False
    assert "no worker answered" in components(response)["workers"]["detail"]
    assert [name for name, part in components(response).items() if not part["ok"]] == ["workers"]


def test_readiness_is_503_with_beat_stopped(operator_client, celery_worker, beat_running):
    beat_running.stop()
    beat_stopped_minutes_ago(10)

    response = operator_client.get("/readyz")

    assert response.status_code == 503
    assert components(response)["beat"]["ok"] is False
    assert "stale" in components(response)["beat"]["detail"]
    assert [name for name, part in components(response).items() if not part["ok"]] == ["beat"]


def test_readiness_is_503_with_beat_never_started(operator_client, celery_worker):
    response = operator_client.get("/readyz")

    assert response.status_code == 503
    assert components(response)["beat"] == {"ok": False, "detail": "no tick recorded: is celery beat running?"}


def test_readiness_is_503_with_the_broker_stopped(operator_client, celery_worker, beat_running, broker_stopped):
    response = operator_client.get("/readyz")

    assert response.status_code == 503
    assert components(response)["broker"]["ok"] is False
    assert components(response)["workers"] == {"ok": False, "detail": "not asked: the broker is unreachable"}
    assert components(response)["database"]["ok"] is True
    assert components(response)["beat"]["ok"] is True


def test_readiness_tells_anonymous_callers_nothing_about_a_stopped_broker(client, beat_running, broker_stopped):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert str(broker_stopped.port) not in response.content.decode()


@pytest.mark.django_db
def test_readiness_is_503_when_the_storage_cannot_be_written(operator_client, settings, tmp_path):
    not_a_folder = tmp_path / "media-is-a-file"
    not_a_folder.write_text("")
    settings.MEDIA_ROOT = not_a_folder

    response = operator_client.get("/readyz")

    assert response.status_code == 503
    assert components(response)["storage"]["ok"] is False


@pytest.mark.django_db
def test_the_storage_probe_leaves_no_file_behind(operator_client, settings):
    operator_client.get("/readyz")

    leftovers = list((settings.MEDIA_ROOT / "health").glob("*")) if (settings.MEDIA_ROOT / "health").exists() else []
    assert leftovers == []
    assert components(operator_client.get("/readyz"))["storage"]["ok"] is True


def test_readiness_is_503_when_the_database_is_unreachable(client, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


@pytest.mark.django_db
def test_readiness_is_served_over_plain_http_behind_an_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/readyz").status_code != 301
    assert client.get("/healthz").status_code == 200
