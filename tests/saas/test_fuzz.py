"""Any body sent to the Fulfillment and Metering APIs is answered with a 2xx or 4xx, never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saas.services import subscription_activate
from tests.factories import UserFactory
from tests.saas.support import saas_offer, secret_for, subscription_for
from tests.storefront.factories import APP_ID

pytestmark = pytest.mark.django_db

V = "?api-version=2018-08-31"
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
_event_like = st.fixed_dictionaries(
    {},
    optional={
        "resourceId": st.text(max_size=40) | st.uuids().map(str),
        "planId": st.sampled_from(["standard", "premium", ""]) | st.integers(),
        "dimension": st.sampled_from(["api-calls", "x"]) | st.none(),
        "quantity": st.integers() | st.floats() | st.text(max_size=6) | st.none(),
        "effectiveStartTime": st.datetimes().map(lambda d: d.isoformat()) | st.text(max_size=30),
    },
)
_bodies = st.one_of(
    _json.map(json.dumps),
    _event_like.map(json.dumps),
    st.lists(_event_like, max_size=30).map(json.dumps),
    st.binary(max_size=200),
)


@pytest.fixture
def api(client):
    offer = saas_offer()
    subscription = subscription_activate(
        subscription=subscription_for(offer, UserFactory()), plan_id="standard", quantity=1
    )
    answer = client.post(
        "/api/oauth2/token",
        {"grant_type": "client_credentials", "client_id": APP_ID, "client_secret": secret_for(offer)},
    )
    return client, {"Authorization": f"Bearer {answer.json()['access_token']}"}, subscription


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=_bodies, target=st.sampled_from(["usage", "batch", "change", "activate", "operation"]))
def test_no_body_makes_the_api_answer_500(api, body, target):
    client, auth, subscription = api
    method, path = {
        "usage": ("post", "/api/usageEvent"),
        "batch": ("post", "/api/batchUsageEvent"),
        "change": ("patch", f"/api/saas/subscriptions/{subscription.pk}"),
        "activate": ("post", f"/api/saas/subscriptions/{subscription.pk}/activate"),
        "operation": ("patch", f"/api/saas/subscriptions/{subscription.pk}/operations/{subscription.pk}"),
    }[target]
    response = getattr(client, method)(path + V, data=body, content_type="application/json", headers=auth)
    assert response.status_code < 500
