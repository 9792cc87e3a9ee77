"""Status flags and groups of offers, plans and pages, and the guard that keeps status values out of templates."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django_fsm import TransitionNotAllowed

from offers.models import Offer, Plan
from offers.pages import OfferState, PageStatus
from tests.offers.factories import OfferFactory, OfferPageFactory, PlanFactory

OFFER_FLAGS = {
    "is_draft": Offer.Status.DRAFT,
    "is_attention_needed": Offer.Status.ATTENTION_NEEDED,
    "is_preview": Offer.Status.PREVIEW,
    "is_live": Offer.Status.LIVE,
    "is_pending_stop_sell": Offer.Status.PENDING_STOP_SELL,
    "is_not_available": Offer.Status.NOT_AVAILABLE,
}


@pytest.mark.parametrize(("flag", "status"), OFFER_FLAGS.items())
def test_an_offer_status_flag_is_true_in_its_status(flag, status):
    assert getattr(OfferFactory.build(status=status), flag) is True


@pytest.mark.parametrize(("flag", "status"), OFFER_FLAGS.items())
def test_an_offer_status_flag_is_false_in_every_other_status(flag, status):
    others = [s for s in Offer.Status if s != status]
    assert not any(getattr(OfferFactory.build(status=other), flag) for other in others)


def test_a_plan_is_draft_only_while_its_status_is_draft():
    flags = {status: PlanFactory.build(status=status).is_draft for status in Plan.Status}
    assert flags == {status: status == Plan.Status.DRAFT for status in Plan.Status}


def test_every_plan_status_is_either_purchasable_or_inactive():
    assert sorted([*Plan.PURCHASABLE, *Plan.INACTIVE]) == sorted(Plan.Status)


def test_plans_that_stopped_selling_are_inactive():
    assert set(Plan.INACTIVE) == {"stop_sell_pending", "stopped"}


def test_draft_and_live_plans_are_purchasable():
    assert set(Plan.PURCHASABLE) == {"draft", "live"}


@pytest.mark.parametrize("status", Plan.PURCHASABLE)
def test_a_purchasable_plan_can_go_live(status):
    plan = PlanFactory.build(status=status)
    plan.go_live()
    assert plan.status == Plan.Status.LIVE


@pytest.mark.parametrize("status", Plan.INACTIVE)
def test_a_plan_that_stopped_selling_cannot_go_live(status):
    with pytest.raises(TransitionNotAllowed):
        PlanFactory.build(status=status).go_live()


def test_a_stopped_plan_sold_again_becomes_a_draft_for_the_next_publish():
    plan = PlanFactory.build(status=Plan.Status.STOPPED)
    plan.sell_again()
    assert plan.is_draft


@pytest.mark.parametrize("status", [s for s in Plan.Status if s != Plan.Status.STOPPED])
def test_a_plan_that_is_not_stopped_cannot_be_sold_again(status):
    with pytest.raises(TransitionNotAllowed):
        PlanFactory.build(status=status).sell_again()


@pytest.mark.parametrize(("flag", "status"), [("is_stopping", "stop_sell_pending"), ("is_stopped", "stopped")])
def test_a_plan_stopping_or_stopped_says_so_in_its_status_only(flag, status):
    flags = {each: getattr(PlanFactory.build(status=each), flag) for each in Plan.Status}
    assert flags == {each: each == status for each in Plan.Status}


def test_a_plan_being_stopped_stays_in_the_live_listing_until_removed():
    assert set(Plan.LISTED) == {"live", "stop_sell_pending"}


@pytest.mark.django_db
def test_a_page_without_saved_values_is_not_started():
    state = OfferState(OfferFactory())
    page = state.page_state(state.spec.page("offer_setup"))
    assert page.is_not_started


@pytest.mark.django_db
def test_a_page_with_saved_values_is_started_even_when_incomplete():
    offer = OfferPageFactory(key="offer_setup", data={}).offer
    state = OfferState(offer)
    page = state.page_state(state.spec.page("offer_setup"))
    assert (page.status, page.is_not_started) == (PageStatus.INCOMPLETE, False)


# -- templates name no status value: they read flags such as offer.is_live, or a class the model or view picks.

_OPERATOR = r"(?:==|!=|\bnot\s+in\b|\bin\b)"
_STATUS = r"\b(?:status|state|source)\b"
STATUS_COMPARISON = re.compile(rf"""{_STATUS}\s*{_OPERATOR}\s*["']|["']\s*{_OPERATOR}\s*[\w.]*{_STATUS}""")
TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.parametrize(
    "line",
    [
        '{% if offer.status == "live" %}',
        "{% elif step.state != 'failed' %}",
        '{% if f.source in "system automated" %}',
        '{% if "draft" == row.plan.status %}',
        '{% if status not in "draft live" %}',
    ],
)
def test_the_template_guard_finds_a_status_compared_with_a_value(line):
    assert STATUS_COMPARISON.search(line)


@pytest.mark.parametrize(
    "line",
    [
        '<li data-step="{{ step.key }}" data-state="{{ step.state }}">',
        "{% if filters.status == value %}btn-{{ colour }}{% endif %}",
        "{% if offer.is_live %}",
        '<span class="badge text-bg-{{ offer.status_colour }}">',
    ],
)
def test_the_template_guard_lets_flags_and_attributes_through(line):
    assert not STATUS_COMPARISON.search(line)


def test_no_template_outside_admin_compares_a_status_with_a_value():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file() and path.suffix in {".html", ".txt"} and path.relative_to(TEMPLATES).parts[0] != "admin"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        for match in STATUS_COMPARISON.finditer(line)
    ]
    assert found == []


# -- the labels the dashboard shows on every row: Django's own, read without rebuilding the list of choices


@pytest.mark.parametrize("status", Offer.Status.values)
def test_an_offers_status_label_is_its_choice_label(status):
    assert OfferFactory.build(status=status).get_status_display() == str(Offer.Status(status).label)


@pytest.mark.parametrize("offer_type", ["saas", "azure_application", "azure_vm", "consulting"])
def test_an_offers_type_label_is_its_choice_label(offer_type):
    labels = dict(Offer._meta.get_field("offer_type").choices)
    assert OfferFactory.build(offer_type=offer_type).get_offer_type_display() == str(labels[offer_type])


def test_an_unknown_status_or_type_shows_its_value_as_django_does():
    offer = OfferFactory.build(offer_type="retired_type")
    offer.__dict__["status"] = "retired_status"  # no transition leads there; a row written by an older version

    assert (offer.get_status_display(), offer.get_offer_type_display()) == ("retired_status", "retired_type")
