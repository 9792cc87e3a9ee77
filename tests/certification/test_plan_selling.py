"""Stopping one plan and selling it again: Stopping… until the removal completes, Sell again from the next publish."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from certification.services import (
    PublishRefused,
    offer_stop_selling,
    plan_sell_again,
    plan_stop_selling,
    stop_sell_complete_due,
    submission_start,
)
from offers.demo import offer_fill_plan
from offers.models import Offer, Plan
from offers.services import plan_delete
from storefront.selectors import plan_statuses
from tests.certification.support import complete_offer, publish_to_live
from tests.storefront.factories import live_offer, saas_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policies")]


@pytest.fixture
def two_plans(owner):
    """A live offer with two live plans, Basic and Pro."""
    return live_offer(owner.account, plans=[saas_plan("basic", name="Basic"), saas_plan("pro", name="Pro")])


def plan_row(client, offer, plan_id: str) -> str:
    content = client.get(reverse("certification:overview", args=[offer.pk])).content.decode()
    start = content.index(f'data-plan="{plan_id}"')
    return content[start : content.index("</li>", start)]


def test_a_plan_being_stopped_reads_stopping_on_the_overview_until_the_removal_completes(
    owner_client, owner, two_plans
):
    basic = two_plans.plans.get(plan_id="basic")
    plan_stop_selling(plan_id=basic.pk, by=owner.user)
    assert 'data-testid="plan-state">Stopping…<' in plan_row(owner_client, two_plans, "basic")

    stop_sell_complete_due()
    row = plan_row(owner_client, two_plans, "basic")
    assert 'data-testid="plan-state">Stopped<' in row
    assert reverse("certification:plan-sell-again", args=[two_plans.pk, basic.pk]) in row


def test_only_a_plan_that_stopped_selling_can_be_sold_again(owner, two_plans):
    basic = two_plans.plans.get(plan_id="basic")
    with pytest.raises(PublishRefused):
        plan_sell_again(plan_id=basic.pk, by=owner.user)
    plan_stop_selling(plan_id=basic.pk, by=owner.user)
    with pytest.raises(PublishRefused):  # still being removed
        plan_sell_again(plan_id=basic.pk, by=owner.user)
    assert Plan.objects.get(pk=basic.pk).status == Plan.Status.STOP_SELL_PENDING


def test_a_developer_cannot_sell_a_plan_again(owner, developer, two_plans):
    basic = two_plans.plans.get(plan_id="basic")
    plan_stop_selling(plan_id=basic.pk, by=owner.user)
    stop_sell_complete_due()
    with pytest.raises(PermissionDenied):
        plan_sell_again(plan_id=basic.pk, by=developer.user)
    assert Plan.objects.get(pk=basic.pk).status == Plan.Status.STOPPED


def test_a_plan_sold_again_was_live_and_cannot_be_deleted(owner, two_plans):
    basic = two_plans.plans.get(plan_id="basic")
    plan_stop_selling(plan_id=basic.pk, by=owner.user)
    stop_sell_complete_due()
    plan = plan_sell_again(plan_id=basic.pk, by=owner.user)
    assert plan.status == Plan.Status.DRAFT
    with pytest.raises(PermissionDenied):
        plan_delete(plan=Plan.objects.get(pk=basic.pk), by=owner.user)
    assert Plan.objects.filter(pk=basic.pk).exists()


@pytest.fixture
def vm_offer(owner, https_endpoint, reviewer):
    """A live Azure VM offer with two plans, the first of them stopped."""
    offer = complete_offer(owner, "azure_vm", https_endpoint)
    offer_fill_plan(offer, owner.user, n=2)
    publish_to_live(offer, owner, reviewer)
    first = Plan.objects.filter(offer=offer).order_by("pk").first()
    plan_stop_selling(plan_id=first.pk, by=owner.user)
    stop_sell_complete_due()
    return offer


def test_after_the_offer_is_republished_a_stopped_plan_sold_again_is_live(owner, vm_offer, reviewer):
    offer_stop_selling(offer_id=vm_offer.pk, by=owner.user)
    stop_sell_complete_due()
    first = Plan.objects.filter(offer=vm_offer).order_by("pk").first()

    plan_sell_again(plan_id=first.pk, by=owner.user)
    publish_to_live(vm_offer, owner, reviewer)
    assert Offer.objects.get(pk=vm_offer.pk).is_live
    assert set(plan_statuses(vm_offer).values()) == {Plan.Status.LIVE}


def test_a_plan_cannot_be_sold_again_while_a_publish_that_leaves_it_out_is_under_way(owner, vm_offer):
    submission_start(offer_id=vm_offer.pk, by=owner.user)
    first = Plan.objects.filter(offer=vm_offer).order_by("pk").first()
    with pytest.raises(PublishRefused):
        plan_sell_again(plan_id=first.pk, by=owner.user)
    assert Plan.objects.get(pk=first.pk).status == Plan.Status.STOPPED


def _overview_queries(client, offer) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("certification:overview", args=[offer.pk]))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_overview_of_a_live_offer_runs_the_same_number_of_queries_for_2_and_6_plans(owner_client, owner):
    plan_ids = ["basic", "pro", "team", "plus", "max", "edu"]
    small = live_offer(owner.account, plans=[saas_plan(plan_id) for plan_id in plan_ids[:2]])
    large = live_offer(owner.account, plans=[saas_plan(plan_id) for plan_id in plan_ids])
    owner_client.get(reverse("certification:overview", args=[small.pk]))  # the session's first request records it

    assert _overview_queries(owner_client, small) == _overview_queries(owner_client, large)


def test_the_overview_reads_the_offers_plans_once(owner_client, owner, two_plans):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        content = owner_client.get(reverse("certification:overview", args=[two_plans.pk])).content.decode()

    assert len([q for q in captured.captured_queries if 'FROM "offers_plan"' in q["sql"]]) == 1
    assert 'data-plan="basic"' in content
    assert 'data-plan="pro"' in content
