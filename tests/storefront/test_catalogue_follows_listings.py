"""The catalogue's rows change when a listing changes (Final publish, republish, stop sell), never on read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offers.services import page_save
from storefront.models import CatalogueEntry
from storefront.selectors import catalogue_search
from tests.offers.factories import page_form
from tests.storefront.factories import live_offer, snapshot_data, snapshot_store, stop_selling

pytestmark = pytest.mark.django_db
CATALOGUE = reverse("storefront:catalogue")


def _catalogue_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(CATALOGUE).status_code == 200
    return len(captured.captured_queries)


def test_final_publish_lists_the_offer_without_a_catalogue_visit():
    offer = live_offer(name="Northwind Reports")

    assert [entry.offer_id for entry in catalogue_search(query="northwind")] == [offer.pk]


def test_a_draft_save_leaves_the_catalogue_row_and_the_catalogue_cost_alone(client, owner):
    offer = live_offer(owner.account, name="Northwind Reports")
    settled = _catalogue_queries(client)
    before = CatalogueEntry.objects.get(offer=offer)
    form = page_form(offer, "offer_listing", {"name": "Draft Name Nobody Sees"}, complete=False)
    assert form.is_valid(), form.errors

    page_save(offer=offer, key="offer_listing", form=form, by=owner.user)
    after_save = _catalogue_queries(client)

    assert after_save == settled
    assert CatalogueEntry.objects.get(offer=offer).name == before.name == "Northwind Reports"
    assert list(catalogue_search(query="draft")) == []


def test_republish_rewrites_the_row_from_the_new_live_snapshot():
    offer = live_offer(name="Northwind Reports")
    update = snapshot_store(
        offer, snapshot_data(offer, name="Northwind Reports 2", setup={"sell_through_microsoft": True})
    )

    offer.start_publishing()
    offer.publish_live(update)
    offer.save()

    entry = CatalogueEntry.objects.get(offer=offer)
    assert (entry.name, entry.snapshot_id, entry.listed) == ("Northwind Reports 2", update.pk, True)


def test_stop_sell_unlists_the_row_at_once():
    offer = live_offer(name="Northwind Reports")

    stop_selling(offer)

    assert CatalogueEntry.objects.get(offer=offer).listed is False
    assert list(catalogue_search(query="northwind")) == []


def test_a_save_that_changes_no_listing_costs_one_query_of_the_catalogue(django_assert_num_queries):
    offer = live_offer(name="Northwind Reports")
    offer.notes_for_certification = "note"

    with django_assert_num_queries(2):  # the UPDATE of the offer, then the check that its row is current
        offer.save()
