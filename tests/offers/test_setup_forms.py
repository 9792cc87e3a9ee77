"""The Offer setup page of every offer type: how it is sold, test drive and the customer leads destination."""

import pytest

from offers.forms.setup import AzureAppOfferSetupForm, ConsultingOfferSetupForm, SaasOfferSetupForm, VmOfferSetupForm
from offers.pages import OfferState, PageStatus
from offers.samples.misc import LEADS_URL, page_data, saas_setup_data
from offers.services import page_save
from tests.offers.factories import OfferFactory, page_form

pytestmark = pytest.mark.django_db

KEY = "offer_setup"
ALL_TYPES = ["saas", "azure_application", "azure_vm", "consulting"]
NO_LEADS = {"leads_destination": "", "leads_https_url": "", "leads_email": ""}


def bound(offer_type="saas", data=None, *, complete=True, offer=None):
    return page_form(offer or OfferFactory(offer_type=offer_type), KEY, data or {}, complete=complete)


def sample(offer_type="saas", *, drop=(), **changes):
    data, _files = page_data(offer_type, KEY)
    data.update(changes)
    for name in drop:
        data.pop(name, None)
    return data


def errors_of(form, field):
    form.is_valid()
    return form.errors.get(field, [])


@pytest.mark.parametrize(
    ("offer_type", "form_class"),
    [
        ("saas", SaasOfferSetupForm),
        ("azure_application", AzureAppOfferSetupForm),
        ("azure_vm", VmOfferSetupForm),
        ("consulting", ConsultingOfferSetupForm),
    ],
)
def test_each_offer_type_has_its_setup_form(offer_type, form_class):
    assert isinstance(bound(offer_type), form_class)


@pytest.mark.parametrize("offer_type", ALL_TYPES)
def test_the_sample_makes_the_page_complete(offer_type):
    form = bound(offer_type, sample(offer_type))
    assert form.is_valid(), form.errors


def test_the_saas_sample_sells_through_microsoft_with_a_test_drive_and_an_https_leads_endpoint():
    form = bound("saas", sample("saas"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sell_through_microsoft"] is True
    assert form.cleaned_data["test_drive"] is True
    assert (form.cleaned_data["leads_destination"], form.cleaned_data["leads_https_url"]) == ("https", LEADS_URL)


@pytest.mark.parametrize("sell_through_microsoft", [True, False])
@pytest.mark.parametrize("test_drive", [True, False])
def test_every_saas_setup_variation_is_complete(sell_through_microsoft, test_drive):
    form = bound("saas", saas_setup_data(sell_through_microsoft=sell_through_microsoft, test_drive=test_drive))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sell_through_microsoft"] is sell_through_microsoft
    assert form.cleaned_data["test_drive"] is test_drive


@pytest.mark.parametrize("offer_type", ALL_TYPES)
def test_the_saved_sample_is_still_complete_when_bound_back(offer_type):
    offer = OfferFactory(offer_type=offer_type)
    form = bound(data=sample(offer_type), complete=False, offer=offer)
    assert form.is_valid(), form.errors
    page_save(offer=offer, key=KEY, form=form, by=None)
    state = OfferState(offer)
    assert state.page_state(offer.type_spec.page(KEY)).status == PageStatus.COMPLETE


def test_a_saas_draft_without_an_answer_is_saved_but_incomplete():
    assert bound("saas", complete=False).is_valid()
    assert errors_of(bound("saas"), "sell_through_microsoft")


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("leads_https_url", "https://leads.contoso.example/api/leads", True),
        ("leads_https_url", "http://leads.contoso.example/api/leads", False),
        ("leads_https_url", "ftp://leads.contoso.example/", False),
        ("leads_email", "leads@contoso.example", True),
        ("leads_email", "leads@", False),
    ],
)
def test_the_leads_endpoint_is_https_only_and_the_email_is_an_email(field, value, accepted):
    form = bound("azure_application", {**sample("azure_application"), field: value}, complete=False)
    assert (errors_of(form, field) == []) is accepted


@pytest.mark.parametrize(
    ("destination", "field"),
    [("https", "leads_https_url"), ("email", "leads_email")],
)
def test_a_leads_destination_needs_its_address_to_be_complete(destination, field):
    data = {**sample("consulting"), **NO_LEADS, "leads_destination": destination}
    assert bound("consulting", data, complete=False).is_valid()
    assert errors_of(bound("consulting", data), field)


def test_an_email_destination_with_an_email_is_complete():
    data = {**sample("consulting"), **NO_LEADS, "leads_destination": "email", "leads_email": "leads@contoso.example"}
    form = bound("consulting", data)
    assert form.is_valid(), form.errors


def test_a_consulting_service_needs_a_leads_destination():
    assert errors_of(bound("consulting", NO_LEADS), "leads_destination")


@pytest.mark.parametrize("offer_type", ["azure_application", "azure_vm", "saas"])
@pytest.mark.parametrize(("test_drive", "accepted"), [("on", False), ("", True)])
def test_a_test_drive_needs_a_leads_destination(offer_type, test_drive, accepted):
    data = {**sample(offer_type), **NO_LEADS, "test_drive": test_drive}
    assert (errors_of(bound(offer_type, data), "leads_destination") == []) is accepted


@pytest.mark.parametrize(
    ("changes", "field", "accepted"),
    [
        ({"listing_option": ""}, "listing_option", False),
        ({"listing_option": "get_it_now", "listing_url": "https://contoso.example/get"}, "listing_url", True),
        ({"listing_option": "get_it_now", "listing_url": ""}, "listing_url", False),
        ({"listing_option": "free_trial", "listing_url": ""}, "listing_url", False),
        ({"listing_option": "free_trial", "listing_url": "http://contoso.example/trial"}, "listing_url", False),
        ({"listing_option": "contact_me", "listing_url": ""}, "listing_url", True),
        ({"listing_option": "contact_me", **NO_LEADS}, "leads_destination", False),
        ({"listing_option": "free_trial", **NO_LEADS}, "leads_destination", True),
    ],
)
def test_saas_not_sold_through_microsoft_needs_a_listing_option_and_its_link(changes, field, accepted):
    data = {**saas_setup_data(sell_through_microsoft=False, test_drive=False), **changes}
    assert (errors_of(bound("saas", data), field) == []) is accepted


def test_saas_sold_through_microsoft_needs_no_listing_option():
    data = saas_setup_data(sell_through_microsoft=True, test_drive=False)
    form = bound("saas", {**data, "listing_option": "", "listing_url": ""})
    assert form.is_valid(), form.errors


def test_saas_without_a_listing_option_is_a_valid_draft():
    assert bound("saas", {"sell_through_microsoft": "False"}, complete=False).is_valid()
