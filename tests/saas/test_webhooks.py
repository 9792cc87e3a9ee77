"""The marketplace's own decisions (suspend, reinstate, renew) and the connection webhook's verifiable JWT."""

import hashlib
import json
from datetime import timedelta

import jwt
import pytest
from django.urls import reverse
from django_fsm import TransitionNotAllowed

from outbox.models import OutboxMessage
from saas.keys import jwks
from saas.models import Operation, Subscription
from saas.services import ApiRefused, subscription_activate, subscription_notify, subscriptions_renew_due
from saas.webhooks import webhook_sign
from tests.saas.support import saas_offer, subscription_for
from tests.storefront.factories import APP_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(customer):
    subscription = subscription_for(saas_offer(), customer)
    return subscription_activate(subscription=subscription, plan_id="standard", quantity=1)


def test_suspending_and_reinstating_tell_the_publisher_each_time(active):
    subscription_notify(subscription=active, action=Operation.Action.SUSPEND)
    assert Subscription.objects.get(pk=active.pk).is_suspended
    subscription_notify(subscription=active, action=Operation.Action.REINSTATE)
    assert Subscription.objects.get(pk=active.pk).is_subscribed
    assert [m.payload["action"] for m in OutboxMessage.objects.order_by("pk")] == ["Suspend", "Reinstate"]


def test_renewing_starts_the_next_term_where_the_last_ended(active):
    ended = active.term_end
    subscription_notify(subscription=active, action=Operation.Action.RENEW)
    renewed = Subscription.objects.get(pk=active.pk)
    assert (renewed.term_start, renewed.term_end) == (ended, ended + timedelta(days=30))
    assert OutboxMessage.objects.get().payload["action"] == "Renew"


def test_a_suspended_subscription_neither_renews_nor_is_suspended_again(active):
    subscription_notify(subscription=active, action=Operation.Action.SUSPEND)
    with pytest.raises(ApiRefused):
        subscription_notify(subscription=active, action=Operation.Action.RENEW)
    with pytest.raises(TransitionNotAllowed):
        subscription_notify(subscription=active, action=Operation.Action.SUSPEND)
    assert OutboxMessage.objects.count() == 1


def test_the_webhook_jwt_verifies_with_the_jwks_for_the_apps_audience_and_covers_the_body(active):
    subscription_notify(subscription=active, action=Operation.Action.SUSPEND)
    message = OutboxMessage.objects.get()
    body = json.dumps(message.payload).encode()
    token = webhook_sign(message, body)["Authorization"].removeprefix("Bearer ")
    key = jwt.PyJWKSet.from_dict(jwks()).keys[0].key
    claims = jwt.decode(token, key, algorithms=["RS256"], audience=APP_ID)
    assert claims["body_sha256"] == hashlib.sha256(body).hexdigest()
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, key, algorithms=["RS256"], audience="another-app")


def test_operators_suspend_from_admin(admin_client, active):
    response = admin_client.post(
        reverse("admin:saas_subscription_changelist"), {"action": "suspend", "_selected_action": [str(active.pk)]}
    )
    assert response.status_code == 302
    assert Subscription.objects.get(pk=active.pk).is_suspended


def test_a_subscription_whose_term_ended_renews_once(active):
    Subscription.objects.filter(pk=active.pk).update(term_end=active.term_start)
    assert subscriptions_renew_due() == 1
    assert subscriptions_renew_due() == 0
    assert OutboxMessage.objects.get().payload["action"] == "Renew"
