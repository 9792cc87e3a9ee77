"""The consulting service's Pricing and availability page, and reading duration and type from its name."""

import pytest
from django.urls import reverse

from offers.forms.consulting import ConsultingNameParts, consulting_name_parts
from offers.pages import OfferState, PageStatus
from offers.samples.misc import page_data
from offers.services import page_save
from tests.offers.factories import OfferFactory, OfferPageFactory, page_form

KEY = "pricing_availability"
LISTING_NAME = "Data Migration: 3-Wk Proof of Concept"


def consulting_offer(listing_name=LISTING_NAME, **fields):
    offer = OfferFactory(offer_type="consulting", **fields)
    if listing_name is not None:
        OfferPageFactory(offer=offer, key="offer_listing", data={"name": listing_name})
    return offer


def completed(*, drop=(), offer=None, **changes):
    data, _files = page_data("consulting", KEY)
    data.update(changes)
    for name in drop:
        data.pop(name, None)
    return page_form(offer or consulting_offer(), KEY, data, complete=True)


def errors_of(form, field):
    form.is_valid()
    return form.errors.get(field, [])


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        (LISTING_NAME, ConsultingNameParts(3, "weeks", "proof_of_concept")),
        ("Teams Rollout: 2-Days Workshop", ConsultingNameParts(2, "days", "workshop")),
        ("Security Review: 4-hr briefing", ConsultingNameParts(4, "hours", "briefing")),
        ("Data Migration", None),
        ("Data Migration: three weeks Proof of Concept", None),
    ],
)
def test_the_listing_name_states_a_duration_and_a_service_type(name, parts):
    assert consulting_name_parts(name) == parts


@pytest.mark.django_db
def test_the_sample_makes_the_page_complete():
    form = completed()
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_the_saved_sample_is_still_complete_when_bound_back():
    offer = consulting_offer()
    data, files = page_data("consulting", KEY)
    form = page_form(offer, KEY, data, files=files, complete=False)
    assert form.is_valid(), form.errors
    page_save(offer=offer, key=KEY, form=form, by=None)
    state = OfferState(offer)
    assert state.page_state(offer.type_spec.page(KEY)).status == PageStatus.COMPLETE


@pytest.mark.django_db
def test_a_draft_without_required_values_is_saved_but_incomplete():
    offer = consulting_offer()
    assert page_form(offer, KEY, {}, complete=False).is_valid()
    form = page_form(offer, KEY, {}, complete=True)
    assert not form.is_valid()
    assert set(form.errors) == {"markets", "price_kind", "duration", "duration_unit", "hide_key"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("markets", ["US"], True),
        ("markets", ["US", "XX"], False),
        ("markets", [], False),
        ("price", "0.01", True),
        ("price", "0", False),
        ("price", "-100", False),
        ("price", "12.345", False),
        ("duration_unit", "fortnights", False),
        ("duration", "0", False),
        ("hide_key", "ContosoPreview2024", True),
        ("hide_key", "K" * 50, True),
        ("hide_key", "K" * 51, False),
        ("hide_key", "contoso preview", False),
        ("hide_key", "contoso-preview", False),
        ("hide_key", "", False),
    ],
)
def test_markets_price_duration_and_hide_key_are_checked(field, value, accepted):
    assert (errors_of(completed(**{field: value}), field) == []) is accepted


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("price_kind", "price", "accepted"),
    [
        ("free", "", True),
        ("fixed", "15000", True),
        ("fixed", "", False),
        ("estimated", "9500.50", True),
        ("estimated", "", False),
    ],
)
def test_fixed_and_estimated_prices_need_a_price_in_dollars(price_kind, price, accepted):
    assert (errors_of(completed(price_kind=price_kind, price=price), "price") == []) is accepted


@pytest.mark.django_db
def test_a_fixed_price_may_be_left_out_of_a_draft():
    assert page_form(consulting_offer(), KEY, {"price_kind": "fixed"}, complete=False).is_valid()


@pytest.mark.django_db
def test_a_free_service_with_a_price_is_refused_in_a_draft_too():
    form = page_form(consulting_offer(), KEY, {"price_kind": "free", "price": "100"}, complete=False)
    assert errors_of(form, "price")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("duration", "unit", "accepted"),
    [("3", "weeks", True), ("3", "days", False), ("2", "weeks", False)],
)
def test_the_duration_agrees_with_the_listing_name(duration, unit, accepted):
    form = completed(duration=duration, duration_unit=unit)
    assert (errors_of(form, "duration") == []) is accepted


@pytest.mark.django_db
@pytest.mark.parametrize("listing_name", [None, "Data Migration"])
def test_any_duration_is_accepted_while_the_listing_name_does_not_state_one(listing_name):
    form = completed(offer=consulting_offer(listing_name), duration="10", duration_unit="hours")
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_the_samples_agree_with_the_sample_listing_name():
    from offers.samples import listing

    offer = consulting_offer(listing.page_data("consulting", "offer_listing")[0]["name"])
    for key in ("properties", KEY):
        data, files = page_data("consulting", key)
        form = page_form(offer, key, data, files=files, complete=True)
        assert form.is_valid(), (key, form.errors)


def _pricing_page(client, owner, **changes):
    offer = consulting_offer(account=owner.account)
    data, _files = page_data("consulting", KEY)
    OfferPageFactory(offer=offer, key=KEY, data={**data, **changes})
    return client.get(reverse("offers:page", args=[offer.pk, KEY]))


def test_a_duration_the_offer_name_contradicts_is_marked_on_the_duration_field(owner_client, owner):
    response = _pricing_page(owner_client, owner, duration=2, duration_unit="weeks")
    assert response.context["form"]["duration"].errors == [
        "The offer listing name “Data Migration: 3-Wk Proof of Concept” says 3 weeks; "
        "enter the same duration or rename the offer."
    ]
    assert 'id="error_1_id_duration"' in response.content.decode()


def test_a_value_still_missing_is_listed_above_the_form_but_not_marked_on_its_field(owner_client, owner):
    response = _pricing_page(owner_client, owner, hide_key="")
    assert "Hide key" in response.context["page"].errors
    assert response.context["form"]["hide_key"].errors == []
