"""The Webhooks page of account settings: Owners manage endpoints, every member reads them and their delivery log."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outbox.models import OutboxAttempt, OutboxMessage
from tests.factories import MembershipFactory
from tests.webhooks.factories import WebhookEndpointFactory
from webhooks.models import WebhookEndpoint, WebhookEventType
from webhooks.services import webhook_emit

pytestmark = pytest.mark.django_db

ENDPOINTS = reverse("webhooks:endpoints")


def _add(client, url="https://hooks.contoso.example/portal", events=("offer.live", "submission.failed")):
    return client.post(ENDPOINTS, {"url": url, "description": "CI", "event_types": list(events)})


def test_an_owner_adds_an_endpoint_and_sees_its_secret_once(owner_client, owner):
    response = _add(owner_client)

    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.account, endpoint.url, endpoint.event_types) == (
        owner.account,
        "https://hooks.contoso.example/portal",
        ["offer.live", "submission.failed"],
    )
    assert endpoint.secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert endpoint.secret not in owner_client.get(ENDPOINTS).content.decode()


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://hooks.contoso.example/portal", "starts with https://"),
        ("https://10.0.0.5/hooks", "private or reserved"),
        ("https://localhost/hooks", "private or reserved"),
        ("https://169.254.169.254/latest", "private or reserved"),
        ("https://[::1]/hooks", "private or reserved"),
        ("not a url", "Enter a valid URL"),
    ],
)
def test_a_url_that_is_not_https_or_points_into_a_private_network_is_refused_on_its_field(owner_client, url, error):
    response = _add(owner_client, url=url)

    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors["url"])
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_needs_at_least_one_event(owner_client):
    response = _add(owner_client, events=())

    assert response.context["form"].errors["event_types"] == ["Choose at least one event."]
    assert not WebhookEndpoint.objects.exists()


def test_an_unknown_event_type_is_refused(owner_client):
    response = _add(owner_client, events=("offer.deleted",))

    assert "event_types" in response.context["form"].errors
    assert not WebhookEndpoint.objects.exists()


def test_a_developer_reads_the_endpoints_but_cannot_add_one(client, developer, owner):
    WebhookEndpointFactory(account=owner.account, url="https://hooks.contoso.example/read")
    client.force_login(developer.user)

    page = client.get(ENDPOINTS).content.decode()
    assert "https://hooks.contoso.example/read" in page
    assert 'data-testid="webhook-form"' not in page
    assert _add(client).status_code == 403
    assert WebhookEndpoint.objects.count() == 1


@pytest.mark.parametrize("name", ["webhooks:endpoint-rotate", "webhooks:endpoint-enable", "webhooks:endpoint-delete"])
def test_a_developer_cannot_change_an_endpoint(client, developer, owner, name):
    endpoint = WebhookEndpointFactory(account=owner.account)
    client.force_login(developer.user)

    assert client.post(reverse(name, args=[endpoint.pk]), {"enabled": "0"}).status_code == 403
    assert WebhookEndpoint.objects.get() == endpoint
    endpoint.refresh_from_db()
    assert endpoint.enabled


def test_rotating_shows_the_new_secret_once(owner_client, owner):
    endpoint = WebhookEndpointFactory(account=owner.account)
    previous = endpoint.secret

    response = owner_client.post(reverse("webhooks:endpoint-rotate", args=[endpoint.pk]))

    endpoint.refresh_from_db()
    assert endpoint.secret != previous
    assert endpoint.previous_secret == previous
    assert endpoint.secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_disabling_stops_new_events_and_gives_up_what_was_pending_enabling_resumes(owner_client, owner):
    endpoint = WebhookEndpointFactory(account=owner.account)
    webhook_emit(account=owner.account, event_type=WebhookEventType.OFFER_LIVE, data={})

    owner_client.post(reverse("webhooks:endpoint-enable", args=[endpoint.pk]), {"enabled": "0"})

    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert endpoint.disabled_reason
    assert OutboxMessage.objects.get().state == OutboxMessage.State.FAILED
    assert webhook_emit(account=owner.account, event_type=WebhookEventType.OFFER_LIVE, data={}) is None

    owner_client.post(reverse("webhooks:endpoint-enable", args=[endpoint.pk]), {"enabled": "1"})

    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.disabled_reason, endpoint.failing_since) == (True, "", None)
    assert webhook_emit(account=owner.account, event_type=WebhookEventType.OFFER_LIVE, data={})


def test_deleting_an_endpoint_removes_it_and_its_log_and_gives_up_what_was_pending(owner_client, owner):
    endpoint = WebhookEndpointFactory(account=owner.account)
    webhook_emit(account=owner.account, event_type=WebhookEventType.OFFER_LIVE, data={})

    response = owner_client.post(reverse("webhooks:endpoint-delete", args=[endpoint.pk]))

    assert response.status_code == 302
    assert not WebhookEndpoint.objects.exists()
    assert OutboxMessage.objects.get().state == OutboxMessage.State.FAILED


def _delivery_log(owner, n: int):
    endpoint = WebhookEndpointFactory(account=owner.account)
    for i in range(n):
        webhook_emit(account=owner.account, event_type=WebhookEventType.OFFER_LIVE, offer=i + 1, data={})
    for message in OutboxMessage.objects.all():
        OutboxAttempt.objects.create(
            message=message, ok=False, status_code=502, duration_ms=41, response_excerpt="upstream down"
        )
    return endpoint


def test_the_delivery_log_shows_each_event_with_its_answer_and_a_redeliver_button(owner_client, owner):
    endpoint = _delivery_log(owner, 1)

    response = owner_client.get(reverse("webhooks:endpoint", args=[endpoint.pk]))

    page = response.content.decode()
    [delivery] = response.context["page_obj"]
    assert (delivery.last_status, delivery.last_duration, delivery.last_excerpt) == (502, 41, "upstream down")
    assert "offer.live" in page
    assert "41 ms" in page
    assert "upstream down" in page
    assert reverse("webhooks:delivery-redeliver", args=[delivery.pk]) in page


def test_the_delivery_log_is_paginated_with_the_same_queries_for_a_few_or_many_deliveries(owner_client, owner):
    small = _delivery_log(owner, 3)
    large = _delivery_log(owner, 60)
    owner_client.get(reverse("webhooks:endpoint", args=[small.pk]))  # the session's first request records it
    with CaptureQueriesContext(connection) as few:
        owner_client.get(reverse("webhooks:endpoint", args=[small.pk]))
    with CaptureQueriesContext(connection) as many:
        response = owner_client.get(reverse("webhooks:endpoint", args=[large.pk]))

    assert len(few.captured_queries) == len(many.captured_queries)
    assert len(response.context["page_obj"]) == 25
    assert response.context["page_obj"].paginator.num_pages == 3


def test_a_delivery_not_tried_yet_shows_no_answer(owner_client, owner):
    endpoint = WebhookEndpointFactory(account=owner.account)
    webhook_emit(account=owner.account, event_type=WebhookEventType.OFFER_LIVE, data={})

    page = owner_client.get(reverse("webhooks:endpoint", args=[endpoint.pk])).content.decode()

    assert "Pending" in page
    assert "None" not in page


def test_a_page_number_past_the_end_shows_the_last_page(owner_client, owner):
    endpoint = _delivery_log(owner, 2)
    response = owner_client.get(reverse("webhooks:endpoint", args=[endpoint.pk]), {"page": "999"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_redeliver_queues_a_failed_delivery_again(owner_client, owner, django_capture_on_commit_callbacks, monkeypatch):
    endpoint = _delivery_log(owner, 1)
    message = OutboxMessage.objects.get()
    message.state = OutboxMessage.State.FAILED
    message.save()
    enqueued = []
    monkeypatch.setattr("outbox.services._enqueue", enqueued.append)

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("webhooks:delivery-redeliver", args=[message.webhook_delivery.pk]))

    assert response.url == reverse("webhooks:endpoint", args=[endpoint.pk])
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING
    assert enqueued == [message.pk]


def test_redeliver_refuses_a_delivery_that_was_sent(owner_client, owner):
    _delivery_log(owner, 1)
    message = OutboxMessage.objects.get()
    message.state = OutboxMessage.State.SENT
    message.save()

    response = owner_client.post(
        reverse("webhooks:delivery-redeliver", args=[message.webhook_delivery.pk]), follow=True
    )

    assert "was sent already" in response.content.decode()
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT


def test_redeliver_refuses_while_the_endpoint_is_disabled(owner_client, owner):
    endpoint = _delivery_log(owner, 1)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=False)
    message = OutboxMessage.objects.get()

    response = owner_client.post(
        reverse("webhooks:delivery-redeliver", args=[message.webhook_delivery.pk]), follow=True
    )

    assert "Enable the endpoint" in response.content.decode()
    assert OutboxMessage.objects.get().state == OutboxMessage.State.PENDING


OBJECT_URLS = [
    ("get", "webhooks:endpoint", "endpoint"),
    ("post", "webhooks:endpoint-rotate", "endpoint"),
    ("post", "webhooks:endpoint-enable", "endpoint"),
    ("post", "webhooks:endpoint-delete", "endpoint"),
    ("post", "webhooks:delivery-redeliver", "delivery"),
]


@pytest.mark.parametrize(("method", "name", "target"), OBJECT_URLS)
def test_another_accounts_endpoints_and_deliveries_are_404(client, owner, method, name, target):
    endpoint = _delivery_log(owner, 1)
    secret = endpoint.secret
    outsider = MembershipFactory()
    client.force_login(outsider.user)
    pk = endpoint.pk if target == "endpoint" else endpoint.deliveries.get().pk

    response = getattr(client, method)(reverse(name, args=[pk]), {"enabled": "0"})

    assert response.status_code == 404
    endpoint.refresh_from_db()
    assert (endpoint.secret, endpoint.enabled) == (secret, True)
    assert OutboxMessage.objects.get().state == OutboxMessage.State.PENDING


def test_the_list_shows_only_the_members_own_account(client, owner, stranger):
    WebhookEndpointFactory(account=owner.account, url="https://hooks.contoso.example/theirs")
    client.force_login(stranger.user)

    assert "hooks.contoso.example/theirs" not in client.get(ENDPOINTS).content.decode()


def test_the_settings_navigation_links_to_webhooks(owner_client):
    assert ENDPOINTS in owner_client.get(reverse("accounts:settings-legal")).content.decode()


@pytest.mark.parametrize(
    ("name", "needs_endpoint"),
    [("webhooks:endpoints", False), ("webhooks:endpoint-rotate", True), ("webhooks:endpoint-delete", True)],
)
def test_adding_rotating_or_deleting_asks_for_the_password_again(owner_client, owner, settings, name, needs_endpoint):
    settings.REAUTHENTICATION_REQUIRED = True
    endpoint = WebhookEndpointFactory(account=owner.account)
    before = (endpoint.secret, WebhookEndpoint.objects.count())

    args = [endpoint.pk] if needs_endpoint else []
    response = owner_client.post(
        reverse(name, args=args), {"url": "https://hooks.contoso.example/x", "event_types": ["offer.live"]}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    endpoint.refresh_from_db()
    assert (endpoint.secret, WebhookEndpoint.objects.count()) == before
