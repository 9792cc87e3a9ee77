"""Go live, Cancel publish and Stop selling (offer and plan) act only once the publisher has answered their question."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertTemplateUsed

from certification.services import submission_start
from certification.templatetags.confirmations import confirm
from offers.models import Offer, Plan
from tests.certification.support import complete_offer, drive, publish_to_preview
from tests.factories import UserFactory
from tests.storefront.factories import live_offer, saas_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policies")]


def _preview(owner, endpoint):
    offer = complete_offer(owner, "consulting", endpoint)
    publish_to_preview(offer, owner, UserFactory(is_staff=True))
    return offer, reverse("certification:go-live", args=[offer.pk])


def _publishing(owner, endpoint):
    offer = complete_offer(owner, "consulting", endpoint)
    drive(submission_start(offer_id=offer.pk, by=owner.user).pk)
    return offer, reverse("certification:cancel", args=[offer.pk])


def _live(owner, endpoint):
    offer = live_offer(owner.account)
    return offer, reverse("certification:stop-selling", args=[offer.pk])


def _live_with_two_plans(owner, endpoint):
    offer = live_offer(owner.account, plans=[saas_plan("standard"), saas_plan("premium", name="Premium")])
    plan = offer.plans.get(plan_id="premium")
    return offer, reverse("certification:plan-stop-selling", args=[offer.pk, plan.pk])


def _offer_and_plans(offer):
    offer = Offer.objects.get(pk=offer.pk)
    return offer.status, sorted(offer.plans.values_list("plan_id", "status"))


ACTIONS = {
    "go live": (_preview, "Go live?", "Not yet"),
    "cancel publish": (_publishing, "Cancel publishing?", "Keep publishing"),
    "stop selling": (_live, "Stop selling this offer?", "Keep selling"),
    "stop selling a plan": (_live_with_two_plans, "Stop selling the plan Premium?", "Keep selling"),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_an_action_posted_without_an_answer_asks_its_question_on_a_page_and_changes_nothing(
    owner_client, owner, https_endpoint, action
):
    ready, title, back = ACTIONS[action]
    offer, url = ready(owner, https_endpoint)
    before = _offer_and_plans(offer)

    response = owner_client.post(url)

    assert response.status_code == 200
    assertTemplateUsed(response, "certification/confirm.html")
    html = response.content.decode()
    assert title in html
    assert f'action="{url}"' in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert f'href="{reverse("certification:overview", args=[offer.pk])}">{back}</a>' in html
    assert _offer_and_plans(offer) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_an_action_posted_with_its_answer_acts(owner_client, owner, https_endpoint, action):
    ready, _title, _back = ACTIONS[action]
    offer, url = ready(owner, https_endpoint)
    before = _offer_and_plans(offer)

    response = owner_client.post(url, {"confirmed": "yes"})

    assert response.status_code == 302
    assert response.url == reverse("certification:overview", args=[offer.pk])
    assert _offer_and_plans(offer) != before


@pytest.mark.parametrize(
    ("status_of", "testid", "title"),
    [
        (_preview, "go-live", "Go live?"),
        (_publishing, "cancel-publish", "Cancel publishing?"),
        (_live, "stop-selling", "Stop selling this offer?"),
    ],
)
def test_the_overview_buttons_carry_their_question_for_the_modal(
    owner_client, owner, https_endpoint, status_of, testid, title
):
    offer, _url = status_of(owner, https_endpoint)
    html = owner_client.get(reverse("certification:overview", args=[offer.pk])).content.decode()
    assert f'data-testid="{testid}" data-confirm="{title}"' in html


def test_the_plan_stop_button_names_the_plan_in_its_question(owner_client, owner, https_endpoint):
    offer, _url = _live_with_two_plans(owner, https_endpoint)
    html = owner_client.get(reverse("certification:overview", args=[offer.pk])).content.decode()
    assert 'data-confirm="Stop selling the plan Premium?"' in html
    assert 'data-confirm="Stop selling the plan Standard?"' in html
    assert Plan.objects.filter(offer=offer, status=Plan.Status.LIVE).count() == 2


def test_a_plan_name_in_the_question_is_escaped_in_the_button_attributes():
    attributes = confirm("stop_selling_plan", plan='Pro "Plus" <b>')
    assert 'data-confirm="Stop selling the plan Pro &quot;Plus&quot; &lt;b&gt;?"' in attributes
    assert "<b>" not in attributes
