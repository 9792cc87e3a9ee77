"""Every list that can grow renders one bounded page, in the same number of queries for a few rows or many."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership
from certification.models import Notice
from offers.models import OfferEvent
from storefront.models import ContactRequest, Purchase
from tests.factories import InvitationFactory, MembershipFactory, UserFactory
from tests.offers.factories import OfferFactory
from tests.storefront.factories import live_offer

pytestmark = pytest.mark.django_db


def _queries(client, url) -> tuple[int, object]:
    client.get(url)  # the session's first request records things once; measure the next one
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def _events(offer, count):
    OfferEvent.objects.bulk_create(
        OfferEvent(offer=offer, kind="page_saved", message=f"Saved {n}") for n in range(count)
    )


def test_the_offer_history_renders_one_page_of_50_events_in_the_same_queries_for_3_or_300(owner_client, owner):
    few, many = OfferFactory(account=owner.account), OfferFactory(account=owner.account)
    _events(few, 3)
    _events(many, 300)

    small, _ = _queries(owner_client, reverse("certification:history", args=[few.pk]))
    large, response = _queries(owner_client, reverse("certification:history", args=[many.pk]))

    assert small == large
    assert len(response.context["page_obj"].object_list) == 50
    assert response.content.decode().count("Saved ") == 50
    assert response.context["page_obj"].paginator.num_pages == 6


def test_the_offer_history_pages_link_older_events_and_keep_the_order(owner_client, owner):
    offer = OfferFactory(account=owner.account)
    _events(offer, 60)
    url = reverse("certification:history", args=[offer.pk])

    first = owner_client.get(url).content.decode()
    second = owner_client.get(url + "?page=2").content.decode()

    assert 'href="?page=2"' in first
    assert "Older" in first
    assert "Saved 59" in first
    assert "Saved 9<" not in first
    assert "Saved 9<" in second
    assert "Newer" in second


@pytest.mark.parametrize("page", ["abc", "-1", "99999", "1" * 40, ""])
def test_a_bad_page_number_gives_a_page_not_an_error(owner_client, owner, page):
    offer = OfferFactory(account=owner.account)
    _events(offer, 60)

    response = owner_client.get(reverse("certification:history", args=[offer.pk]), {"page": page})

    assert response.status_code == 200
    assert 1 <= len(response.context["page_obj"].object_list) <= 50


def test_the_members_page_is_paginated_with_the_same_queries(owner_client, owner):
    url = reverse("accounts:members")
    InvitationFactory.create_batch(2, account=owner.account)
    small, _ = _queries(owner_client, url)
    MembershipFactory.create_batch(80, account=owner.account, role=Membership.Role.DEVELOPER)
    InvitationFactory.create_batch(58, account=owner.account)

    large, response = _queries(owner_client, url)

    assert small == large
    assert len(response.context["members"]) == 50
    assert len(response.context["invitations"]) == 50
    assert response.context["members_page"].paginator.count == 81


def test_the_notifications_page_is_paginated_with_the_same_queries(client):
    user = UserFactory()
    client.force_login(user)
    Notice.objects.bulk_create(Notice(user=user, key=f"k{n}", message=f"Notice {n}") for n in range(3))
    small, _ = _queries(client, reverse("certification-notices:list"))
    Notice.objects.bulk_create(Notice(user=user, key=f"m{n}", message=f"Notice {n}") for n in range(200))

    large, response = _queries(client, reverse("certification-notices:list"))

    assert small == large
    assert len(response.context["notices"]) == 50
    assert response.context["page_obj"].paginator.count == 203


def _sales(offer, customer, count):
    snapshot = offer.live_snapshot
    Purchase.objects.bulk_create(
        Purchase(
            offer=offer,
            snapshot=snapshot,
            offer_name="Listing",
            plan_id="standard",
            plan_name="Standard",
            customer=customer,
            customer_email=customer.email,
        )
        for _ in range(count)
    )
    ContactRequest.objects.bulk_create(
        ContactRequest(
            lead_id=uuid.uuid4().hex,
            offer=offer,
            snapshot=snapshot,
            customer=customer,
            name="Lee",
            email="lee@example.com",
            outbox_key=uuid.uuid4().hex,
        )
        for _ in range(count)
    )


def test_sales_and_my_purchases_page_purchases_and_requests_apart_with_the_same_queries(client, owner):
    offer = live_offer(owner.account)
    customer = UserFactory()
    _sales(offer, customer, 2)
    client.force_login(owner.user)
    sales_small, _ = _queries(client, reverse("storefront:sales"))
    client.force_login(customer)
    mine_small, _ = _queries(client, reverse("storefront:purchases"))
    _sales(offer, customer, 120)

    mine_large, mine = _queries(client, reverse("storefront:purchases") + "?requests=3")
    client.force_login(owner.user)
    sales_large, sales = _queries(client, reverse("storefront:sales") + "?leads=2")

    assert (sales_small, mine_small) == (sales_large, mine_large)
    assert len(sales.context["purchases"]) == 50
    assert len(sales.context["requests"]) == 50
    assert sales.context["requests_page"].number == 2
    assert sales.context["purchases_page"].number == 1
    assert len(mine.context["requests"]) == 22
    assert 'href="?leads=2&amp;page=2"' in sales.content.decode()  # the purchases' next page keeps the leads' page


def test_the_dashboard_page_reads_the_accounts_newest_offers_from_one_index(owner):
    from datetime import timedelta

    from django.utils import timezone

    from offers.models import Offer
    from offers.selectors import offers_dashboard

    now = timezone.now()
    offers = Offer.objects.bulk_create(
        Offer(account=owner.account, offer_type="saas", offer_id=f"o-{n}", alias=f"O {n}") for n in range(5000)
    )
    for n, offer in enumerate(offers):
        offer.updated_at = now - timedelta(minutes=n)
    Offer.objects.bulk_update(offers, ["updated_at"], batch_size=2000)
    sql, params = offers_dashboard(owner)[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE offers_offer")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # The page comes in order from an index (offer_account_newest, or an equivalent the planner prefers), never from
    # sorting every offer of the account.
    # (An Incremental Sort only orders rows that come already ordered by updated_at; a plain Sort would read them all.)
    top = plan.split("SubPlan")[0]
    assert not re.search(r"(^|->)\s*Sort\s+\(cost", top, re.MULTILINE)
    assert "Index Scan" in top
