"""Under `make run` the editor says which publisher sandbox addresses a page's fields can use."""

import pytest
from django.urls import reverse

from offers.demo import offer_fill_page
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

SANDBOX = "https://127.0.0.1:8443"


@pytest.fixture
def saas(owner):
    offer = OfferFactory(account=owner.account, offer_type="saas")
    offer_fill_page(offer, "offer_setup", owner.user)  # sold through Microsoft, with leads
    return offer


def _page(client, offer, key) -> str:
    return client.get(reverse("offers:page", args=[offer.pk, key])).content.decode()


def test_technical_configuration_shows_the_sandbox_landing_page_and_webhook(owner_client, saas, settings):
    settings.OUTBOUND_SANDBOX_URL = SANDBOX
    page = _page(owner_client, saas, "technical_configuration")
    assert f"{SANDBOX}/saas/landing" in page
    assert f"{SANDBOX}/saas/webhook" in page
    assert f"{SANDBOX}/leads" not in page


def test_offer_setup_shows_the_sandbox_lead_endpoint(owner_client, saas, settings):
    settings.OUTBOUND_SANDBOX_URL = SANDBOX
    assert f"{SANDBOX}/leads" in _page(owner_client, saas, "offer_setup")


def test_without_a_sandbox_the_editor_shows_none(owner_client, saas, settings):
    settings.OUTBOUND_SANDBOX_URL = ""
    assert 'data-testid="sandbox-help"' not in _page(owner_client, saas, "technical_configuration")


def test_a_page_without_such_fields_shows_none(owner_client, saas, settings):
    settings.OUTBOUND_SANDBOX_URL = SANDBOX
    assert 'data-testid="sandbox-help"' not in _page(owner_client, saas, "properties")
