"""The catalogue: only listed offers, from their live snapshots, searched, filtered and paginated."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from offers.models import Offer, OfferPage
from storefront.models import CatalogueEntry
from storefront.selectors import catalogue_search
from storefront.services import catalogue_sync
from tests.storefront.factories import live_offer, new_offer, preview_offer, snapshot_data, snapshot_store, stop_selling

pytestmark = pytest.mark.django_db

CATALOGUE = "/marketplace/"


def names(response) -> list[str]:
    return [card["entry"].name for card in response.context["cards"]]


def test_the_catalogue_lists_only_live_offers(client):
    live_offer(name="Live Ledger")
    new_offer()  # a draft: no snapshot at all
    preview_offer(name="Previewed Planner")
    stop_selling(live_offer(name="Retired Reports"))
    pending = live_offer(name="Pending Payroll")
    pending.stop_selling()
    pending.save()

    response = client.get(CATALOGUE)

    assert response.status_code == 200
    assert sorted(names(response)) == ["Live Ledger", "Pending Payroll"]
    assert "Previewed Planner" not in response.content.decode()


def test_a_visitor_sees_one_sign_in_link_that_comes_back_to_the_page(client):
    content = client.get(f"{CATALOGUE}?q=ledger").content.decode()
    assert content.count(">Sign in</a>") == 1
    assert "/sign-in/?next=/marketplace/%3Fq%3Dledger" in content


def test_the_catalogue_shows_the_live_snapshot_and_never_the_draft(client):
    offer = live_offer(name="Contoso Ledger")
    OfferPage.objects.create(offer=offer, key="offer_listing", data={"name": "Draft Name Nobody Sees"})

    response = client.get(CATALOGUE)

    assert names(response) == ["Contoso Ledger"]
    assert "Draft Name Nobody Sees" not in response.content.decode()
    assert client.get(CATALOGUE, {"q": "nobody"}).context["cards"] == []


def test_an_update_in_preview_keeps_the_old_live_snapshot_until_its_final_publish(client):
    offer = live_offer(name="Old Name")
    client.get(CATALOGUE)
    update = snapshot_store(offer, snapshot_data(offer, name="New Name", setup={"sell_through_microsoft": True}))
    offer.start_publishing()
    offer.preview_ready(update)
    offer.save()

    assert names(client.get(CATALOGUE)) == ["Old Name"]

    offer.start_publishing()  # Go live
    offer.publish_live(update)  # Final publish
    offer.save()

    assert names(client.get(CATALOGUE)) == ["New Name"]


@pytest.mark.usefixtures("policies")
def test_editing_and_republishing_to_preview_keeps_the_old_name_in_the_catalogue(client, owner, https_endpoint):
    from tests.certification.support import complete_offer, publish_to_live, publish_to_preview
    from tests.factories import UserFactory

    reviewer = UserFactory(is_staff=True)
    offer = complete_offer(owner, "saas", https_endpoint)
    publish_to_live(offer, owner, reviewer)
    assert names(client.get(CATALOGUE, {"q": "expense"})) == ["Contoso Expense Insights"]

    page = OfferPage.objects.get(offer=offer, key="offer_listing")
    page.data = {**page.data, "name": "Contoso Expense Insights 2"}
    page.save()
    assert names(client.get(CATALOGUE, {"q": "expense"})) == ["Contoso Expense Insights"]

    publish_to_preview(offer, owner, reviewer)
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PREVIEW
    assert names(client.get(CATALOGUE, {"q": "expense"})) == ["Contoso Expense Insights"]
    assert client.get(reverse("storefront:offer", args=[offer.pk])).context["listing"].name == (
        "Contoso Expense Insights"
    )


def test_search_matches_every_word_in_the_name_summary_or_keywords(client):
    live_offer(name="Fabrikam Payroll", summary="Pay your people on time.", keywords=("salaries",))
    live_offer(name="Contoso Ledger", summary="Double-entry bookkeeping.", keywords=("accounting", "ledger"))

    assert names(client.get(CATALOGUE, {"q": "payroll"})) == ["Fabrikam Payroll"]
    assert names(client.get(CATALOGUE, {"q": "BOOKKEEPING"})) == ["Contoso Ledger"]
    assert names(client.get(CATALOGUE, {"q": "salaries"})) == ["Fabrikam Payroll"]
    assert names(client.get(CATALOGUE, {"q": "contoso accounting"})) == ["Contoso Ledger"]
    assert names(client.get(CATALOGUE, {"q": "contoso salaries"})) == []


def test_filters_by_category_offer_type_and_storefront(client):
    live_offer(name="Insight Board", categories=("Analytics",), storefronts=("azure_marketplace", "appsource"))
    live_offer(name="Mail Sorter", categories=("Productivity",), storefronts=("appsource",))
    live_offer(name="Deploy Kit", offer_type="azure_application", categories=("Developer Tools",))
    live_offer(name="Migration: 3-Wk Assessment", offer_type="consulting")

    assert names(client.get(CATALOGUE, {"category": "Productivity"})) == ["Mail Sorter"]
    assert names(client.get(CATALOGUE, {"type": "azure_application"})) == ["Deploy Kit"]
    assert names(client.get(CATALOGUE, {"type": "consulting"})) == ["Migration: 3-Wk Assessment"]
    assert sorted(names(client.get(CATALOGUE, {"storefront": "appsource"}))) == ["Insight Board", "Mail Sorter"]
    response = client.get(CATALOGUE, {"storefront": "appsource", "category": "Analytics"})
    assert names(response) == ["Insight Board"]
    assert "AppSource" in response.content.decode()


def test_unknown_filters_are_ignored(client):
    live_offer(name="Insight Board")
    response = client.get(CATALOGUE, {"category": "<script>", "type": "nope", "storefront": "x", "page": "zz"})
    assert names(response) == ["Insight Board"]


def test_the_catalogue_is_paginated(client):
    for n in range(26):
        live_offer(name=f"Tool {n:02d}")
    first = client.get(CATALOGUE, {"sort": "name"})
    second = client.get(CATALOGUE, {"sort": "name", "page": 2})
    assert len(first.context["cards"]) == 24
    assert names(second) == ["Tool 24", "Tool 25"]
    assert first.context["page_obj"].paginator.count == 26


def test_the_offer_card_links_to_the_offer_page_with_its_price(client):
    offer = live_offer(name="Insight Board")
    response = client.get(CATALOGUE)
    content = response.content.decode()
    assert reverse("storefront:offer", args=[offer.pk]) in content
    assert "From $49.00 / month" in content


def test_search_rows_follow_each_listing_change_as_it_is_saved():
    offer = live_offer(name="Insight Board", keywords=("dashboards",))
    entry = CatalogueEntry.objects.get(offer=offer)
    assert (entry.name, entry.snapshot_id, entry.categories) == ("Insight Board", offer.live_snapshot_id, "|Analytics|")
    assert "dashboards" in entry.search_text

    update = snapshot_store(
        offer, snapshot_data(offer, name="Insight Board Pro", setup={"sell_through_microsoft": True})
    )
    offer.start_publishing()
    offer.publish_live(update)
    offer.save()
    assert [e.name for e in catalogue_search()] == ["Insight Board Pro"]
    stop_selling(offer)
    assert list(catalogue_search()) == []
    assert CatalogueEntry.objects.get(offer=offer).listed is False


def test_the_repair_writes_missing_rows_once_and_then_checks_with_one_query(django_assert_num_queries):
    offer = live_offer(name="Insight Board")
    CatalogueEntry.objects.all().delete()  # rows lost (written by hand, restored from a backup...)
    Offer.objects.filter(pk=offer.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert catalogue_sync() == 1  # a full check, remembered as settled
    with django_assert_num_queries(1):
        assert catalogue_sync() == 0
    assert [e.offer_id for e in catalogue_search()] == [offer.pk]


def _queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(CATALOGUE, params).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_the_number_of_queries_does_not_grow_with_the_offers(client, customer, signed_in):
    if signed_in:
        client.force_login(customer)
        client.get(reverse("storefront:account"))  # the first request after force_login records the user's session
    for _ in range(5):
        live_offer()
    cold_5, warm_5, search_5 = _queries(client), _queries(client), _queries(client, q="listing", type="saas")
    for _ in range(45):
        live_offer()
    cold_50, warm_50, search_50 = _queries(client), _queries(client), _queries(client, q="listing", type="saas")

    assert (cold_5, warm_5, search_5) == (cold_50, warm_50, search_50)
    assert cold_50 <= 12


def test_past_its_count_limit_the_catalogue_says_more_than_the_limit(client, monkeypatch):
    monkeypatch.setattr("storefront.views.CATALOGUE_COUNT_LIMIT", 3)
    for n in range(5):
        live_offer(name=f"Counted Ledger {n}")

    response = client.get(CATALOGUE)

    assert "More than 3 results" in response.content.decode()
    assert len(names(response)) == 3  # the pages stop at the limit too (1,000 in production: 42 pages)


def test_the_catalogue_counts_its_matches_over_a_limit(client):
    live_offer(name="Bounded Ledger")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CATALOGUE, {"q": "ledger"})
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]
    assert response.context["page_obj"].paginator.count == 1
    assert len(counts) == 1
    assert "LIMIT 1001" in counts[0]
