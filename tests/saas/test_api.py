"""The Fulfillment and Metering APIs refuse what they must: bad tokens, other offers, bad bodies; never a 500."""

import json
import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from outbox.models import OutboxMessage
from saas import constants
from saas.credentials import ISSUER, credential_revoke
from saas.keys import jwt_sign, signing_key
from saas.models import ApiCredential, Operation, Subscription, UsageEvent
from saas.services import marketplace_token, operations_settle_due, subscription_activate
from tests.saas.support import saas_offer, secret_for, subscription_for
from tests.storefront.factories import APP_ID

pytestmark = pytest.mark.django_db

V = "?api-version=2018-08-31"
OTHER_APP = "0f0f0f0f-1111-2222-3333-444444444444"


def token_for(client, offer, secret=None, client_id=APP_ID) -> str:
    answer = client.post(
        "/api/oauth2/token",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret or secret_for(offer)},
    )
    assert answer.status_code == 200
    return answer.json()["access_token"]


def call(client, method, path, token=None, body=None, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = body if isinstance(body, (str, bytes)) or body is None else json.dumps(body)
    return getattr(client, method)(path, data=data, content_type="application/json", headers=headers)


@pytest.fixture
def offer(db):
    return saas_offer()


@pytest.fixture
def active(offer, customer):
    subscription = subscription_for(offer, customer)
    return subscription_activate(subscription=subscription, plan_id="standard", quantity=1)


def test_the_token_endpoint_answers_a_bearer_token_for_the_client_id_and_secret(client, offer):
    secret = secret_for(offer)
    answer = client.post(
        "/api/oauth2/token", {"grant_type": "client_credentials", "client_id": APP_ID, "client_secret": secret}
    )
    body = answer.json()
    assert (answer.status_code, body["token_type"], body["expires_in"]) == (200, "Bearer", 3600)
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "RS256"


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({"grant_type": "password", "client_id": APP_ID, "client_secret": "x"}, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials", "client_id": APP_ID}, 400, "invalid_request"),
        (
            {"grant_type": "client_credentials", "client_id": APP_ID, "client_secret": "pps_wrong"},
            401,
            "invalid_client",
        ),
    ],
)
def test_the_token_endpoint_refuses_a_wrong_grant_a_missing_or_wrong_secret(client, offer, form, status, error):
    secret_for(offer)
    answer = client.post("/api/oauth2/token", form)
    assert (answer.status_code, answer.json()["error"]) == (status, error)


def test_a_secret_with_another_client_id_gets_no_token(client, offer):
    answer = client.post(
        "/api/oauth2/token",
        {"grant_type": "client_credentials", "client_id": OTHER_APP, "client_secret": secret_for(offer)},
    )
    assert answer.status_code == 401


def test_the_secret_is_stored_hashed_and_a_new_one_revokes_the_old(client, offer):
    first = secret_for(offer)
    second = secret_for(offer)
    stored = list(ApiCredential.objects.values_list("secret_hash", "revoked_at"))
    assert first not in str(stored)
    assert second not in str(stored)
    assert sorted(revoked is None for _, revoked in stored) == [False, True]
    refused = client.post(
        "/api/oauth2/token", {"grant_type": "client_credentials", "client_id": APP_ID, "client_secret": first}
    )
    assert refused.status_code == 401


def test_a_call_without_a_token_is_401_and_changes_nothing(client, active):
    answer = call(client, "patch", f"/api/saas/subscriptions/{active.pk}{V}", body={"planId": "premium"})
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert not Operation.objects.exists()


def test_an_expired_token_is_401(client, offer, active):
    token = token_for(client, offer)
    claims = jwt.decode(token, options={"verify_signature": False})
    now = int(time.time())
    expired = jwt_sign({**claims, "iat": now - 7200, "nbf": now - 7200, "exp": now - 3600})
    assert call(client, "get", f"/api/saas/subscriptions/{active.pk}{V}", expired).status_code == 401


def test_a_token_signed_by_anyone_else_is_401(client, offer, active):
    claims = jwt.decode(token_for(client, offer), options={"verify_signature": False})
    forged_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, forged_key, algorithm="RS256", headers={"kid": signing_key().kid})
    answer = call(client, "delete", f"/api/saas/subscriptions/{active.pk}{V}", forged)
    assert answer.status_code == 401
    assert Subscription.objects.get(pk=active.pk).is_subscribed


def test_a_revoked_credentials_tokens_stop_working_at_once(client, offer, active):
    token = token_for(client, offer)
    credential_revoke(offer=offer, credential_id=ApiCredential.objects.get().pk)
    assert call(client, "get", f"/api/saas/subscriptions/{active.pk}{V}", token).status_code == 401


def test_offer_as_token_cannot_read_or_change_offer_bs_subscriptions(client, offer, customer):
    other = saas_offer(app_id=OTHER_APP)
    theirs = subscription_activate(subscription=subscription_for(other, customer), plan_id="standard", quantity=1)
    token = token_for(client, offer)

    assert call(client, "get", f"/api/saas/subscriptions/{theirs.pk}{V}", token).status_code == 403
    assert call(client, "patch", f"/api/saas/subscriptions/{theirs.pk}{V}", token, {"quantity": 9}).status_code == 403
    assert call(client, "delete", f"/api/saas/subscriptions/{theirs.pk}{V}", token).status_code == 403
    assert call(client, "get", f"/api/saas/subscriptions/{V}", token).json()["subscriptions"] == []
    assert not Operation.objects.exists()
    assert Subscription.objects.get(pk=theirs.pk).is_subscribed


def test_a_landing_token_of_another_offer_does_not_resolve(client, offer, customer):
    theirs = subscription_for(saas_offer(app_id=OTHER_APP), customer)
    answer = call(
        client,
        "post",
        f"/api/saas/subscriptions/resolve{V}",
        token_for(client, offer),
        **{"x-ms-marketplace-token": marketplace_token(theirs)},
    )
    assert answer.status_code == 403
    assert Subscription.objects.get(pk=theirs.pk).resolved_at is None


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[" * 5000 + "]" * 5000,
        json.dumps({"planId": "premium", "pad": "x" * (constants.BODY_MAX_BYTES + 1)}),
        "[1, 2]",
        json.dumps({"quantity": True}),
        json.dumps({"planId": ["premium"]}),
        json.dumps({"planId": "premium", "quantity": 2}),
    ],
    ids=["malformed", "deep", "oversized", "not-an-object", "boolean-quantity", "list-plan", "both"],
)
def test_a_bad_change_body_is_400_and_changes_nothing(client, offer, active, body):
    answer = call(client, "patch", f"/api/saas/subscriptions/{active.pk}{V}", token_for(client, offer), body)
    assert answer.status_code == 400
    assert not Operation.objects.exists()


def test_a_call_without_the_api_version_is_400(client, offer, active):
    assert call(client, "get", f"/api/saas/subscriptions/{active.pk}", token_for(client, offer)).status_code == 400


def test_request_and_correlation_ids_are_echoed_or_made_up(client, offer, active):
    token = token_for(client, offer)
    echoed = call(client, "get", f"/api/saas/subscriptions/{active.pk}{V}", token, **{"x-ms-requestid": "r-1"})
    assert echoed["x-ms-requestid"] == "r-1"
    assert echoed["x-ms-correlationid"]


def test_an_unknown_subscription_is_404(client, offer):
    path = f"/api/saas/subscriptions/00000000-0000-0000-0000-000000000000{V}"
    assert call(client, "get", path, token_for(client, offer)).status_code == 404


def test_listing_subscriptions_takes_the_same_queries_for_one_page_whatever_the_count(
    client, offer, customer, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(constants, "SUBSCRIPTIONS_PAGE", 3)
    token = token_for(client, offer)
    for _ in range(3):
        subscription_for(offer, customer)
    with django_assert_num_queries(3):
        first = call(client, "get", f"/api/saas/subscriptions/{V}", token)
    for _ in range(5):
        subscription_for(offer, customer)
    with django_assert_num_queries(3):
        second = call(client, "get", f"/api/saas/subscriptions/{V}", token)
    assert (len(first.json()["subscriptions"]), first.json()["@nextLink"]) == (3, None)
    assert second.json()["@nextLink"].startswith("http://testserver/api/saas/subscriptions/?api-version=")


def _change(client, token, subscription, body):
    answer = call(client, "patch", f"/api/saas/subscriptions/{subscription.pk}{V}", token, body)
    assert answer.status_code == 202
    return answer["Operation-Location"].split("?")[0].rsplit("/", 1)[1]


def test_a_replayed_success_is_idempotent_and_a_contradicting_answer_is_409(client, offer, active):
    token = token_for(client, offer)
    operation = _change(client, token, active, {"planId": "premium"})
    path = f"/api/saas/subscriptions/{active.pk}/operations/{operation}{V}"
    assert call(client, "patch", path, token, {"status": "Success"}).status_code == 200
    assert call(client, "patch", path, token, {"status": "Success"}).status_code == 200
    assert call(client, "patch", path, token, {"status": "Failure"}).status_code == 409
    assert Subscription.objects.get(pk=active.pk).plan_id == "premium"


def test_a_failure_leaves_the_subscription_as_it_was(client, offer, active):
    token = token_for(client, offer)
    operation = _change(client, token, active, {"quantity": 7})
    path = f"/api/saas/subscriptions/{active.pk}/operations/{operation}{V}"
    assert call(client, "patch", path, token, {"status": "Failure"}).json()["status"] == "Failed"
    assert Subscription.objects.get(pk=active.pk).quantity == 1


def test_a_second_change_while_one_is_in_progress_is_refused(client, offer, active):
    token = token_for(client, offer)
    _change(client, token, active, {"quantity": 7})
    answer = call(client, "patch", f"/api/saas/subscriptions/{active.pk}{V}", token, {"quantity": 8})
    assert answer.status_code == 400
    assert Operation.objects.count() == 1


def test_a_plan_the_subscription_cannot_move_to_is_refused(client, offer, active):
    answer = call(
        client, "patch", f"/api/saas/subscriptions/{active.pk}{V}", token_for(client, offer), {"planId": "gold"}
    )
    assert (answer.status_code, answer.json()["error"]["target"]) == (400, "planId")


def test_each_operation_is_queued_once_for_the_connection_webhook_with_the_apps_audience(client, offer, active):
    token = token_for(client, offer)
    operation = _change(client, token, active, {"quantity": 3})
    message = OutboxMessage.objects.get()
    assert (message.key, message.recipients, message.meta["audience"]) == (
        f"saas-operation:{operation}",
        ["https://contoso.example/webhook"],
        APP_ID,
    )
    assert message.payload["subscription"]["id"] == str(active.pk)


def test_an_operation_the_publisher_never_answers_takes_effect_after_the_time_limit(client, offer, active):
    _change(client, token_for(client, offer), active, {"quantity": 4})
    Operation.objects.update(created_at=datetime.now(UTC) - timedelta(hours=constants.OPERATION_ANSWER_HOURS + 1))
    assert operations_settle_due() == 1
    assert Subscription.objects.get(pk=active.pk).quantity == 4
    assert Operation.objects.get().is_succeeded


def test_the_jwks_publishes_the_key_that_verifies_the_tokens(client, offer):
    token = token_for(client, offer)
    keys = jwt.PyJWKSet.from_dict(client.get("/api/saas/jwks").json())
    claims = jwt.decode(token, keys.keys[0].key, algorithms=["RS256"], audience=constants.TOKEN_AUDIENCE)
    assert (claims["iss"], claims["oid"]) == (ISSUER, offer.pk)


# -- metering ----------------------------------------------------------------------------------------------------


def _event(subscription, **extra):
    return {
        "resourceId": str(subscription.pk),
        "planId": "standard",
        "dimension": "api-calls",
        "quantity": 2,
        "effectiveStartTime": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        **extra,
    }


def test_a_batch_answers_each_events_status(client, offer, active, customer):
    theirs = subscription_activate(
        subscription=subscription_for(saas_offer(app_id=OTHER_APP), customer), plan_id="standard", quantity=1
    )
    stale = (datetime.now(UTC) - timedelta(hours=30)).isoformat()
    events = [
        _event(active),
        _event(active),
        _event(active, effectiveStartTime=stale),
        _event(active, dimension="storage"),
        _event(active, quantity=0),
        _event(theirs),
    ]
    answer = call(client, "post", f"/api/batchUsageEvent{V}", token_for(client, offer), {"request": events})
    assert [r["status"] for r in answer.json()] == [
        "Accepted",
        "Duplicate",
        "Expired",
        "InvalidDimension",
        "InvalidQuantity",
        "ResourceNotFound",
    ]
    assert UsageEvent.objects.count() == 1


def test_a_batch_of_more_than_25_events_is_400(client, offer, active):
    events = [
        _event(active, effectiveStartTime=(datetime.now(UTC) - timedelta(hours=n)).isoformat()) for n in range(26)
    ]
    answer = call(client, "post", f"/api/batchUsageEvent{V}", token_for(client, offer), events)
    assert answer.status_code == 400
    assert not UsageEvent.objects.exists()


@pytest.mark.parametrize(
    "body", ["{", "[" * 100 + "]" * 100, json.dumps({"pad": "x" * (constants.BODY_MAX_BYTES + 1)})]
)
def test_a_bad_usage_body_is_400(client, offer, body):
    assert call(client, "post", f"/api/usageEvent{V}", token_for(client, offer), body).status_code == 400


@pytest.mark.parametrize("quantity", [-1, "lots", None, True, float("inf"), 1e-9, 1e12])
def test_a_quantity_that_is_not_a_positive_number_is_invalid(client, offer, active, quantity):
    body = json.dumps(_event(active, quantity=quantity)).replace("Infinity", '"Infinity"')
    answer = call(client, "post", f"/api/usageEvent{V}", token_for(client, offer), body)
    assert (answer.status_code, answer.json()["code"]) == (400, "InvalidQuantity")


def test_the_users_of_a_flat_rate_subscription_cannot_change(client, offer, customer):
    flat = subscription_activate(
        subscription=subscription_for(offer, customer, quantity=None), plan_id="standard", quantity=None
    )
    answer = call(client, "patch", f"/api/saas/subscriptions/{flat.pk}{V}", token_for(client, offer), {"quantity": 3})
    assert (answer.status_code, answer.json()["error"]["target"]) == (400, "quantity")
    assert not Operation.objects.exists()
