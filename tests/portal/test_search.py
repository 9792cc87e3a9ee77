"""Search without scans: the dashboard, the admin queues and the catalogue read trigram GIN indexes on PostgreSQL.

Each index test adds 10,000 rows, flushes the GIN pending lists and analyses (as autovacuum would), so the planner
chooses as it would in production.
"""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certification.operations import staff_groups_ensure
from offers.models import Offer
from offers.selectors import offers_dashboard, offers_found
from offers.services import page_save
from storefront.models import CatalogueEntry
from storefront.selectors import catalogue_search
from storefront.services import catalogue_sync
from tests.certification.test_reviews_queue import review_item_make
from tests.factories import PublisherAccountFactory, UserFactory
from tests.offers.factories import OfferFactory, OfferPageFactory, page_form
from tests.storefront.factories import live_offer

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Autovacuum moves fresh rows from a GIN index's pending list into the index; do it now, then analyse.
        cursor.execute("SELECT gin_clean_pending_list('offer_search_text_trgm'::regclass)")
        cursor.execute("SELECT gin_clean_pending_list('catalogue_search_text_trgm'::regclass)")
        cursor.execute("ANALYZE")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _many_offers(account, count=10_000) -> list[Offer]:
    return Offer.objects.bulk_create(
        Offer(account=account, offer_type="saas", offer_id=f"bulk-{n}", alias=f"Bulk {n}", search_text=f"bulk-{n}")
        for n in range(count)
    )


def test_the_database_is_postgresql():
    assert connection.vendor == "postgresql"  # the index tests below need pg_trgm


def test_the_dashboard_search_reads_the_trigram_index_of_a_large_account(owner):
    _many_offers(owner.account)

    plan = _plan(offers_dashboard(owner, query="contoso"))

    assert "offer_search_text_trgm" in plan


def test_the_dashboard_finds_an_offer_by_id_alias_or_listing_name_in_any_case(owner_client, owner, stranger):
    by_name = OfferFactory(account=owner.account, offer_id="alpha-1", alias="First")
    OfferPageFactory(offer=by_name, key="offer_listing", data={"name": "Contoso Insights"})
    by_alias = OfferFactory(account=owner.account, offer_id="beta-2", alias="Contoso Backup")
    OfferFactory(account=owner.account, offer_id="gamma-3", alias="Other")
    OfferFactory(account=stranger.account, offer_id="contoso-x", alias="Contoso elsewhere")

    found = owner_client.get(reverse("portal:dashboard"), {"q": "CONTOSO"}).context["page_obj"].object_list
    by_id = owner_client.get(reverse("portal:dashboard"), {"q": "Gamma-3"}).context["page_obj"].object_list

    assert {o.pk for o in found} == {by_name.pk, by_alias.pk}
    assert [o.offer_id for o in by_id] == ["gamma-3"]


def test_saving_the_listing_page_changes_what_the_offer_is_found_by(owner):
    offer = OfferFactory(account=owner.account, offer_id="delta", alias="Delta")
    form = page_form(offer, "offer_listing", {"name": "Fabrikam Reports"}, complete=False)
    assert form.is_valid(), form.errors

    page_save(offer=offer, key="offer_listing", form=form, by=owner.user)

    assert list(offers_dashboard(owner, query="fabrikam")) == [offer]
    assert Offer.objects.get(pk=offer.pk).search_text == "delta\ndelta\nfabrikam reports"


def test_saving_another_page_keeps_the_search_text(owner):
    offer = OfferFactory(account=owner.account, offer_id="echo", alias="Echo")
    OfferPageFactory(offer=offer, key="offer_listing", data={"name": "Northwind"})
    form = page_form(offer, "offer_setup", {}, complete=False)
    form.is_valid()

    page_save(offer=offer, key="offer_setup", form=form, by=owner.user)

    assert "northwind" in Offer.objects.get(pk=offer.pk).search_text


def test_the_catalogue_search_reads_the_trigram_index_and_finds_every_word():
    wanted = live_offer(name="Contoso Analytics", summary="Dashboards for retail.")
    other = live_offer(name="Contoso Backup", summary="Copies of your data.")
    catalogue_sync()
    CatalogueEntry.objects.bulk_create(
        CatalogueEntry(
            offer=offer,
            snapshot_id=other.live_snapshot_id,
            offer_type="saas",
            name=offer.alias,
            search_text=offer.alias.lower(),
            published_at=timezone.now(),
        )
        for offer in _many_offers(PublisherAccountFactory())
    )

    found = list(catalogue_search(query="contoso retail"))
    plan = _plan(catalogue_search(query="contoso"))

    assert [entry.offer_id for entry in found] == [wanted.pk]
    assert "catalogue_search_text_trgm" in plan


@pytest.fixture
def reviewer_client(db):
    user = UserFactory(is_staff=True)
    user.groups.add(staff_groups_ensure()["Reviewers"])
    browser = Client()
    browser.force_login(user)
    return browser


def test_the_admin_queue_search_finds_by_offer_or_publisher_through_the_search_text(reviewer_client):
    account = PublisherAccountFactory(name="Fabrikam")
    zebra = Offer.objects.create(
        account=account,
        offer_type="consulting",
        offer_id="zq-1",
        alias="Zebra Queue",
        status=Offer.Status.PUBLISH_IN_PROGRESS,
    )
    by_alias = review_item_make(offer=zebra)
    by_publisher = review_item_make(account=PublisherAccountFactory(name="Woodgrove Bank"))
    review_item_make()
    queue = reverse("admin:certification_contentreviewitem_changelist")

    by_offer = reviewer_client.get(queue, {"q": "zebra QUEUE"})
    by_account = reviewer_client.get(queue, {"q": "woodgrove"})

    assert [i.pk for i in by_offer.context["cl"].result_list] == [by_alias.pk]
    assert [i.pk for i in by_account.context["cl"].result_list] == [by_publisher.pk]
    assert "search_text" in str(by_offer.context["cl"].queryset.query)


def test_the_admin_search_of_offers_reads_the_trigram_index():
    _many_offers(PublisherAccountFactory())

    assert "offer_search_text_trgm" in _plan(offers_found("contoso"))
