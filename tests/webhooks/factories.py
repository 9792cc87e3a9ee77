"""Factories of webhook endpoints."""

import factory

from tests.factories import PublisherAccountFactory
from webhooks.models import WebhookEndpoint, WebhookEventType


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    account = factory.SubFactory(PublisherAccountFactory)
    url = factory.Sequence(lambda n: f"https://hooks{n}.contoso.example/portal")
    event_types = factory.LazyFunction(lambda: list(WebhookEventType.values))
