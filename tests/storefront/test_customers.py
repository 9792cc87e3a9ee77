"""Customer accounts: sign up with an email, a tenant and Azure subscriptions; a publisher can be one too."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from outbox.models import OutboxMessage
from storefront.models import CustomerProfile
from storefront.selectors import customer_subscription_ids, customer_tenant_id
from tests.factories import PASSWORD
from tests.storefront.factories import SUBSCRIPTION, TENANT_ID

pytestmark = pytest.mark.django_db

OTHER = "a07d3c58-91be-4f26-8c4d-6e2b1f9a7d30"


def test_a_customer_signs_up_with_an_email_and_is_no_publisher(client):
    response = client.post(
        reverse("storefront:sign-up"),
        {
            "full_name": "Casey Jordan",
            "email": "Casey@Woodgrove.example",
            "password": PASSWORD,
            "next": "/marketplace/",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    profile = CustomerProfile.objects.get()
    assert profile.user.email == "casey@woodgrove.example"
    assert not Membership.objects.filter(user=profile.user).exists()
    assert "_auth_user_id" not in client.session  # signed in only once the address is verified


def test_signing_up_with_a_registered_email_answers_as_for_a_new_one_and_emails_its_owner(client, owner):
    new = client.post(
        reverse("storefront:sign-up"), {"full_name": "X", "email": "new@woodgrove.example", "password": PASSWORD}
    )
    taken = client.post(
        reverse("storefront:sign-up"), {"full_name": "X", "email": owner.user.email.upper(), "password": PASSWORD}
    )

    assert (taken.status_code, taken.url) == (new.status_code, new.url)
    assert not CustomerProfile.objects.filter(user=owner.user).exists()
    [message] = OutboxMessage.objects.filter(recipients=[owner.user.email.lower()])
    assert "already" in message.subject.lower() or "already" in message.body_text.lower()
    owner.user.refresh_from_db()
    assert owner.user.check_password(PASSWORD)


def test_sign_up_never_redirects_to_another_site(client):
    response = client.post(
        reverse("storefront:sign-up"),
        {"full_name": "C", "email": "c@woodgrove.example", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.url == reverse("account_email_verification_sent")


def test_a_customer_registers_a_tenant_and_subscriptions(customer_client, customer):
    response = customer_client.post(
        reverse("storefront:account"),
        {"company": "Woodgrove", "tenant_id": TENANT_ID.upper(), "subscription_ids": f"{OTHER}\n{OTHER.upper()}"},
    )

    assert response.status_code == 302
    assert customer_subscription_ids(customer) == {OTHER}
    assert customer_tenant_id(customer) == TENANT_ID


def test_a_subscription_id_must_be_a_guid(customer_client, customer):
    response = customer_client.post(reverse("storefront:account"), {"subscription_ids": "not-a-guid"})
    assert response.status_code == 200
    assert customer_subscription_ids(customer) == {SUBSCRIPTION}


def test_a_publisher_becomes_a_customer_with_the_same_user(client, owner):
    client.force_login(owner.user)
    client.post(reverse("storefront:account"), {"subscription_ids": SUBSCRIPTION})
    assert CustomerProfile.objects.get().user == owner.user
    assert customer_subscription_ids(owner.user) == {SUBSCRIPTION}
    assert client.get(reverse("portal:dashboard")).status_code == 200
