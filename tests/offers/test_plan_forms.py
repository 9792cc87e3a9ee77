"""Plans of SaaS, Azure Application and Azure virtual machine offers: every rule, the plan ID and the plans page."""

import pytest
from django.core.exceptions import ValidationError

from offers.forms.plans import SaasPlanForm
from offers.models import Plan
from offers.pages import OfferState, PageStatus
from offers.samples import pdf_upload
from offers.samples.plans import azure_app_package, plan_data
from offers.services import plan_create
from tests.offers.factories import OfferFactory, PlanFactory

pytestmark = pytest.mark.django_db

PLAN_TYPES = ["saas", "azure_application", "azure_vm"]
GUID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
SAS = "https://images.contoso.example/vhds/os.vhd?sv=2022-11-02&sp=r&se=2030-01-01T00:00:00Z&sig=abc"


def bind(offer, data=None, files=None, *, complete=True, plan=None):
    """Bind the offer's plan form as creating, saving and judging a plan do."""
    return OfferState(offer).plan_form(plan, data=data, files=files, complete=complete)


def sample(offer_type, *, offer=None, complete=True, drop=(), **changes):
    """Bind a new sample plan with some values dropped or changed."""
    data, files = plan_data(offer_type)
    data.update(changes)
    for name in drop:
        data.pop(name, None)
        files.pop(name, None)
    return bind(offer or OfferFactory(offer_type=offer_type), data, files, complete=complete)


def create(offer, n=1, **changes):
    data, files = plan_data(offer.offer_type, n)
    data.update(changes)
    form = bind(offer, data, files, complete=False)
    assert form.is_valid(), form.errors
    return plan_create(offer=offer, form=form, by=None)


def plans_page(offer):
    state = OfferState(offer)
    return state.page_state(offer.type_spec.page("plans"))


def assert_rule(form, field, accepted):
    form.is_valid()
    if accepted:
        assert field not in form.errors, form.errors
        assert form.is_valid(), form.errors
    else:
        assert form.errors.get(field), form.errors


@pytest.mark.parametrize("offer_type", PLAN_TYPES)
def test_the_sample_plan_is_complete_for_every_offer_type(offer_type):
    form = sample(offer_type)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("offer_type", PLAN_TYPES)
def test_a_created_sample_plan_is_still_complete_when_its_stored_values_are_bound_again(offer_type):
    offer = OfferFactory(offer_type=offer_type)
    plan = create(offer)
    assert "plan_id" not in plan.data
    assert bind(offer, plan.data, plan=plan).is_valid()
    assert plans_page(offer).status == PageStatus.COMPLETE


def test_the_package_of_an_azure_application_plan_is_stored_and_kept_by_its_id():
    offer = OfferFactory(offer_type="azure_application")
    plan = create(offer)
    stored = offer.files.get(pk=plan.data["package"])
    assert stored.content_type == "application/zip"
    form = bind(offer, plan.data, plan=plan)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["package"] == stored.pk


@pytest.mark.parametrize("offer_type", PLAN_TYPES)
def test_a_plan_draft_with_missing_values_is_saved_but_the_plan_is_incomplete(offer_type):
    offer = OfferFactory(offer_type=offer_type)
    form = bind(offer, {"plan_id": "starter", "name": "Starter"}, complete=False)
    assert form.is_valid(), form.errors
    plan = plan_create(offer=offer, form=form, by=None)
    completeness = bind(offer, plan.data, plan=plan)
    assert not completeness.is_valid()
    assert "markets" in completeness.errors
    assert plans_page(offer).status == PageStatus.INCOMPLETE


def test_a_plan_draft_with_a_value_beyond_its_limit_is_refused_on_its_field():
    form = bind(OfferFactory(), {"plan_id": "starter", "name": "N" * 201}, complete=False)
    assert not form.is_valid()
    assert list(form.errors) == ["name"]


def test_an_offer_without_plans_has_its_plans_page_not_started():
    assert plans_page(OfferFactory()).status == PageStatus.NOT_STARTED


# -- Plan ID ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("plan_id", "accepted"), [("gold_plan-2", True), ("Gold Plan", False), ("p" * 51, False)])
def test_a_plan_id_is_lower_case_letters_digits_hyphens_and_underscores(plan_id, accepted):
    assert_rule(sample("saas", plan_id=plan_id), "plan_id", accepted)


def test_a_plan_id_is_required_even_for_a_draft():
    form = bind(OfferFactory(), {"name": "Starter"}, complete=False)
    assert form.errors["plan_id"]


def test_a_duplicate_plan_id_is_refused_on_the_plan_id_field():
    offer = OfferFactory()
    create(offer, 1)
    form = sample("saas", offer=offer, plan_id="plan-1")
    assert not form.is_valid()
    assert "already has a plan" in form.errors["plan_id"][0]


def test_a_plan_id_cannot_be_changed_once_the_plan_is_saved():
    plan = Plan.objects.get(pk=PlanFactory(plan_id="gold").pk)
    plan.plan_id = "platinum"
    with pytest.raises(ValidationError):
        plan.save()
    assert Plan.objects.get(pk=plan.pk).plan_id == "gold"


def test_a_saved_plan_form_does_not_ask_for_the_plan_id_again():
    offer = OfferFactory()
    plan = create(offer)
    assert "plan_id" not in bind(offer, plan.data, plan=plan).fields


# -- What every plan has -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offer_type", "changes", "field", "accepted"),
    [
        ("saas", {"name": "N" * 200}, "name", True),
        ("saas", {"name": "N" * 201}, "name", False),
        ("azure_vm", {"name": "N" * 200}, "name", True),
        ("azure_application", {"name": "N" * 50}, "name", True),
        ("azure_application", {"name": "N" * 51}, "name", False),
        ("saas", {"name": "Gold 🚀"}, "name", False),
        ("saas", {"name": "Gold\nPlan"}, "name", False),
        ("saas", {"name": ""}, "name", False),
        ("saas", {"description": "D" * 3000}, "description", True),
        ("azure_vm", {"description": "D" * 3001}, "description", False),
        ("azure_application", {"description": "With <b>bold</b> text"}, "description", False),
        ("saas", {"description": ""}, "description", False),
        ("saas", {"markets": ["US"]}, "markets", True),
        ("azure_application", {"markets": ["XX"]}, "markets", False),
        ("azure_vm", {"markets": []}, "markets", False),
        ("saas", {"visibility": "private"}, "visibility", True),
        ("saas", {"visibility": "secret"}, "visibility", False),
        ("saas", {"visibility": ""}, "visibility", False),
        (
            "saas",
            {"visibility": "private", "restricted_audience": f"{GUID}\n{GUID.upper()}"},
            "restricted_audience",
            True,
        ),
        ("azure_application", {"visibility": "private", "restricted_audience": [GUID]}, "restricted_audience", True),
        ("azure_vm", {"visibility": "private", "restricted_audience": "not-a-guid"}, "restricted_audience", False),
        (
            "saas",
            {
                "visibility": "private",
                "restricted_audience": "\n".join(f"{n:08x}-0000-0000-0000-000000000000" for n in range(11)),
            },
            "restricted_audience",
            False,
        ),
        ("saas", {"visibility": "public", "restricted_audience": GUID}, "restricted_audience", False),
    ],
)
def test_every_plan_has_a_name_description_markets_and_visibility(offer_type, changes, field, accepted):
    assert_rule(sample(offer_type, **changes), field, accepted)


def test_a_restricted_audience_is_cleaned_to_a_list_of_distinct_lower_case_ids():
    form = sample("saas", visibility="private", restricted_audience=f"{GUID.upper()}, {GUID}\n\n")
    assert form.is_valid(), form.errors
    assert form.page_values()["restricted_audience"] == [GUID]


# -- SaaS pricing -------------------------------------------------------------------------------------------------

ALL_TERMS = {"billing_terms": ["P1M", "P1Y", "P2Y", "P3Y"], "price_p2y": "949.00", "price_p3y": "1349.00"}
NO_TERMS = {"billing_terms": [], "price_p1m": "", "price_p1y": ""}
PER_USER = {"pricing_model": "per_user"}
CLEAR_DIMENSION = {"dimension_1_id": "", "dimension_1_name": "", "dimension_1_unit": "", "dimension_1_price": ""}


def dimension(n, dimension_id="api-calls"):
    return {
        f"dimension_{n}_id": dimension_id,
        f"dimension_{n}_name": "API calls",
        f"dimension_{n}_unit": "per 1,000 calls",
        f"dimension_{n}_price": "0.0125",
    }


@pytest.mark.parametrize(
    ("changes", "field", "accepted"),
    [
        (PER_USER, "pricing_model", True),
        ({"pricing_model": "per_seat"}, "pricing_model", False),
        ({"pricing_model": ""}, "pricing_model", False),
        (ALL_TERMS, "billing_terms", True),
        ({"billing_terms": ["P5Y"]}, "billing_terms", False),
        (NO_TERMS, "billing_terms", False),
        ({"price_p3y": "1349.00"}, "price_p3y", False),
        ({"price_p1y": ""}, "price_p1y", False),
        ({"price_p1m": "0"}, "price_p1m", True),
        ({"price_p1m": "-1"}, "price_p1m", False),
        ({"price_p1m": "49.999"}, "price_p1m", False),
        ({**PER_USER, "min_seats": 5, "max_seats": 500}, "max_seats", True),
        ({**PER_USER, "min_seats": 5, "max_seats": 5}, "max_seats", True),
        ({**PER_USER, "min_seats": 500, "max_seats": 5}, "max_seats", False),
        ({**PER_USER, "min_seats": 0}, "min_seats", False),
        ({"min_seats": 5}, "min_seats", False),
        ({**CLEAR_DIMENSION}, "dimension_1_id", True),
        ({**dimension(30)}, "dimension_30_id", True),
        ({"dimension_1_price": ""}, "dimension_1_price", False),
        ({"dimension_1_name": ""}, "dimension_1_name", False),
        ({**CLEAR_DIMENSION, "dimension_1_unit": "per call"}, "dimension_1_id", False),
        ({"dimension_1_id": "Receipts Scanned"}, "dimension_1_id", False),
        ({"dimension_1_name": "N" * 51}, "dimension_1_name", False),
        ({**dimension(2, "receipts-scanned")}, "dimension_2_id", False),
        ({"dimension_1_price": "-0.5"}, "dimension_1_price", False),
        ({"free_trial": False}, "free_trial", True),
    ],
)
def test_saas_pricing_rules(changes, field, accepted):
    assert_rule(sample("saas", **changes), field, accepted)


def test_a_price_for_a_billing_term_that_is_not_chosen_is_refused_even_in_a_draft():
    form = bind(OfferFactory(), {"plan_id": "gold", "price_p3y": "10"}, complete=False)
    assert form.errors["price_p3y"]


def test_a_partial_meter_is_allowed_in_a_draft_but_leaves_the_plan_incomplete():
    assert sample("saas", complete=False, dimension_1_price="").is_valid()
    assert not sample("saas", dimension_1_price="").is_valid()


def test_mixed_pricing_models_across_saas_plans_make_the_plans_page_incomplete_naming_the_plan_that_differs():
    offer = OfferFactory()
    create(offer, 1)
    create(offer, 2)
    create(offer, 3, pricing_model="per_user")
    page = plans_page(offer)
    assert page.status == PageStatus.INCOMPLETE
    messages = " ".join(m for ms in page.errors.values() for m in ms)
    assert "plan-3" in messages
    assert "plan-1" not in messages


def test_saas_plans_that_share_one_pricing_model_make_the_plans_page_complete():
    offer = OfferFactory()
    create(offer, 1, pricing_model="per_user")
    create(offer, 2, pricing_model="per_user")
    assert plans_page(offer).status == PageStatus.COMPLETE


def test_a_tie_between_pricing_models_names_the_plans_that_differ_from_the_first_plan():
    plans = [
        Plan(plan_id="a", data={"pricing_model": "flat_rate"}),
        Plan(plan_id="b", data={"pricing_model": "per_user"}),
    ]
    [message] = SaasPlanForm.offer_errors(plans, {})
    assert "b" in message.split(":")[-1]
    assert "Flat rate" in message


# -- Azure Application plans ---------------------------------------------------------------------------------------

SOLUTION_TEMPLATE = {
    "plan_type": "solution_template",
    "monthly_price": "",
    **{f"meter_1_{p}": "" for p in ("id", "name", "unit", "price")},
}


def meter(n, meter_id="gb-processed"):
    return {
        f"meter_{n}_id": meter_id,
        f"meter_{n}_name": "Data",
        f"meter_{n}_unit": "per GB",
        f"meter_{n}_price": "0.05",
    }


@pytest.mark.parametrize(
    ("changes", "field", "accepted"),
    [
        (SOLUTION_TEMPLATE, "plan_type", True),
        ({"plan_type": "container"}, "plan_type", False),
        ({"plan_type": ""}, "plan_type", False),
        ({"version": "10.2.33"}, "version", True),
        ({"version": "1.0"}, "version", False),
        ({"version": "v1.0.0"}, "version", False),
        ({"version": ""}, "version", False),
        ({"monthly_price": "0"}, "monthly_price", True),
        ({"monthly_price": ""}, "monthly_price", False),
        ({"monthly_price": "-5"}, "monthly_price", False),
        ({**SOLUTION_TEMPLATE, "monthly_price": "10"}, "monthly_price", False),
        ({**SOLUTION_TEMPLATE, **meter(1)}, "meter_1_id", False),
        ({**meter(18, "api-calls")}, "meter_18_id", True),
        ({**meter(2)}, "meter_2_id", False),
        ({"meter_1_unit": ""}, "meter_1_unit", False),
    ],
)
def test_azure_application_plan_rules(changes, field, accepted):
    assert_rule(sample("azure_application", **changes), field, accepted)


@pytest.mark.parametrize(
    ("upload", "accepted"),
    [
        (azure_app_package(), True),
        (pdf_upload(name="package.zip"), False),
        (None, False),
    ],
)
def test_an_azure_application_plan_needs_its_package_as_a_zip(upload, accepted):
    offer = OfferFactory(offer_type="azure_application")
    data, _files = plan_data("azure_application")
    form = bind(offer, data, {"package": upload} if upload else {})
    assert_rule(form, "package", accepted)


# -- Azure virtual machine plans ---------------------------------------------------------------------------------

FREE = {"pricing_model": "free", "price": "", "free_trial": ""}
BYOL = {"pricing_model": "byol", "price": "", "free_trial": ""}
NO_IMAGE = {"image_1_version": "", "image_1_sas_uri": ""}
SIZES = ["Standard_B2s", "Standard_B2ms", "Standard_D2s_v5", "Standard_D4s_v5", "Standard_D8s_v5", "Standard_D16s_v5"]


@pytest.mark.parametrize(
    ("changes", "field", "accepted"),
    [
        (FREE, "price", True),
        (BYOL, "price", True),
        ({**FREE, "price": "0.10"}, "price", False),
        ({**BYOL, "price": "0.10"}, "price", False),
        ({"pricing_model": "flat_rate", "price": "0.50"}, "price", True),
        ({"pricing_model": "flat_rate", "price": ""}, "price", False),
        ({"pricing_model": "per_core", "price": ""}, "price", False),
        ({"pricing_model": "per_minute"}, "pricing_model", False),
        ({"free_trial": "6"}, "free_trial", True),
        ({"free_trial": ""}, "free_trial", True),
        ({"free_trial": "2"}, "free_trial", False),
        ({**BYOL, "free_trial": "3"}, "free_trial", False),
        ({**FREE, "free_trial": "1"}, "free_trial", False),
        ({"hidden": True}, "hidden", True),
        ({"os_family": "windows", "os_name": "Windows Server 2022 Datacenter"}, "os_family", True),
        ({"os_family": "macos"}, "os_family", False),
        ({"os_name": "Ubuntu"}, "os_name", False),
        ({"os_name": "O" * 100 + "1"}, "os_name", False),
        ({"os_name": ""}, "os_name", False),
        ({"recommended_sizes": SIZES}, "recommended_sizes", True),
        ({"recommended_sizes": [*SIZES, "Standard_E2s_v5"]}, "recommended_sizes", False),
        ({"recommended_sizes": ["Standard_Z99"]}, "recommended_sizes", False),
        ({"open_ports": "443/tcp, 53/UDP\n3389/TCP"}, "open_ports", True),
        ({"open_ports": ["22/TCP"]}, "open_ports", True),
        ({"open_ports": "65535/TCP"}, "open_ports", True),
        ({"open_ports": "0/TCP"}, "open_ports", False),
        ({"open_ports": "65536/TCP"}, "open_ports", False),
        ({"open_ports": "443/ICMP"}, "open_ports", False),
        ({"open_ports": "\n".join(f"{port}/TCP" for port in range(1000, 1021))}, "open_ports", False),
        ({"image_2_version": "1.1.0", "image_2_sas_uri": SAS}, "image_2_version", True),
        ({"image_2_version": "1.0.0", "image_2_sas_uri": SAS}, "image_2_version", False),
        ({"image_1_version": "1.0"}, "image_1_version", False),
        ({"image_1_sas_uri": "https://images.contoso.example/vhds/os.vhd"}, "image_1_sas_uri", False),
        ({"image_1_sas_uri": SAS.replace("https", "http")}, "image_1_sas_uri", False),
        ({"image_1_sas_uri": ""}, "image_1_sas_uri", False),
        ({**NO_IMAGE, "image_8_version": "2.0.0", "image_8_sas_uri": SAS}, "image_1_version", True),
        (NO_IMAGE, "image_1_version", False),
    ],
)
def test_azure_virtual_machine_plan_rules(changes, field, accepted):
    assert_rule(sample("azure_vm", **changes), field, accepted)


def test_open_ports_are_cleaned_to_a_list_that_the_form_accepts_back():
    form = sample("azure_vm", open_ports="443/tcp\n443/TCP\n53 / udp")
    assert form.is_valid(), form.errors
    values = form.page_values()
    assert values["open_ports"] == ["443/TCP", "53/UDP"]
    offer = OfferFactory(offer_type="azure_vm")
    assert bind(offer, values, plan=PlanFactory(offer=offer)).is_valid()


def test_an_offer_of_virtual_machines_refuses_a_plan_beyond_one_hundred():
    offer = OfferFactory(offer_type="azure_vm")
    Plan.objects.bulk_create(Plan(offer=offer, plan_id=f"p-{n}", data={}) for n in range(100))
    data, files = plan_data("azure_vm", 101)
    form = bind(offer, data, files, complete=False)
    assert form.is_valid(), form.errors
    with pytest.raises(ValidationError):
        plan_create(offer=offer, form=form, by=None)
