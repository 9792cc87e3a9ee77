"""The Validate button of customer leads really sends a test lead; outgoing requests are https only."""

import pytest
from django.urls import reverse

from outbox.outbound import outbound_request
from tests.offers.factories import OfferFactory, OfferPageFactory

pytestmark = pytest.mark.django_db


def _validate(client, offer, data):
    return client.post(
        reverse("offers:page", args=[offer.pk, "offer_setup"]), {**data, "action": "validate_leads"}, follow=True
    )


def test_validate_posts_a_test_lead_to_the_https_endpoint(owner_client, owner, https_endpoint):
    offer = OfferFactory(account=owner.account, offer_type="consulting", offer_id="lead-offer")
    response = _validate(
        owner_client, offer, {"leads_destination": "https", "leads_https_url": https_endpoint.url("/leads")}
    )
    received = https_endpoint.received("POST", "/leads")
    assert len(received) == 1
    assert received[0]["json"]["leadId"].startswith("MSFT_TEST_")
    assert received[0]["json"]["offerId"] == "lead-offer"
    assert b"Test lead delivered" in response.content


def test_validate_reports_an_endpoint_that_refuses_the_lead(owner_client, owner, https_endpoint):
    https_endpoint.status = 500
    offer = OfferFactory(account=owner.account, offer_type="consulting")
    response = _validate(
        owner_client, offer, {"leads_destination": "https", "leads_https_url": https_endpoint.url("/leads")}
    )
    assert b"The test lead was not delivered" in response.content
    assert b"answered 500" in response.content


def test_validate_emails_a_test_lead_to_the_email_destination(owner_client, owner, smtp_sink):
    offer = OfferFactory(account=owner.account, offer_type="consulting")
    _validate(owner_client, offer, {"leads_destination": "email", "leads_email": "sales@contoso.example"})
    received = smtp_sink.wait_for(1)
    assert received[0]["to"] == ["sales@contoso.example"]
    assert "MSFT_TEST_" in received[0]["message"]["Subject"]


def test_a_plain_http_lead_endpoint_is_refused_on_its_field(owner_client, owner, http_endpoint):
    offer = OfferFactory(account=owner.account, offer_type="consulting")
    response = _validate(
        owner_client, offer, {"leads_destination": "https", "leads_https_url": http_endpoint.url("/leads")}
    )
    assert response.context["form"].errors["leads_https_url"]
    assert http_endpoint.requests == []


def test_outgoing_requests_refuse_plain_http_even_when_the_address_is_allowed(http_endpoint):
    result = outbound_request("GET", http_endpoint.url("/"))
    assert not result.ok
    assert "Only https" in result.detail
    assert http_endpoint.requests == []


def test_outgoing_requests_refuse_private_addresses_in_production(settings, https_endpoint):
    settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS = []
    result = outbound_request("GET", https_endpoint.url("/"))
    assert not result.ok
    assert "private or reserved address" in result.detail
    assert https_endpoint.requests == []


def test_an_endpoint_with_an_untrusted_certificate_is_not_reachable(settings, https_endpoint):
    settings.OUTBOUND_CA_BUNDLE = ""
    result = outbound_request("GET", https_endpoint.url("/"))
    assert not result.ok
    assert "certificate" in result.detail


def test_saved_offer_setup_keeps_the_leads_destination(owner_client, owner, https_endpoint):
    offer = OfferFactory(account=owner.account, offer_type="consulting")
    OfferPageFactory(offer=offer, key="offer_setup", data={})
    _validate(owner_client, offer, {"leads_destination": "https", "leads_https_url": https_endpoint.url("/leads")})
    assert offer.pages.get(key="offer_setup").data["leads_https_url"] == https_endpoint.url("/leads")
