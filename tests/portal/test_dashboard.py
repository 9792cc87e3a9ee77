"""The overview dashboard: the account's offers, filters, search, counts and a flat number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offers.models import Offer
from tests.offers.factories import OfferFactory, OfferPageFactory

pytestmark = pytest.mark.django_db


def _offers(account, n):
    for i in range(n):
        offer = OfferFactory(account=account, offer_type=["saas", "azure_vm", "consulting"][i % 3])
        OfferPageFactory(offer=offer, key="offer_listing", data={"name": f"Listing {offer.offer_id}"})


def _count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_runs_the_same_number_of_queries_for_5_and_50_offers(owner_client, owner):
    owner_client.get(reverse("portal:dashboard"))  # the first request after force_login records the user's session
    _offers(owner.account, 5)
    with_5 = _count_queries(owner_client)
    _offers(owner.account, 45)
    with_50 = _count_queries(owner_client)
    assert with_5 == with_50


def test_the_dashboard_lists_only_the_accounts_own_offers(owner_client, owner, stranger):
    mine = OfferFactory(account=owner.account, alias="Mine")
    theirs = OfferFactory(account=stranger.account, alias="Theirs")
    response = owner_client.get(reverse("portal:dashboard"))
    assert list(response.context["page_obj"]) == [mine]
    assert theirs.alias.encode() not in response.content


def test_the_dashboard_shows_the_listing_name_and_the_status_label(owner_client, owner):
    offer = OfferFactory(account=owner.account, alias="Internal alias")
    OfferPageFactory(offer=offer, key="offer_listing", data={"name": "Contoso Insights"})
    response = owner_client.get(reverse("portal:dashboard"))
    assert b"Contoso Insights" in response.content
    assert b"Internal alias" in response.content
    assert b"Draft" in response.content


@pytest.mark.parametrize("query", ["insights", "OFFER-ID-X", "secret alias"])
def test_search_finds_an_offer_by_name_offer_id_or_alias(owner_client, owner, query):
    offer = OfferFactory(account=owner.account, offer_id="offer-id-x", alias="Secret alias")
    OfferPageFactory(offer=offer, key="offer_listing", data={"name": "Contoso Insights"})
    OfferFactory(account=owner.account, offer_id="other", alias="Other")
    response = owner_client.get(reverse("portal:dashboard"), {"q": query})
    assert list(response.context["page_obj"]) == [offer]


def test_filtering_by_type_shows_only_that_type(owner_client, owner):
    OfferFactory(account=owner.account, offer_type="saas")
    vm = OfferFactory(account=owner.account, offer_type="azure_vm")
    response = owner_client.get(reverse("portal:dashboard"), {"type": "azure_vm"})
    assert list(response.context["page_obj"]) == [vm]


def test_filtering_by_status_shows_only_that_status_and_counts_every_status(owner_client, owner):
    OfferFactory(account=owner.account)
    live = OfferFactory(account=owner.account)
    Offer.objects.filter(pk=live.pk).update(status=Offer.Status.LIVE)
    response = owner_client.get(reverse("portal:dashboard"), {"status": "live"})
    assert list(response.context["page_obj"]) == [live]
    counts = {value: count for value, _label, count, _colour in response.context["status_counts"]}
    assert counts["live"] == 1
    assert counts["draft"] == 1
    assert response.context["total"] == 2


def test_an_unknown_filter_value_is_ignored_not_an_error(owner_client, owner):
    OfferFactory(account=owner.account)
    response = owner_client.get(reverse("portal:dashboard"), {"status": "bogus", "type": "bogus", "page": "x"})
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 1


def test_the_dashboard_paginates_25_offers_a_page(owner_client, owner):
    for _ in range(30):
        OfferFactory(account=owner.account)
    response = owner_client.get(reverse("portal:dashboard"), {"page": 2})
    assert len(response.context["page_obj"]) == 5


def test_each_row_links_to_its_offers_overview(owner_client, owner):
    offers = [OfferFactory(account=owner.account) for _ in range(2)]

    html = owner_client.get(reverse("portal:dashboard")).content.decode()

    for offer in offers:
        assert f'href="{reverse("certification:overview", args=[offer.pk])}"' in html


def test_a_status_filter_pages_through_the_offers_of_that_status(owner_client, owner):
    for n in range(30):
        OfferFactory(account=owner.account, status=Offer.Status.LIVE if n < 27 else Offer.Status.DRAFT)

    response = owner_client.get(reverse("portal:dashboard"), {"status": "live", "page": 2})

    assert (response.context["page_obj"].paginator.count, len(response.context["page_obj"])) == (27, 2)


def test_a_type_filter_pages_through_the_offers_of_that_type(owner_client, owner):
    for n in range(30):
        OfferFactory(account=owner.account, offer_type="saas" if n < 26 else "consulting")

    response = owner_client.get(reverse("portal:dashboard"), {"type": "saas", "page": 2})

    assert (response.context["page_obj"].paginator.count, len(response.context["page_obj"])) == (26, 1)


def test_the_dashboard_counts_the_accounts_offers_once(owner_client, owner):
    _offers(owner.account, 3)
    with CaptureQueriesContext(connection) as queries:
        owner_client.get(reverse("portal:dashboard"))

    counting = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and '"offers_offer"' in q["sql"]]
    assert len(counting) == 1  # the counts per status; the pager reads its total from them
