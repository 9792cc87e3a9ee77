"""The offers' admin list searches the stored search text and the publishers' names, in as many queries at any size."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.operations import staff_groups_ensure
from offers.models import Offer
from tests.factories import PublisherAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

OFFERS = reverse("admin:offers_offer_changelist")


@pytest.fixture
def operator_client():
    operator = UserFactory(is_staff=True)
    operator.groups.add(staff_groups_ensure()["Operators"])
    browser = Client()
    browser.force_login(operator)
    return browser


def _offers(account, count: int, tag: str) -> list[Offer]:
    return Offer.objects.bulk_create(
        Offer(
            account=account,
            offer_type="consulting",
            offer_id=f"{tag}-{n}",
            alias=f"{tag.title()} {n}",
            search_text=f"{tag}-{n}\n{tag} {n}",
        )
        for n in range(count)
    )


def _found(response) -> set[int]:
    return {offer.pk for offer in response.context["cl"].result_list}


def test_the_offers_admin_finds_an_offer_by_its_search_text_in_any_case(operator_client):
    wanted = Offer.objects.create(
        account=PublisherAccountFactory(),
        offer_type="consulting",
        offer_id="zebra-1",
        alias="Zebra",
        search_text="zebra-1\nzebra\ncontoso zebra insights",
    )
    _offers(PublisherAccountFactory(), 3, "other")

    response = operator_client.get(OFFERS, {"q": "Contoso ZEBRA"})

    assert _found(response) == {wanted.pk}


def test_the_offers_admin_finds_the_offers_of_a_publisher_by_its_name(operator_client):
    woodgrove = _offers(PublisherAccountFactory(name="Woodgrove Bank"), 2, "wood")
    _offers(PublisherAccountFactory(name="Fabrikam"), 2, "fab")

    response = operator_client.get(OFFERS, {"q": "woodgrove"})

    assert _found(response) == {offer.pk for offer in woodgrove}


def test_the_offers_admin_search_takes_as_many_queries_for_30_offers_as_for_3(operator_client):
    account = PublisherAccountFactory()
    _offers(account, 3, "bulk")
    operator_client.get(OFFERS, {"q": "bulk"})  # the session is recorded once
    with CaptureQueriesContext(connection) as few:
        found_few = _found(operator_client.get(OFFERS, {"q": "bulk"}))
    Offer.objects.bulk_create(
        Offer(account=account, offer_type="consulting", offer_id=f"b-{n}", alias=f"B {n}", search_text=f"bulk {n}")
        for n in range(27)
    )

    with CaptureQueriesContext(connection) as many:
        found_many = _found(operator_client.get(OFFERS, {"q": "bulk"}))

    assert (len(found_few), len(found_many)) == (3, 30)
    assert len(many) == len(few)
