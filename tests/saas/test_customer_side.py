"""Customers see, change and cancel their SaaS subscriptions in My purchases; publishers see them in Sales."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from outbox.models import OutboxMessage
from saas.models import Operation, Subscription, UsageEvent
from saas.services import operation_update, subscription_activate
from storefront.models import Purchase
from storefront.services import purchase_create
from tests.factories import MembershipFactory, UserFactory
from tests.saas.support import saas_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def bought(customer):
    offer = saas_offer()
    purchase = purchase_create(
        offer_id=offer.pk, snapshot=offer.live_snapshot, plan_id="standard", customer=customer, term="P1Y"
    )
    subscription_activate(subscription=purchase.saas_subscription, plan_id="standard", quantity=None)
    return Purchase.objects.select_related("saas_subscription").get(pk=purchase.pk)


def _usage(subscription, quantity="2.5", hours=1):
    moment = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours)
    UsageEvent.objects.create(
        subscription=subscription,
        plan_id=subscription.plan_id,
        dimension="api-calls",
        quantity=Decimal(quantity),
        effective_start_time=moment,
        hour=moment,
    )


def test_my_purchases_shows_each_subscriptions_status_plan_users_term_and_usage(client, customer, bought):
    _usage(bought.saas_subscription, "2.5", hours=1)
    _usage(bought.saas_subscription, "4", hours=2)
    client.force_login(customer)
    page = client.get(reverse("storefront:purchases")).content.decode()
    assert 'data-testid="subscription-status">Subscribed' in page
    assert "Plan <code>standard</code> · 1 users · P1Y until" in page
    assert "<code>api-calls</code>: 6.5" in page


def test_the_purchase_page_shows_the_term_and_the_change_form(client, customer, bought):
    client.force_login(customer)
    page = client.get(reverse("storefront:purchase", args=[bought.subscription_id]))
    assert 'data-testid="change-subscription"' in page.content.decode()
    assert [choice for choice, _ in page.context["change_form"].fields["plan_id"].choices] == ["", "premium"]
    assert bought.saas_subscription.term_end.date().isoformat() in str(page.context["subscription"].term_end)


def test_a_customer_changes_plan_and_sees_it_wait_for_the_publisher(client, customer, bought):
    client.force_login(customer)
    client.post(reverse("storefront:purchase-change", args=[bought.subscription_id]), {"plan_id": "premium"})
    operation = Operation.objects.get()
    assert (operation.action, operation.by_customer, operation.is_in_progress) == ("ChangePlan", True, True)
    assert OutboxMessage.objects.get().payload["operationRequestSource"] == "Azure"
    page = client.get(reverse("storefront:purchase", args=[bought.subscription_id])).content.decode()
    assert "Change plan to premium" in page
    assert "Waiting for the publisher" in page
    operation_update(operation=operation, status="Success")
    assert Subscription.objects.get(pk=bought.subscription_id).plan_id == "premium"


def test_a_change_with_neither_plan_nor_users_is_refused_and_changes_nothing(client, customer, bought):
    client.force_login(customer)
    response = client.post(reverse("storefront:purchase-change", args=[bought.subscription_id]), {}, follow=True)
    assert "Choose another plan or another number of users." in response.content.decode()
    assert not Operation.objects.exists()


def test_a_customer_cancels_and_the_publisher_is_told(client, customer, bought):
    client.force_login(customer)
    client.post(reverse("storefront:purchase-cancel", args=[bought.subscription_id]))
    assert Subscription.objects.get(pk=bought.subscription_id).is_unsubscribed
    assert OutboxMessage.objects.get().payload["action"] == "Unsubscribe"


@pytest.mark.parametrize("name", ["storefront:purchase-change", "storefront:purchase-cancel"])
def test_another_customer_cannot_change_or_cancel(client, bought, name):
    client.force_login(UserFactory())
    assert client.post(reverse(name, args=[bought.subscription_id]), {"quantity": 3}).status_code == 404
    assert Subscription.objects.get(pk=bought.subscription_id).is_subscribed
    assert not Operation.objects.exists()


def test_sales_shows_the_subscriptions_status_users_and_usage_per_dimension(client, bought):
    _usage(bought.saas_subscription, "3")
    member = MembershipFactory(account=bought.offer.account)
    client.force_login(member.user)
    page = client.get(reverse("storefront:sales")).content.decode()
    assert 'data-testid="subscription-status">Subscribed' in page
    assert "<code>api-calls</code>: 3" in page


def test_sales_of_another_account_shows_none_of_it(client, bought):
    client.force_login(MembershipFactory().user)
    assert str(bought.subscription_id) not in client.get(reverse("storefront:sales")).content.decode()
