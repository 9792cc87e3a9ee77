"""An endpoint whose deliveries keep failing for WEBHOOK_DISABLE_AFTER_DAYS is disabled and its Owners are emailed."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Membership
from outbox.models import OutboxAttempt, OutboxMessage
from tests.factories import MembershipFactory
from tests.webhooks.factories import WebhookEndpointFactory
from webhooks.models import WebhookEndpoint, WebhookEventType
from webhooks.services import webhook_emit, webhook_endpoint_enable, webhook_endpoints_failing_check

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _attempt(endpoint, *, ok: bool, days_ago: float) -> None:
    webhook_emit(account=endpoint.account_id, event_type=WebhookEventType.OFFER_LIVE, data={})
    message = OutboxMessage.objects.filter(webhook_delivery__endpoint=endpoint).order_by("-pk").first()
    attempt = OutboxAttempt.objects.create(message=message, ok=ok, status_code=200 if ok else 500)
    OutboxAttempt.objects.filter(pk=attempt.pk).update(at=NOW - timedelta(days=days_ago))


@pytest.fixture
def endpoint(owner):
    return WebhookEndpointFactory(account=owner.account)


def _emails() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(key__startswith="webhook-endpoint:"))


def test_an_endpoint_failing_for_five_days_is_disabled_and_its_owners_are_emailed(owner, endpoint):
    second_owner = MembershipFactory(account=owner.account, role=Membership.Role.OWNER)
    MembershipFactory(account=owner.account, role=Membership.Role.DEVELOPER)
    _attempt(endpoint, ok=True, days_ago=9)
    _attempt(endpoint, ok=False, days_ago=6)
    _attempt(endpoint, ok=False, days_ago=1)

    assert webhook_endpoints_failing_check(now=NOW) == 1

    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert "5 days" in endpoint.disabled_reason
    assert endpoint.failing_since == NOW - timedelta(days=6)
    [email] = _emails()
    assert email.recipients == sorted([owner.user.email, second_owner.user.email])
    assert endpoint.url in email.body_text
    assert f"/account/settings/webhooks/{endpoint.pk}/" in email.body_text
    assert not OutboxMessage.objects.filter(
        webhook_delivery__endpoint=endpoint, state=OutboxMessage.State.PENDING
    ).exists()


def test_an_endpoint_failing_for_less_than_the_limit_stays_enabled_and_shows_since_when(owner, endpoint):
    _attempt(endpoint, ok=False, days_ago=4)
    _attempt(endpoint, ok=False, days_ago=2)

    assert webhook_endpoints_failing_check(now=NOW) == 0

    endpoint.refresh_from_db()
    assert endpoint.enabled
    assert endpoint.failing_since == NOW - timedelta(days=4)
    assert _emails() == []


def test_a_success_after_failures_clears_failing(owner, endpoint):
    _attempt(endpoint, ok=False, days_ago=8)
    _attempt(endpoint, ok=True, days_ago=0.5)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=NOW - timedelta(days=8))

    assert webhook_endpoints_failing_check(now=NOW) == 0

    endpoint.refresh_from_db()
    assert endpoint.enabled
    assert endpoint.failing_since is None


def test_the_limit_is_a_setting(owner, endpoint, settings):
    settings.WEBHOOK_DISABLE_AFTER_DAYS = 2
    _attempt(endpoint, ok=False, days_ago=3)

    assert webhook_endpoints_failing_check(now=NOW) == 1


def test_checking_again_disables_and_emails_once(owner, endpoint):
    _attempt(endpoint, ok=False, days_ago=7)

    webhook_endpoints_failing_check(now=NOW)
    webhook_endpoints_failing_check(now=NOW + timedelta(hours=1))

    assert len(_emails()) == 1


def test_an_endpoint_that_never_failed_is_left_alone(owner, endpoint, django_assert_max_num_queries):
    _attempt(endpoint, ok=True, days_ago=10)
    WebhookEndpointFactory()  # never sent anything

    with django_assert_max_num_queries(1):
        assert webhook_endpoints_failing_check(now=NOW) == 0
    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.failing_since) == (True, None)


def test_beat_runs_the_check():
    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "webhooks.tasks.webhook_endpoints_failing_check" in tasks


def test_failures_before_an_owner_enabled_the_endpoint_again_do_not_count(owner, endpoint):
    _attempt(endpoint, ok=False, days_ago=9)
    webhook_endpoint_enable(by=owner, endpoint_id=endpoint.pk, enabled=False)
    webhook_endpoint_enable(by=owner, endpoint_id=endpoint.pk, enabled=True)

    assert webhook_endpoints_failing_check(now=NOW) == 0

    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.failing_since) == (True, None)
