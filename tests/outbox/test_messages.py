"""Every outgoing message takes one delivery path: leads and emails are queued, sent now, and sent again alike."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from outbox.models import OutboxMessage
from outbox.services import (
    OutboxRefused,
    outbox_deliver_message,
    outbox_give_up,
    outbox_lead_queue,
    outbox_send_again,
    outbox_send_now,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "leadId": "LEAD_42",
    "offerId": "lead-desk",
    "offerType": "consulting",
    "publisher": "Contoso",
    "createdAt": "2025-01-02T03:04:05+00:00",
    "customer": {"name": "Casey Jordan", "email": "casey@woodgrove.example", "company": "Woodgrove Bank"},
    "description": "Please call me.",
}
EMAIL_SETUP = {"leads_destination": "email", "leads_email": "sales@contoso.example", "leads_https_url": ""}


def _https(endpoint) -> dict:
    return {"leads_destination": "https", "leads_https_url": endpoint.url("/leads")}


def _smtp_down(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2


@pytest.fixture
def operator(db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="outbox", codename="change_outboxmessage"))
    return user


def test_a_lead_to_an_https_endpoint_is_queued_once_per_key_and_handed_to_a_worker_on_commit(
    https_endpoint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = outbox_lead_queue(key="lead:1", setup=_https(https_endpoint), payload=PAYLOAD)
        again = outbox_lead_queue(key="lead:1", setup=_https(https_endpoint), payload=PAYLOAD)
    assert first.pk == again.pk
    assert len(callbacks) == 1
    assert (first.channel, first.recipients, first.payload) == ("lead_https", [https_endpoint.url("/leads")], PAYLOAD)
    assert https_endpoint.requests == []  # nothing is sent before a worker delivers it


def test_an_email_destination_lead_is_an_email_rendered_from_the_payload_when_queued(smtp_sink):
    message = outbox_lead_queue(key="lead:2", setup=EMAIL_SETUP, payload=PAYLOAD)

    assert (message.channel, message.recipients) == ("email", ["sales@contoso.example"])
    assert message.subject == "New lead LEAD_42 for lead-desk"
    assert message.body_text.splitlines() == [
        "leadId: LEAD_42",
        "offerId: lead-desk",
        "offerType: consulting",
        "publisher: Contoso",
        "createdAt: 2025-01-02T03:04:05+00:00",
        "description: Please call me.",
        "customer.name: Casey Jordan",
        "customer.email: casey@woodgrove.example",
        "customer.company: Woodgrove Bank",
    ]
    assert outbox_deliver_message(message_id=message.pk).ok
    [received] = smtp_sink.wait_for(1)
    assert received["to"] == ["sales@contoso.example"]
    assert received["message"]["Subject"] == "New lead LEAD_42 for lead-desk"
    assert "customer.email: casey@woodgrove.example" in received["message"].get_body(("plain",)).get_content()


def test_a_lead_without_a_destination_is_recorded_failed_and_never_queued(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        message = outbox_lead_queue(key="lead:3", setup={"leads_destination": ""}, payload=PAYLOAD)
    assert callbacks == []
    assert (message.state, message.recipients) == ("failed", [])
    assert "No customer leads destination" in message.last_error


def test_delivering_a_refused_lead_records_the_attempt_and_leaves_it_pending(https_endpoint):
    https_endpoint.status = 503
    message = outbox_lead_queue(key="lead:4", setup=_https(https_endpoint), payload=PAYLOAD)

    result = outbox_deliver_message(message_id=message.pk)

    assert (result.ok, result.status) == (False, 503)
    message.refresh_from_db()
    assert (message.state, message.attempts, message.sent_at) == ("pending", 1, None)
    assert "answered 503" in message.last_error
    assert https_endpoint.received("POST", "/leads")[0]["json"] == PAYLOAD


def test_sending_now_delivers_through_the_outbox_and_a_sent_key_is_not_sent_again(https_endpoint):
    first = outbox_send_now(key="check:1:test-lead", setup=_https(https_endpoint), payload=PAYLOAD)
    again = outbox_send_now(key="check:1:test-lead", setup=_https(https_endpoint), payload=PAYLOAD)

    assert (first.ok, first.status) == (True, 200)
    assert again.ok
    assert len(https_endpoint.received("POST", "/leads")) == 1
    message = OutboxMessage.objects.get(key="check:1:test-lead")
    assert (message.channel, message.state, message.attempts) == ("lead_https", "sent", 1)
    assert message.sent_at is not None


def test_a_refused_send_now_is_marked_failed_for_operators_and_sent_by_the_next_call(https_endpoint):
    https_endpoint.status = 500
    refused = outbox_send_now(key="check:2:test-lead", setup=_https(https_endpoint), payload=PAYLOAD)
    assert not refused.ok
    assert "answered 500" in refused.detail
    message = OutboxMessage.objects.get(key="check:2:test-lead")
    assert (message.state, message.attempts) == ("failed", 1)

    https_endpoint.status = 200
    assert outbox_send_now(key="check:2:test-lead", setup=_https(https_endpoint), payload=PAYLOAD).ok
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("sent", 2, "")


def test_an_email_lead_that_cannot_be_sent_now_is_answered_not_raised(settings):
    _smtp_down(settings)
    result = outbox_send_now(key="check:3:test-lead", setup=EMAIL_SETUP, payload=PAYLOAD)
    assert not result.ok
    assert "The lead email could not be sent" in result.detail
    message = OutboxMessage.objects.get(key="check:3:test-lead")
    assert (message.channel, message.state, message.attempts) == ("email", "failed", 1)


def test_sending_now_without_a_destination_sends_nothing_and_records_nothing():
    result = outbox_send_now(key="check:4:test-lead", setup={"leads_destination": "https"}, payload=PAYLOAD)
    assert not result.ok
    assert "No customer leads destination" in result.detail
    assert not OutboxMessage.objects.exists()


def test_an_operator_sends_a_failed_test_lead_again_through_the_task(
    operator, https_endpoint, django_capture_on_commit_callbacks
):
    https_endpoint.status = 500
    outbox_send_now(
        key="submission:9:automated_validation:lead_management:test-lead", setup=_https(https_endpoint), payload=PAYLOAD
    )
    message = OutboxMessage.objects.get()

    with django_capture_on_commit_callbacks() as callbacks:
        outbox_send_again(message_id=message.pk, by=operator)

    message.refresh_from_db()
    assert message.state == "pending"
    assert len(callbacks) == 1


def test_a_sent_lead_or_one_without_a_destination_is_not_sent_again(operator, https_endpoint):
    outbox_send_now(key="check:5:test-lead", setup=_https(https_endpoint), payload=PAYLOAD)
    nowhere = outbox_lead_queue(key="lead:5", setup={}, payload=PAYLOAD)

    with pytest.raises(OutboxRefused, match="was sent already"):
        outbox_send_again(message_id=OutboxMessage.objects.get(key="check:5:test-lead").pk, by=operator)
    with pytest.raises(OutboxRefused, match="no destination"):
        outbox_send_again(message_id=nowhere.pk, by=operator)
    assert len(https_endpoint.received("POST", "/leads")) == 1


def test_only_an_operator_sends_a_message_again(https_endpoint):
    message = outbox_lead_queue(key="lead:6", setup=_https(https_endpoint), payload=PAYLOAD)
    outbox_give_up(message_id=message.pk, error="refused")
    with pytest.raises(PermissionDenied):
        outbox_send_again(message_id=message.pk, by=UserFactory(is_staff=True))
    message.refresh_from_db()
    assert message.state == "failed"
