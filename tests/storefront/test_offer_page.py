"""The offer page: the live listing, its plans and prices, and the call to action by the offer's setup."""

import pytest
from django.urls import reverse

from offers.models import Plan
from storefront.models import Purchase
from storefront.services import AcquisitionRefused, purchase_create
from tests.storefront.factories import (
    CONTACT_ME,
    TENANT_ID,
    live_offer,
    new_offer,
    saas_plan,
    stop_selling,
)

pytestmark = pytest.mark.django_db


def page(client, offer):
    return client.get(reverse("storefront:offer", args=[offer.pk]))


def test_the_offer_page_shows_the_sanitised_description_plans_and_prices(client):
    offer = live_offer(name="Insight Board", plans=[saas_plan("standard", name="Standard", price_p1m="49.00")])
    response = page(client, offer)
    content = response.content.decode()

    assert response.status_code == 200
    assert "<strong>useful</strong>" in content
    assert "<script>alert(1)</script>" not in content
    [plan] = response.context["listing"].plans
    assert plan.prices == [("1 month", "$49.00 / month"), ("1 year", "$499.00 / year")]
    assert "One-month free trial" in plan.notes
    assert reverse("storefront:buy", args=[offer.pk, "standard"]) in content
    assert "support@contoso.example" in content


def test_a_draft_offer_has_no_page(client):
    assert page(client, new_offer()).status_code == 404


def test_get_it_now_and_free_trial_link_to_the_listing_url(client):
    setup = {"sell_through_microsoft": False, "listing_option": "free_trial", "listing_url": "https://x.example/try"}
    response = page(client, live_offer(name="Trial Tool", setup=setup))
    action = response.context["listing"].action
    assert (action.kind, action.label, action.url) == ("link", "Free trial", "https://x.example/try")
    assert 'href="https://x.example/try"' in response.content.decode()


def test_contact_me_offers_the_contact_form(client):
    offer = live_offer(name="Lead Desk", setup=CONTACT_ME)
    response = page(client, offer)
    assert response.context["listing"].action.kind == "contact"
    assert reverse("storefront:contact", args=[offer.pk]) in response.content.decode()


def test_a_consulting_offer_shows_its_price_and_duration_and_contact_me(client):
    response = page(client, live_offer(offer_type="consulting", name="Data Migration: 3-Wk Assessment"))
    listing = response.context["listing"]
    assert listing.action.kind == "contact"
    assert (listing.consulting["price"], listing.consulting["duration"]) == ("$15,000.00", "3 weeks")


def test_a_plan_being_stopped_shows_as_no_longer_sold_until_its_removal_completes(client, customer):
    offer = live_offer(name="Two Plans", plans=[saas_plan("basic", name="Basic"), saas_plan("pro", name="Pro")])
    plan = Plan.objects.get(offer=offer, plan_id="basic")
    plan.stop_selling()
    plan.save()

    response = page(client, offer)
    assert [(p.plan_id, p.stopping) for p in response.context["listing"].plans] == [("basic", True), ("pro", False)]
    assert 'data-testid="plan-stopping"' in response.content.decode()
    assert reverse("storefront:buy", args=[offer.pk, "basic"]) not in response.content.decode()
    plan.stop_sell_complete()
    plan.save()
    assert [p.plan_id for p in page(client, offer).context["listing"].plans] == ["pro"]


def test_a_plan_being_stopped_cannot_be_bought(client, customer):
    offer = live_offer(name="Two Plans", plans=[saas_plan("basic", name="Basic"), saas_plan("pro", name="Pro")])
    plan = Plan.objects.get(offer=offer, plan_id="basic")
    plan.stop_selling()
    plan.save()

    client.force_login(customer)
    response = client.post(reverse("storefront:buy", args=[offer.pk, "basic"]), {"term": "P1M", "accept": "on"})
    assert response.status_code == 404
    with pytest.raises(AcquisitionRefused):  # a checkout page opened before the stop was requested
        purchase_create(offer_id=offer.pk, snapshot=offer.live_snapshot, plan_id="basic", customer=customer, term="P1M")
    assert not Purchase.objects.exists()


def test_a_private_plan_shows_only_to_its_tenants(client, customer):
    private = saas_plan("private", name="Private", visibility="private", restricted_audience=[TENANT_ID])
    offer = live_offer(name="Two Plans", plans=[saas_plan("public", name="Public"), private])

    assert [p.plan_id for p in page(client, offer).context["listing"].plans] == ["public"]
    client.force_login(customer)
    assert [p.plan_id for p in page(client, offer).context["listing"].plans] == ["public", "private"]


def test_after_stop_sell_the_page_says_the_offer_is_no_longer_available(client):
    offer = live_offer(name="Retired Reports")
    stop_selling(offer)
    response = page(client, offer)
    assert response.status_code == 410
    assert "Retired Reports is no longer available in the marketplace" in response.content.decode()


def test_the_no_longer_available_page_is_never_kept_by_a_browser_or_a_proxy(client):
    offer = live_offer(name="Retired Reports")
    stop_selling(offer)
    cache_control = page(client, offer)["Cache-Control"]
    assert {"no-store", "no-cache", "private"} <= {part.strip() for part in cache_control.split(",")}


def test_the_offer_page_is_private_and_asked_for_again_on_every_visit(client):
    cache_control = page(client, live_offer(name="Insight Board"))["Cache-Control"]
    assert {"no-cache", "private"} <= {part.strip() for part in cache_control.split(",")}


def test_while_stop_sell_is_pending_the_page_shows_but_nothing_can_be_bought(client, customer):
    offer = live_offer(name="Leaving Soon")
    offer.stop_selling()
    offer.save()
    client.force_login(customer)

    assert 'data-testid="stopping-banner"' in page(client, offer).content.decode()
    response = client.post(reverse("storefront:buy", args=[offer.pk, "standard"]), {"term": "P1M", "accept": "on"})
    assert response.status_code == 302
    assert not Purchase.objects.exists()


def test_listing_files_are_served_by_signed_address_only(client, owner, https_endpoint, policies):
    from tests.certification.support import complete_offer, publish_to_live
    from tests.factories import UserFactory

    offer = complete_offer(owner, "saas", https_endpoint)
    publish_to_live(offer, owner, UserFactory(is_staff=True))
    listing = page(client, offer).context["listing"]

    logo = client.get(listing.logo_url)
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")
    assert len(listing.screenshots) == 2
    assert listing.documents
    assert listing.videos
    forged = listing.logo_url.rsplit("/", 2)[0] + "/forged/"
    assert client.get(forged).status_code == 404
