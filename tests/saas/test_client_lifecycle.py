"""Microsoft's own ``azuremarketplace`` client, unmodified, drives a SaaS subscription's whole life on the portal."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from azuremarketplace.microsoft.marketplace.meter.models import UsageEvent as UsageEventModel
from azuremarketplace.microsoft.marketplace.saas.models import SubscriberPlan, UpdateOperation

from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_message
from saas import constants
from saas.models import Operation, Subscription
from storefront.services import landing_page_url, purchase_create
from tests.saas.support import saas_offer, secret_for, subscription_for
from tests.storefront.factories import APP_ID

pytestmark = pytest.mark.django_db(transaction=True)


def _headers(response, deserialized, headers):
    return response.http_response.status_code, headers


def _answer(response, deserialized, headers):
    return response.http_response.status_code, json.loads(response.http_response.text())


def _deliver(operation_id, endpoint, bundle):
    """Send the operation's webhook now (what the outbox worker does) and return the request the endpoint got."""
    message = OutboxMessage.objects.get(key=f"saas-operation:{operation_id}")
    outbox_deliver_message(message_id=message.pk)
    received = [r for r in endpoint.received("POST", "/webhook") if r["json"]["id"] == str(operation_id)]
    assert len(received) == 1
    return received[0]


def _verified_claims(request, base_url, bundle) -> dict:
    """Verify the webhook's bearer JWT as a publisher would: the portal's JWKS, audience = the app ID."""
    keys = jwt.PyJWKSet.from_dict(requests.get(f"{base_url}/api/saas/jwks", verify=bundle, timeout=10).json())
    token = request["headers"]["Authorization"].removeprefix("Bearer ")
    key = next(k for k in keys.keys if k.key_id == jwt.get_unverified_header(token)["kid"])
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=APP_ID)


def _operation_id(location: str) -> str:
    return urlsplit(location).path.rstrip("/").rsplit("/", 1)[1]


def test_the_client_resolves_activates_changes_meters_and_unsubscribes(
    portal_https, marketplace_clients, https_endpoint, test_ca, customer, monkeypatch
):
    bundle = str(test_ca[1])
    offer = saas_offer(webhook=https_endpoint.url("/webhook"))
    purchase = purchase_create(
        offer_id=offer.pk, snapshot=offer.live_snapshot, plan_id="standard", customer=customer, term="P1M"
    )
    token = parse_qs(urlsplit(landing_page_url(purchase)).query)["token"][0]
    saas, meter = marketplace_clients(secret_for(offer))
    subscription_id = str(purchase.subscription_id)

    resolved = saas.fulfillment_operations.resolve(x_ms_marketplace_token=token)
    assert (resolved.id, resolved.plan_id, resolved.offer_id) == (subscription_id, "standard", offer.offer_id)
    assert resolved.subscription.saas_subscription_status == "PendingFulfillmentStart"
    assert resolved.subscription.beneficiary.email_id == customer.email

    saas.fulfillment_operations.activate_subscription(subscription_id, SubscriberPlan(plan_id="standard", quantity=1))
    got = saas.fulfillment_operations.get_subscription(subscription_id)
    assert got.saas_subscription_status == "Subscribed"
    assert got.term.end_date - got.term.start_date == timedelta(days=30)
    assert got.allowed_customer_operations == ["Read", "Update", "Delete"]

    monkeypatch.setattr(constants, "SUBSCRIPTIONS_PAGE", 2)
    others = [subscription_for(offer, customer) for _ in range(2)]
    subscription_for(saas_offer(), customer)  # another offer's: never listed
    listed = [s.id for s in saas.fulfillment_operations.list_subscriptions()]
    assert listed == [subscription_id, *[str(s.pk) for s in others]]

    plans = saas.fulfillment_operations.list_available_plans(subscription_id).plans
    assert {p.plan_id for p in plans} == {"standard", "premium"}

    status, headers = saas.fulfillment_operations.update_subscription(
        subscription_id, SubscriberPlan(plan_id="premium"), cls=_headers
    )
    assert status == 202
    change_plan = _operation_id(headers["Operation-Location"])
    hook = _deliver(change_plan, https_endpoint, bundle)
    assert (hook["json"]["action"], hook["json"]["planId"], hook["json"]["status"]) == (
        "ChangePlan",
        "premium",
        "InProgress",
    )
    assert _verified_claims(hook, portal_https, bundle)["sub"] == change_plan
    pending = saas.subscription_operations.list_operations(subscription_id).operations
    assert [(op.id, op.status) for op in pending] == [(change_plan, "InProgress")]
    assert saas.fulfillment_operations.get_subscription(subscription_id).plan_id == "standard"
    saas.subscription_operations.update_operation_status(
        subscription_id, change_plan, UpdateOperation(status="Success")
    )
    replayed, _ = saas.subscription_operations.update_operation_status(
        subscription_id, change_plan, UpdateOperation(status="Success"), cls=_headers
    )
    assert replayed == 200
    assert saas.fulfillment_operations.get_subscription(subscription_id).plan_id == "premium"
    assert saas.subscription_operations.get_operation_status(subscription_id, change_plan).status == "Succeeded"

    status, headers = saas.fulfillment_operations.update_subscription(
        subscription_id, SubscriberPlan(quantity=5), cls=_headers
    )
    change_quantity = _operation_id(headers["Operation-Location"])
    assert _deliver(change_quantity, https_endpoint, bundle)["json"]["action"] == "ChangeQuantity"
    saas.subscription_operations.update_operation_status(
        subscription_id, change_quantity, UpdateOperation(status="Success")
    )
    assert saas.fulfillment_operations.get_subscription(subscription_id).quantity == 5

    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    event = UsageEventModel(
        resource_id=subscription_id, plan_id="premium", dimension="api-calls", quantity=3, effective_start_time=hour_ago
    )
    accepted = meter.metering_operations.post_usage_event(event)
    assert (accepted.status, accepted.dimension, accepted.quantity) == ("Accepted", "api-calls", 3)
    status, duplicate = meter.metering_operations.post_usage_event(event, cls=_answer)
    assert (status, duplicate["additionalInfo"]["status"]) == (409, "Duplicate")
    assert duplicate["additionalInfo"]["usageEventId"] == accepted.usage_event_id
    event.effective_start_time = datetime.now(UTC) - timedelta(hours=25)
    assert meter.metering_operations.post_usage_event(event, cls=_answer)[1]["code"] == "Expired"
    event.effective_start_time, event.dimension = hour_ago, "storage"
    assert meter.metering_operations.post_usage_event(event, cls=_answer)[1]["code"] == "InvalidDimension"

    status, headers = saas.fulfillment_operations.delete_subscription(subscription_id, cls=_headers)
    assert status == 202
    unsubscribe = _operation_id(headers["Operation-Location"])
    hook = _deliver(unsubscribe, https_endpoint, bundle)
    assert (hook["json"]["action"], hook["json"]["subscription"]["saasSubscriptionStatus"]) == (
        "Unsubscribe",
        "Unsubscribed",
    )
    assert saas.fulfillment_operations.get_subscription(subscription_id).saas_subscription_status == "Unsubscribed"
    assert Subscription.objects.get(pk=subscription_id).plan_id == "premium"
    assert Operation.objects.filter(subscription_id=subscription_id).count() == 3
