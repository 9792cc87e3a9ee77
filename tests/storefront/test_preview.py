"""Preview listings: the signed link opens the preview snapshot for the preview audience only."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from certification.previews import preview_links
from storefront.audience import preview_audience_admits
from storefront.models import CustomerProfile, CustomerSubscription, Purchase
from storefront.selectors import customer_subscription_ids
from tests.factories import MembershipFactory, UserFactory
from tests.storefront.factories import SUBSCRIPTION, live_offer, preview_offer

pytestmark = pytest.mark.django_db

OTHER_SUBSCRIPTION = "a07d3c58-91be-4f26-8c4d-6e2b1f9a7d30"


def preview_path(offer) -> str:
    (_label, url), *_others = preview_links(offer)
    return urlsplit(url).path


def status_for(client, path, user=None, **params) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(path, params).status_code


def test_an_email_audience_admits_only_the_listed_emails(client):
    offer = preview_offer(name="Email Preview", audience=["avery@contoso.example"])
    path = preview_path(offer)

    assert status_for(client, path, UserFactory(email="Avery@Contoso.example")) == 200
    assert status_for(client, path, UserFactory(email="someone@else.example")) == 404
    assert status_for(client, path) == 404


def test_a_subscription_audience_admits_customers_who_registered_a_listed_subscription(client):
    offer = preview_offer(offer_type="azure_application", name="Sub Preview", audience=[SUBSCRIPTION])
    path = preview_path(offer)
    member = UserFactory()
    CustomerSubscription.objects.create(
        profile=CustomerProfile.objects.create(user=member), subscription_id=SUBSCRIPTION
    )
    outsider = UserFactory()
    CustomerSubscription.objects.create(
        profile=CustomerProfile.objects.create(user=outsider), subscription_id=OTHER_SUBSCRIPTION
    )

    assert status_for(client, path, member) == 200
    assert status_for(client, path, outsider) == 404
    assert status_for(client, path, UserFactory()) == 404
    assert status_for(client, path) == 404


def test_a_consulting_preview_opens_with_its_hide_key_only(client):
    offer = preview_offer(offer_type="consulting", name="Data Migration: 3-Wk Assessment", hide_key="Secret42")
    path = preview_path(offer)

    assert status_for(client, path, key="Secret42") == 200
    assert status_for(client, path, UserFactory(), key="Secret42") == 200
    assert status_for(client, path, key="secret42") == 404
    assert status_for(client, path, UserFactory()) == 404
    assert status_for(client, path) == 404


def test_the_publisher_is_not_in_the_audience_unless_listed(client, owner):
    offer = preview_offer(owner.account, name="Email Preview", audience=["avery@contoso.example"])
    assert status_for(client, preview_path(offer), owner.user) == 404


def test_an_offer_without_any_audience_previews_to_its_own_publisher_only(client, owner):
    listing_only = {"sell_through_microsoft": False, "listing_option": "contact_me", "leads_destination": "https"}
    offer = preview_offer(owner.account, name="Listing Only", setup=listing_only)
    path = preview_path(offer)

    assert status_for(client, path, owner.user) == 200
    assert status_for(client, path, MembershipFactory().user) == 404
    assert status_for(client, path) == 404


def test_the_preview_shows_the_preview_snapshot_while_the_catalogue_keeps_the_live_one(client):
    offer = live_offer(name="Old Name")
    preview_offer(offer=offer, name="New Name", audience=["avery@contoso.example"])
    client.force_login(UserFactory(email="avery@contoso.example"))

    preview = client.get(preview_path(offer))
    live = client.get(reverse("storefront:offer", args=[offer.pk]))

    assert preview.context["listing"].name == "New Name"
    assert 'data-testid="preview-banner"' in preview.content.decode()
    assert live.context["listing"].name == "Old Name"


def test_an_old_or_forged_preview_link_is_not_found(client):
    offer = preview_offer(name="Email Preview", audience=["avery@contoso.example"])
    old = preview_path(offer)
    preview_offer(offer=offer, name="Second Preview", audience=["avery@contoso.example"])
    client.force_login(UserFactory(email="avery@contoso.example"))

    assert client.get(old).status_code == 404
    assert client.get(preview_path(offer)).status_code == 200
    assert client.get("/marketplace/preview/azure_marketplace/forged-token/").status_code == 404
    assert client.get(preview_path(offer).replace("azure_marketplace", "appsource")).status_code == 404


def test_the_audience_member_makes_a_test_purchase_and_others_cannot(client):
    offer = preview_offer(name="Email Preview", audience=["avery@contoso.example"])
    buy = preview_path(offer) + "buy/standard/"

    client.force_login(UserFactory(email="someone@else.example"))
    assert client.post(buy, {"term": "P1M", "accept": "on"}).status_code == 404
    assert not Purchase.objects.exists()

    client.force_login(UserFactory(email="avery@contoso.example"))
    response = client.post(buy, {"term": "P1M", "accept": "on"})

    purchase = Purchase.objects.get()
    assert response.status_code == 302
    assert (purchase.preview, purchase.snapshot_id, purchase.plan_id) == (True, offer.preview_snapshot_id, "standard")


def test_the_hide_key_travels_with_the_preview_contact_request(client):
    from storefront.models import ContactRequest

    offer = preview_offer(offer_type="consulting", name="Data Migration: 3-Wk Assessment", hide_key="Secret42")
    contact = preview_path(offer) + "contact/"
    client.force_login(UserFactory())
    form = {"name": "Casey", "email": "casey@woodgrove.example", "company": "Woodgrove", "consent": "on"}

    assert client.post(contact, form).status_code == 404
    page = client.get(contact, {"key": "Secret42"})
    assert 'name="key" value="Secret42"' in page.content.decode()
    response = client.post(contact, {**form, "key": "Secret42"})

    assert response.status_code == 302
    assert response.url.endswith("?key=Secret42")
    lead = ContactRequest.objects.get()
    assert lead.preview is True
    assert lead.lead_id.startswith("PREVIEW_")


def test_preview_audience_admits_reads_the_customers_subscriptions_through_the_selector():
    user = UserFactory()
    snapshot = {"pages": {"preview_audience": {"entries": [SUBSCRIPTION]}}}
    assert not preview_audience_admits(snapshot, user=user)
    CustomerSubscription.objects.create(profile=CustomerProfile.objects.create(user=user), subscription_id=SUBSCRIPTION)
    assert customer_subscription_ids(user) == {SUBSCRIPTION}
    assert preview_audience_admits(snapshot, user=user)
