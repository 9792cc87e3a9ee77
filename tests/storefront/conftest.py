"""Fixtures of the storefront tests: customers with and without a profile."""

import pytest

from storefront.models import CustomerProfile, CustomerSubscription
from tests.factories import UserFactory


@pytest.fixture
def customer(db):
    """A customer with a tenant and one registered Azure subscription."""
    from tests.storefront.factories import SUBSCRIPTION, TENANT_ID

    user = UserFactory(email="casey@customer.example")
    profile = CustomerProfile.objects.create(user=user, company="Woodgrove", tenant_id=TENANT_ID)
    CustomerSubscription.objects.create(profile=profile, subscription_id=SUBSCRIPTION)
    return user


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer)
    return client
