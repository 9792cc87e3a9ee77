"""Technical configuration, Resell through CSPs and Test drive pages: every rule and their completeness."""

import pytest

from offers.pages import OfferState, PageStatus
from offers.samples import pdf_upload, png_upload
from offers.samples.plans import MAIN_TEMPLATE, arm_test_drive_package, page_data, zip_upload
from offers.services import page_save
from tests.offers.factories import OfferFactory, page_form

pytestmark = pytest.mark.django_db

PAGES = [
    ("saas", "technical_configuration"),
    ("azure_application", "technical_configuration"),
    ("saas", "resell"),
    ("azure_application", "resell"),
    ("azure_vm", "resell"),
    ("saas", "test_drive"),
    ("azure_application", "test_drive"),
    ("azure_vm", "test_drive"),
]
GUID = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def completed(offer_type, key, *, drop=(), files=None, **changes):
    """Bind the sample page for completeness, with some values dropped or changed."""
    data, sample_files = page_data(offer_type, key)
    data.update(changes)
    sample_files.update(files or {})
    for name in drop:
        data.pop(name, None)
        sample_files.pop(name, None)
    return page_form(OfferFactory(offer_type=offer_type), key, data, files=sample_files, complete=True)


def assert_rule(form, field, accepted):
    form.is_valid()
    if accepted:
        assert form.is_valid(), form.errors
    else:
        assert form.errors.get(field), form.errors


@pytest.mark.parametrize(("offer_type", "key"), PAGES)
def test_the_sample_makes_the_page_complete(offer_type, key):
    form = completed(offer_type, key)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(("offer_type", "key"), PAGES)
def test_a_saved_sample_is_still_complete_when_its_stored_values_are_bound_again(offer_type, key):
    offer = OfferFactory(offer_type=offer_type)
    data, files = page_data(offer_type, key)
    form = page_form(offer, key, data, files=files, complete=False)
    assert form.is_valid(), form.errors
    page = page_save(offer=offer, key=key, form=form, by=None)
    assert all(isinstance(page.data[name], int) for name in files)
    state = OfferState(offer)
    assert state.page_state(offer.type_spec.page(key)).status == PageStatus.COMPLETE


@pytest.mark.parametrize(("offer_type", "key"), PAGES)
def test_a_draft_with_missing_values_is_saved_but_the_page_is_incomplete(offer_type, key):
    offer = OfferFactory(offer_type=offer_type)
    form = page_form(offer, key, {}, complete=False)
    assert form.is_valid(), form.errors
    page_save(offer=offer, key=key, form=form, by=None)
    state = OfferState(offer)
    assert state.page_state(offer.type_spec.page(key)).status == PageStatus.INCOMPLETE


def test_a_draft_with_a_bad_value_is_refused_on_its_field():
    form = page_form(OfferFactory(), "technical_configuration", {"tenant_id": "tenant"}, complete=False)
    assert not form.is_valid()
    assert list(form.errors) == ["tenant_id"]


def test_a_virtual_machine_offer_has_no_offer_level_technical_configuration_sample():
    with pytest.raises(KeyError):
        page_data("azure_vm", "technical_configuration")


# -- Technical configuration -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offer_type", "field", "value", "accepted"),
    [
        ("saas", "landing_page_url", "https://contoso.example/activate?x=1", True),
        ("saas", "landing_page_url", "http://contoso.example/activate", False),
        ("saas", "landing_page_url", "", False),
        ("saas", "connection_webhook", "https://contoso.example/webhook", True),
        ("saas", "connection_webhook", "ftp://contoso.example/webhook", False),
        ("saas", "connection_webhook", "", False),
        ("saas", "tenant_id", GUID.upper(), True),
        ("saas", "tenant_id", "72f988bf86f141af91ab2d7cd011db47", False),
        ("saas", "app_id", "not-a-guid", False),
        ("saas", "app_id", "", False),
        ("azure_application", "tenant_id", GUID, True),
        ("azure_application", "tenant_id", "", False),
        ("azure_application", "app_id", "72f988bf-86f1-41af-91ab-2d7cd011db4", False),
        ("azure_application", "app_id", "", False),
    ],
)
def test_technical_configuration_rules(offer_type, field, value, accepted):
    assert_rule(completed(offer_type, "technical_configuration", **{field: value}), field, accepted)


def test_entra_ids_are_kept_in_lower_case():
    form = completed("saas", "technical_configuration", tenant_id=GUID.upper())
    assert form.is_valid(), form.errors
    assert form.page_values()["tenant_id"] == GUID


# -- Resell through CSPs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "accepted"), [("any", True), ("none", True), ("selected", False), ("", False)])
def test_resell_through_csps_is_any_partner_or_none(value, accepted):
    assert_rule(completed("azure_vm", "resell", csp_partners=value), "csp_partners", accepted)


# -- Test drive ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offer_type", "field", "value", "accepted"),
    [
        ("saas", "test_drive_type", "logic_app", True),
        ("saas", "test_drive_type", "dynamics_365", True),
        ("saas", "test_drive_type", "citrix", False),
        ("saas", "test_drive_type", "", False),
        ("azure_vm", "regions", ["eastus"], True),
        ("saas", "regions", ["moon-1"], False),
        ("azure_application", "regions", [], False),
        ("saas", "hot_instances", 0, True),
        ("azure_vm", "hot_instances", 10, True),
        ("azure_vm", "hot_instances", 11, False),
        ("saas", "hot_instances", -1, False),
        ("saas", "hot_instances", "", False),
        ("saas", "duration_hours", 1, True),
        ("azure_application", "duration_hours", 10, True),
        ("azure_application", "duration_hours", 0, False),
        ("saas", "duration_hours", 11, False),
        ("saas", "description", "D" * 5000, True),
        ("saas", "description", "D" * 5001, False),
        ("azure_vm", "description", "Try the <script>dashboard</script>", False),
        ("azure_vm", "description", "", False),
    ],
)
def test_test_drive_rules(offer_type, field, value, accepted):
    assert_rule(completed(offer_type, "test_drive", **{field: value}), field, accepted)


@pytest.mark.parametrize(
    ("upload", "accepted"),
    [(pdf_upload(name="manual.pdf"), True), (png_upload(300, 300, name="manual.pdf"), False)],
)
def test_the_test_drive_user_manual_is_an_optional_pdf(upload, accepted):
    assert_rule(completed("saas", "test_drive", files={"user_manual": upload}), "user_manual", accepted)
    assert completed("saas", "test_drive", drop=["user_manual"]).is_valid()


def test_an_arm_test_drive_is_always_of_the_arm_template_type():
    form = completed("azure_application", "test_drive", test_drive_type="power_bi")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["test_drive_type"] == "azure_resource_manager"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (arm_test_drive_package(), None),
        (zip_upload({"mainTemplate.json": MAIN_TEMPLATE}), "no main-template.json"),
        (zip_upload({"main-template.json": '{"resources": [,]}'}), "not valid JSON"),
        (zip_upload({"main-template.json": "[1, 2]"}), "not an ARM template"),
        (pdf_upload(name="template.zip"), "not a zip archive"),
    ],
)
def test_the_arm_template_package_is_a_zip_whose_main_template_parses_as_json(upload, message):
    form = completed("azure_vm", "test_drive", files={"arm_template": upload})
    if message is None:
        assert form.is_valid(), form.errors
    else:
        assert not form.is_valid()
        assert message in " ".join(form.errors["arm_template"])


def test_an_arm_test_drive_without_its_template_is_incomplete():
    form = completed("azure_application", "test_drive", drop=["arm_template"])
    assert form.errors["arm_template"]


def test_a_saas_arm_template_test_drive_needs_its_template():
    form = completed("saas", "test_drive", test_drive_type="azure_resource_manager")
    assert form.errors["arm_template"]
    files = {"arm_template": arm_test_drive_package()}
    assert completed("saas", "test_drive", test_drive_type="azure_resource_manager", files=files).is_valid()


def test_a_template_for_a_saas_test_drive_of_another_type_is_refused():
    form = completed("saas", "test_drive", test_drive_type="power_bi", files={"arm_template": arm_test_drive_package()})
    assert form.errors["arm_template"]
