"""Webhooks take the outbox's one delivery path: signed when sent, in order within a group, every attempt logged."""

import hashlib
import hmac
import json

import pytest

from outbox.models import OutboxAttempt, OutboxMessage
from outbox.services import outbox_deliver_message, outbox_give_up, outbox_webhook
from outbox.signers import UnknownSigner, signer_register

pytestmark = pytest.mark.django_db

SECRET = b"test-secret"


def _hmac_signer(message, body: bytes) -> dict:
    digest = hmac.new(SECRET, message.key.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Test-Signature": digest, "X-Test-Endpoint": str(message.meta["endpoint"])}


@pytest.fixture(autouse=True)
def _signer():
    signer_register("test-hmac", _hmac_signer)


def _webhook(endpoint, key: str, *, group: str = "", status: str = "offer.live") -> OutboxMessage:
    return outbox_webhook(
        key=key,
        url=endpoint.url("/hooks"),
        payload={"type": status, "data": {"offer": "contoso-app", "name": "Café"}},
        signer="test-hmac",
        meta={"endpoint": 7},
        group=group,
        subject=status,
    )


def test_a_webhook_is_posted_as_json_with_the_headers_its_signer_computes_over_the_exact_body(https_endpoint):
    message = _webhook(https_endpoint, "hook:1")

    assert outbox_deliver_message(message_id=message.pk).ok

    [request] = https_endpoint.received("POST", "/hooks")
    expected = hmac.new(SECRET, b"hook:1." + request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["X-Test-Signature"] == expected
    assert request["headers"]["X-Test-Endpoint"] == "7"
    assert request["headers"]["Content-Type"] == "application/json"
    assert json.loads(request["body"]) == {"type": "offer.live", "data": {"offer": "contoso-app", "name": "Café"}}


def test_every_attempt_is_logged_with_the_answer_status_duration_and_excerpt(https_endpoint):
    message = _webhook(https_endpoint, "hook:2")
    https_endpoint.status = 500
    assert not outbox_deliver_message(message_id=message.pk).ok
    https_endpoint.status = 200
    assert outbox_deliver_message(message_id=message.pk).ok

    failed, sent = OutboxAttempt.objects.filter(message=message).order_by("pk")
    assert (failed.ok, failed.status_code, failed.response_excerpt) == (False, 500, "{}")
    assert (sent.ok, sent.status_code) == (True, 200)
    assert sent.duration_ms >= 0
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxMessage.State.SENT, 2)


def test_a_message_waits_while_an_earlier_one_of_its_group_is_pending(https_endpoint):
    _webhook(https_endpoint, "hook:3", group="endpoint:7:offer:1")
    second = _webhook(https_endpoint, "hook:4", group="endpoint:7:offer:1", status="offer.status_changed")

    result = outbox_deliver_message(message_id=second.pk)

    assert result.deferred
    assert not result.ok
    assert https_endpoint.requests == []
    second.refresh_from_db()
    assert (second.state, second.attempts) == (OutboxMessage.State.PENDING, 0)


def test_another_group_does_not_wait(https_endpoint):
    _webhook(https_endpoint, "hook:5", group="endpoint:7:offer:1")
    other = _webhook(https_endpoint, "hook:6", group="endpoint:7:offer:2")

    assert outbox_deliver_message(message_id=other.pk).ok


def test_a_sent_message_hands_its_group_over_to_the_next_pending_one(
    https_endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    first = _webhook(https_endpoint, "hook:7", group="g")
    second = _webhook(https_endpoint, "hook:8", group="g")
    enqueued = []
    monkeypatch.setattr("outbox.services._enqueue", enqueued.append)

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_deliver_message(message_id=first.pk).ok

    assert enqueued == [second.pk]
    assert outbox_deliver_message(message_id=second.pk).ok


def test_a_message_given_up_hands_its_group_over_too(https_endpoint, django_capture_on_commit_callbacks, monkeypatch):
    first = _webhook(https_endpoint, "hook:9", group="g2")
    second = _webhook(https_endpoint, "hook:10", group="g2")
    enqueued = []
    monkeypatch.setattr("outbox.services._enqueue", enqueued.append)

    with django_capture_on_commit_callbacks(execute=True):
        outbox_give_up(message_id=first.pk, error="endpoint answered 500 eight times")

    assert enqueued == [second.pk]


def test_a_message_naming_an_unregistered_signer_is_not_sent_and_the_error_is_recorded(https_endpoint):
    message = outbox_webhook(key="hook:11", url=https_endpoint.url("/hooks"), payload={}, signer="nobody")

    with pytest.raises(UnknownSigner):
        outbox_deliver_message(message_id=message.pk)

    assert https_endpoint.requests == []
    message.refresh_from_db()
    assert (message.state, message.last_error) == (OutboxMessage.State.PENDING, "nobody")
    assert OutboxAttempt.objects.get(message=message).ok is False


def test_a_webhook_to_a_private_address_is_refused_by_the_outbound_policy():
    message = outbox_webhook(
        key="hook:12", url="https://10.0.0.5/hooks", payload={}, signer="test-hmac", meta={"endpoint": 1}
    )

    result = outbox_deliver_message(message_id=message.pk)

    assert not result.ok
    assert "private or reserved" in result.detail
