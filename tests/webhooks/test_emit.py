"""Emitting an event: one signed outbox webhook per enabled endpoint that subscribes, in the change's transaction."""

import json

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_message
from tests.webhooks.factories import WebhookEndpointFactory
from webhooks.models import WebhookDelivery, WebhookEventType
from webhooks.services import webhook_emit, webhook_endpoint_rotate

pytestmark = pytest.mark.django_db

EVENT = WebhookEventType.OFFER_LIVE


def _endpoint(owner, https_endpoint, **kwargs):
    return WebhookEndpointFactory(account=owner.account, url=https_endpoint.url("/hooks"), **kwargs)


def test_an_event_is_queued_once_per_enabled_endpoint_that_subscribes_to_its_type(owner, https_endpoint):
    subscribed = _endpoint(owner, https_endpoint)
    _endpoint(owner, https_endpoint, event_types=[WebhookEventType.REVIEW_CLAIMED])
    _endpoint(owner, https_endpoint, enabled=False)
    WebhookEndpointFactory()  # another account's

    event_id = webhook_emit(account=owner.account, event_type=EVENT, offer=7, data={"offer": {"id": 7}})

    [delivery] = WebhookDelivery.objects.all()
    assert (delivery.endpoint, delivery.event_id, delivery.event_type, delivery.offer_id) == (
        subscribed,
        event_id,
        EVENT,
        7,
    )
    assert event_id.startswith("msg_")
    message = delivery.message
    assert message.group == f"webhook:{subscribed.pk}:offer:7"
    assert message.payload["type"] == EVENT
    assert message.payload["data"] == {"offer": {"id": 7}}
    assert message.payload["timestamp"]


def test_no_endpoint_subscribed_writes_nothing_and_never_builds_the_data(owner, django_assert_num_queries):
    def data():
        raise AssertionError("built for nobody")

    with django_assert_num_queries(1):
        assert webhook_emit(account=owner.account, event_type=EVENT, data=data) is None
    assert not OutboxMessage.objects.exists()


def test_the_delivered_webhook_verifies_with_the_endpoint_secret_and_carries_the_event_id(owner, https_endpoint):
    endpoint = _endpoint(owner, https_endpoint)
    event_id = webhook_emit(account=owner.account, event_type=EVENT, offer=3, data={"name": "Café"})
    delivery = WebhookDelivery.objects.get()

    assert outbox_deliver_message(message_id=delivery.message_id).ok

    [request] = https_endpoint.received("POST", "/hooks")
    payload = Webhook(endpoint.secret).verify(request["body"], request["headers"])
    assert payload["type"] == EVENT
    assert payload["data"] == {"name": "Café"}
    assert request["headers"]["webhook-id"] == event_id
    assert json.loads(request["body"]) == payload


def test_a_signature_made_with_another_secret_does_not_verify(owner, https_endpoint):
    _endpoint(owner, https_endpoint)
    webhook_emit(account=owner.account, event_type=EVENT, data={})
    outbox_deliver_message(message_id=WebhookDelivery.objects.get().message_id)
    [request] = https_endpoint.received("POST", "/hooks")

    with pytest.raises(WebhookVerificationError):
        Webhook(WebhookEndpointFactory().secret).verify(request["body"], request["headers"])


def test_after_a_rotation_both_the_new_and_the_previous_secret_verify_for_a_day(owner, https_endpoint):
    endpoint = _endpoint(owner, https_endpoint)
    previous = endpoint.secret
    rotated = webhook_endpoint_rotate(by=owner, endpoint_id=endpoint.pk)
    webhook_emit(account=owner.account, event_type=EVENT, data={})
    outbox_deliver_message(message_id=WebhookDelivery.objects.get().message_id)
    [request] = https_endpoint.received("POST", "/hooks")

    assert rotated.secret != previous
    assert Webhook(rotated.secret).verify(request["body"], request["headers"])
    assert Webhook(previous).verify(request["body"], request["headers"])


def test_a_webhook_queued_before_its_endpoint_was_disabled_is_not_sent(owner, https_endpoint):
    endpoint = _endpoint(owner, https_endpoint)
    webhook_emit(account=owner.account, event_type=EVENT, data={})
    endpoint.enabled = False
    endpoint.save()

    with pytest.raises(Exception, match="disabled"):
        outbox_deliver_message(message_id=WebhookDelivery.objects.get().message_id)
    assert https_endpoint.requests == []


def test_the_secret_is_a_standard_webhooks_secret(owner):
    secret = WebhookEndpointFactory(account=owner.account).secret
    assert secret.startswith("whsec_")
    Webhook(secret)  # decodes
