"""The outbox sends under a lease committed before the network call, with a stable idempotency key; a live lease
makes another delivery wait, an expired one (a sender that died) is sent again; beat re-drives what is left."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from outbox import services
from outbox.models import OutboxMessage
from outbox.services import OutboxBusy, outbox_deliver_message, outbox_redrive, outbox_send_now
from outbox.tasks import outbox_deliver

pytestmark = pytest.mark.django_db

LEAD = {"leadId": "LEAD_5", "offerId": "lead-desk", "customer": {"name": "Casey", "email": "c@w.example"}}


def _lead(endpoint, key="lead:lease", **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(
        key=key,
        channel=OutboxMessage.Channel.LEAD_HTTPS,
        recipients=[endpoint.url("/leads")],
        payload=LEAD,
        **fields,
    )


def _email(key="email:lease", **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(
        key=key, recipients=["a@example.com"], subject="Hello", body_text="Hi", **fields
    )


def test_a_message_another_worker_is_sending_is_not_sent_again_while_its_lease_lasts(https_endpoint):
    message = _lead(
        https_endpoint, state=OutboxMessage.State.SENDING, sending_until=timezone.now() + timedelta(seconds=50)
    )

    with pytest.raises(OutboxBusy):
        outbox_deliver_message(message_id=message.pk)

    assert https_endpoint.requests == []
    assert OutboxMessage.objects.get(pk=message.pk).state == OutboxMessage.State.SENDING


def test_a_message_whose_sender_died_mid_send_is_sent_again_with_the_same_key(https_endpoint):
    message = _lead(
        https_endpoint,
        state=OutboxMessage.State.SENDING,
        sending_until=timezone.now() - timedelta(seconds=1),
        attempts=1,
    )

    result = outbox_deliver_message(message_id=message.pk)

    assert result.ok
    message.refresh_from_db()
    assert (message.state, message.attempts, message.sending_until) == (OutboxMessage.State.SENT, 2, None)
    (request,) = https_endpoint.received("POST", "/leads")
    assert request["headers"]["Idempotency-Key"] == message.idempotency_key


def test_the_lease_is_committed_before_the_network_call_and_no_transaction_is_held_during_it(
    https_endpoint, monkeypatch
):
    message = _lead(https_endpoint)
    seen = {}
    send = services.outbound_request

    def watching(*args, **kwargs):
        row = OutboxMessage.objects.get(pk=message.pk)
        seen.update(state=row.state, leased=row.sending_until is not None, atomic=connection.in_atomic_block)
        return send(*args, **kwargs)

    monkeypatch.setattr(services, "outbound_request", watching)
    outbox_deliver_message(message_id=message.pk)

    # pytest-django's test transaction is the one atomic block here; delivery opens none around the send
    assert seen == {"state": OutboxMessage.State.SENDING, "leased": True, "atomic": connection.in_atomic_block}
    assert OutboxMessage.objects.get(pk=message.pk).state == OutboxMessage.State.SENT


def test_a_refused_send_gives_the_lease_back_as_pending(https_endpoint):
    https_endpoint.status = 503
    message = _lead(https_endpoint)

    result = outbox_deliver_message(message_id=message.pk)

    assert not result.ok
    message.refresh_from_db()
    assert (message.state, message.sending_until, message.attempts) == (OutboxMessage.State.PENDING, None, 1)


def test_an_email_carries_a_message_id_and_idempotency_key_from_its_outbox_key(smtp_sink):
    message = _email()

    outbox_deliver_message(message_id=message.pk)

    (received,) = smtp_sink.wait_for(1)
    assert received["message"]["X-Idempotency-Key"] == message.idempotency_key
    assert received["message"]["Message-ID"] == services._message_id(message)
    assert f"outbox.{message.pk}." in received["message"]["Message-ID"]


def test_a_webhook_carries_the_idempotency_key_header(https_endpoint):
    message = OutboxMessage.objects.create(
        key="webhook:key", channel=OutboxMessage.Channel.WEBHOOK, recipients=[https_endpoint.url("/hook")], payload={}
    )

    outbox_deliver_message(message_id=message.pk)

    assert https_endpoint.received("POST", "/hook")[0]["headers"]["Idempotency-Key"] == message.idempotency_key


def test_send_now_raises_busy_while_another_process_sends_the_same_lead(https_endpoint):
    setup = {"leads_destination": "https", "leads_https_url": https_endpoint.url("/leads")}
    _lead(
        https_endpoint, key="lead:now", state=OutboxMessage.State.SENDING, sending_until=timezone.now() + timedelta(1)
    )

    with pytest.raises(OutboxBusy):
        outbox_send_now(key="lead:now", setup=setup, payload=LEAD)

    assert https_endpoint.requests == []


def test_the_delivery_task_retries_a_message_under_a_live_lease_instead_of_sending_it(https_endpoint, monkeypatch):
    message = _lead(
        https_endpoint, state=OutboxMessage.State.SENDING, sending_until=timezone.now() + timedelta(seconds=50)
    )
    retried = {}
    monkeypatch.setattr(outbox_deliver, "retry", lambda **kwargs: retried.update(kwargs) or RuntimeError("retried"))

    with pytest.raises(RuntimeError):
        outbox_deliver.run(message_id=message.pk)

    assert 0 < retried["countdown"] <= 50
    assert https_endpoint.requests == []


def test_the_re_drive_hands_over_messages_left_behind_and_leaves_the_others(https_endpoint, monkeypatch):
    handed = []
    monkeypatch.setattr(services, "task_send", lambda task, **kwargs: handed.append(kwargs["message_id"]) or True)
    now = timezone.now()
    lost = _email("lost", next_attempt_at=now - timedelta(minutes=2))
    dead_sender = _email("dead", state=OutboxMessage.State.SENDING, sending_until=now - timedelta(seconds=1))
    _email("retry-later", next_attempt_at=now + timedelta(minutes=2))
    _email("sending", state=OutboxMessage.State.SENDING, sending_until=now + timedelta(seconds=30))
    _email("sent", state=OutboxMessage.State.SENT)
    _email("failed", state=OutboxMessage.State.FAILED)
    fresh = _email("fresh")  # just queued: its own task is on its way

    assert outbox_redrive(now=now) == 2
    assert sorted(handed) == sorted([lost.pk, dead_sender.pk])
    assert fresh.pk not in handed


def test_a_re_driven_message_is_left_alone_until_the_next_re_drive_is_due(monkeypatch):
    handed = []
    monkeypatch.setattr(services, "task_send", lambda task, **kwargs: handed.append(kwargs["message_id"]) or True)
    now = timezone.now()
    _email("lost", next_attempt_at=now - timedelta(minutes=2))

    outbox_redrive(now=now)
    outbox_redrive(now=now + timedelta(seconds=5))

    assert len(handed) == 1
