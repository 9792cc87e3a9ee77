"""The Properties page: categories, industries, app version, legal terms and the consulting service's properties."""

import pytest

from offers.pages import OfferState, PageStatus
from offers.samples.misc import page_data
from offers.services import page_save
from tests.offers.factories import OfferFactory, OfferPageFactory, page_form

pytestmark = pytest.mark.django_db

KEY = "properties"
APP_TYPES = ["saas", "azure_application", "azure_vm"]
ALL_TYPES = [*APP_TYPES, "consulting"]


def completed(offer_type="saas", *, drop=(), offer=None, **changes):
    """Bind the sample page for completeness, with some values dropped or changed."""
    data, _files = page_data(offer_type, KEY)
    data.update(changes)
    for name in drop:
        data.pop(name, None)
    return page_form(offer or OfferFactory(offer_type=offer_type), KEY, data, complete=True)


def drafted(offer_type="saas", **data):
    return page_form(OfferFactory(offer_type=offer_type), KEY, data, complete=False)


def errors_of(form, field):
    form.is_valid()
    return form.errors.get(field, [])


def consulting_offer(listing_name="Data Migration: 3-Wk Proof of Concept"):
    offer = OfferFactory(offer_type="consulting")
    OfferPageFactory(offer=offer, key="offer_listing", data={"name": listing_name})
    return offer


@pytest.mark.parametrize("offer_type", ALL_TYPES)
def test_the_sample_makes_the_page_complete(offer_type):
    form = completed(offer_type)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("offer_type", ALL_TYPES)
def test_the_saved_sample_is_still_complete_when_bound_back(offer_type):
    offer = OfferFactory(offer_type=offer_type)
    data, files = page_data(offer_type, KEY)
    form = page_form(offer, KEY, data, files=files, complete=False)
    assert form.is_valid(), form.errors
    page_save(offer=offer, key=KEY, form=form, by=None)
    state = OfferState(offer)
    assert state.page_state(offer.type_spec.page(KEY)).status == PageStatus.COMPLETE


def test_a_draft_without_required_values_is_saved_but_incomplete():
    assert drafted("saas").is_valid()
    form = page_form(OfferFactory(), KEY, {}, complete=True)
    assert not form.is_valid()
    assert set(form.errors) == {"primary_category", "use_standard_contract"}


def test_a_consulting_draft_without_required_values_is_saved_but_incomplete():
    assert drafted("consulting").is_valid()
    form = page_form(OfferFactory(offer_type="consulting"), KEY, {}, complete=True)
    assert not form.is_valid()
    assert set(form.errors) == {"primary_product", "service_type"}


def test_the_saved_values_list_the_categories_in_order_for_the_storefronts():
    form = completed(
        "saas",
        primary_category="Productivity",
        primary_subcategories=[],
        secondary_category="Security",
        secondary_subcategories=[],
    )
    assert form.is_valid(), form.errors
    values = form.page_values()
    assert values["categories"] == ["Productivity", "Security"]
    assert OfferFactory().type_spec.storefronts({KEY: values}) == ("azure_marketplace", "appsource")


@pytest.mark.parametrize(
    ("changes", "field", "accepted"),
    [
        ({"primary_category": "Analytics", "primary_subcategories": ["Big Data"]}, "primary_subcategories", True),
        ({"primary_category": "Analytics", "primary_subcategories": ["Firewalls"]}, "primary_subcategories", False),
        ({"primary_subcategories": ["Big Data", "Business Intelligence"]}, "primary_subcategories", True),
        (
            {"primary_subcategories": ["Big Data", "Business Intelligence", "Data Governance"]},
            "primary_subcategories",
            False,
        ),
        ({"primary_category": "Not a category"}, "primary_category", False),
        (
            {"secondary_category": "Security", "secondary_subcategories": ["Threat Protection"]},
            "secondary_subcategories",
            True,
        ),
        (
            {"secondary_category": "", "secondary_subcategories": ["Document Management"]},
            "secondary_subcategories",
            False,
        ),
        (
            {"secondary_category": "Productivity", "secondary_subcategories": ["Big Data"]},
            "secondary_subcategories",
            False,
        ),
        ({"secondary_category": "Analytics", "secondary_subcategories": []}, "secondary_category", False),
        ({"secondary_category": "", "secondary_subcategories": []}, "secondary_category", True),
    ],
)
def test_categories_hold_at_most_two_of_their_own_subcategories(changes, field, accepted):
    form = completed("saas", **changes)
    assert (errors_of(form, field) == []) is accepted, form.errors


@pytest.mark.parametrize(
    ("changes", "field", "accepted"),
    [
        (
            {"industry_1": "Healthcare", "industry_1_subindustries": ["Health Provider"]},
            "industry_1_subindustries",
            True,
        ),
        ({"industry_1": "Healthcare", "industry_1_subindustries": ["Insurance"]}, "industry_1_subindustries", False),
        (
            {
                "industry_1": "Healthcare",
                "industry_1_subindustries": ["Health Payor", "Health Provider", "Pharmaceuticals"],
            },
            "industry_1_subindustries",
            False,
        ),
        ({"industry_2": "", "industry_2_subindustries": ["Retailers"]}, "industry_2_subindustries", False),
        ({"industry_2": "Financial Services", "industry_2_subindustries": ["Insurance"]}, "industry_2", False),
        (
            {"industry_1": "", "industry_1_subindustries": [], "industry_2": "", "industry_2_subindustries": []},
            "industry_1",
            True,
        ),
    ],
)
def test_industries_are_two_at_most_each_with_its_own_sub_industries(changes, field, accepted):
    form = completed("saas", **changes)
    assert (errors_of(form, field) == []) is accepted, form.errors


def test_a_sub_industry_of_another_industry_is_refused_in_a_draft_too():
    form = drafted("azure_vm", industry_1="Education", industry_1_subindustries=["Automotive"])
    assert "Automotive" in errors_of(form, "industry_1_subindustries")[0]


def test_an_industry_without_sub_industries_is_a_draft_but_not_complete():
    assert drafted("saas", industry_1="Government").is_valid()
    form = completed("saas", industry_2="Government", industry_2_subindustries=[])
    assert "Government" in errors_of(form, "industry_2_subindustries")[0]


@pytest.mark.parametrize(
    ("version", "accepted"),
    [("", True), ("2024 R1", True), ("V" * 64, True), ("V" * 65, False), ("2.4\n2.5", False)],
)
def test_the_app_version_is_optional_single_line_text_of_up_to_64_characters(version, accepted):
    assert (errors_of(completed("azure_application", app_version=version), "app_version") == []) is accepted


@pytest.mark.parametrize(
    ("changes", "field", "accepted"),
    [
        ({"use_standard_contract": "True", "terms_url": ""}, "terms_text", True),
        ({"use_standard_contract": "False", "terms_url": "", "terms_text": "Our terms."}, "terms_text", True),
        ({"use_standard_contract": "False", "terms_url": "https://contoso.example/terms"}, "terms_url", True),
        ({"use_standard_contract": "False", "terms_url": "", "terms_text": ""}, "terms_text", False),
        ({"use_standard_contract": "False", "terms_text": "Our terms."}, "terms_url", False),
        ({"use_standard_contract": "False", "terms_url": "http://contoso.example/terms"}, "terms_url", False),
        ({"use_standard_contract": "False", "terms_url": "", "terms_text": "T" * 10_000}, "terms_text", True),
        ({"use_standard_contract": "False", "terms_url": "", "terms_text": "T" * 10_001}, "terms_text", False),
    ],
)
def test_own_terms_are_either_text_of_up_to_10000_characters_or_an_https_link(changes, field, accepted):
    form = completed("saas", **changes)
    assert (errors_of(form, field) == []) is accepted, form.errors


def test_own_terms_may_be_left_out_of_a_draft():
    assert drafted("saas", use_standard_contract="False").is_valid()


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("primary_product", "dynamics_365", True),
        ("primary_product", "windows_phone", False),
        ("service_type", "workshop", True),
        ("service_type", "hackathon", False),
        ("competencies", ["Security", "DevOps", "Data Platform"], True),
        ("competencies", ["Security", "DevOps", "Data Platform", "Messaging"], False),
        ("competencies", ["Underwater Basket Weaving"], False),
    ],
)
def test_a_consulting_service_has_a_product_a_service_type_and_up_to_three_competencies(field, value, accepted):
    form = completed("consulting", offer=OfferFactory(offer_type="consulting"), **{field: value})
    assert (errors_of(form, field) == []) is accepted, form.errors


def test_a_consulting_service_has_the_same_industry_rules():
    form = completed("consulting", industry_1="Healthcare", industry_1_subindustries=["Retailers"])
    assert errors_of(form, "industry_1_subindustries")


@pytest.mark.parametrize(("service_type", "accepted"), [("proof_of_concept", True), ("workshop", False)])
def test_the_service_type_agrees_with_the_type_in_the_listing_name(service_type, accepted):
    form = completed("consulting", offer=consulting_offer(), service_type=service_type)
    assert (errors_of(form, "service_type") == []) is accepted, form.errors


def test_any_service_type_is_accepted_while_the_listing_name_does_not_state_one():
    form = completed("consulting", offer=consulting_offer("Data Migration"), service_type="briefing")
    assert form.is_valid(), form.errors
