"""Factories of webhook endpoints."""

import factory

from tests.factories import PublisherAccountFactory
from webhooks.models import WebhookEndpoint, WebhookEventType
from webhooks.services import webhook_emit


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    account = factory.SubFactory(PublisherAccountFactory)
    url = factory.Sequence(lambda n: f"https://hooks{n}.contoso.example/portal")
    event_types = factory.LazyFunction(lambda: list(WebhookEventType.values))


def webhook_targets(account) -> dict[str, int]:
    """Give the account an endpoint with one pending delivery; return their pks, for the foreign-account tests."""
    endpoint = WebhookEndpointFactory(account=account)
    webhook_emit(account=account, event_type=WebhookEventType.OFFER_LIVE, data={})
    return {"endpoint": endpoint.pk, "delivery": endpoint.deliveries.get().pk}


def webhook_state(account) -> list:
    """What a foreign request must never change: the endpoints and the state of their deliveries."""
    return sorted(
        (e.pk, e.enabled, e.secret, tuple(e.deliveries.values_list("message__state", flat=True)))
        for e in WebhookEndpoint.objects.filter(account=account)
    )
