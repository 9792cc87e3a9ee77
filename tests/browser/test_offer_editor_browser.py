"""In Chromium: create an offer of each type and fill every page to Complete through the UI."""

import pytest
from playwright.sync_api import expect

from offers.constants import CATEGORIES
from offers.models import Offer, OfferPage
from offers.pages import OfferState
from offers.samples import listing, misc, plans
from tests.browser.filling import fill_form
from tests.factories import PASSWORD, MembershipFactory
from tests.offers.factories import OfferFactory
from tests.support import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sample(offer_type, key):
    for module in (misc, listing, plans):
        try:
            return module.page_data(offer_type, key)
        except (KeyError, LookupError, ValueError):
            continue
    raise LookupError(key)


def _create_offer(page, base_url, type_label, offer_id):
    page.goto(f"{base_url}/dashboard/")
    page.get_by_role("link", name="New offer").click()
    page.get_by_label(type_label).check()
    page.get_by_label("Offer ID").fill(offer_id)
    page.get_by_label("Offer alias").fill(f"Alias of {offer_id}")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Offer setup")).to_be_visible()
    return Offer.objects.get(offer_id=offer_id)


def _fill_page(page, base_url, offer, key, tmp_path):
    data, files = _sample(offer.offer_type, key)
    page.goto(f"{base_url}/offers/{offer.pk}/pages/{key}/")
    fill_form(page, data, files or {}, tmp_path)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("page-status")).to_have_text("Complete")
    expect(page.get_by_test_id(f"nav-status-{key}")).to_have_text("Complete")


def _fill_plan(page, base_url, offer, tmp_path):
    data, files = plans.plan_data(offer.offer_type, 1)
    page.goto(f"{base_url}/offers/{offer.pk}/pages/plans/")
    expect(page.get_by_test_id("page-status")).to_have_text("Not started")
    page.get_by_role("link", name="Create new plan").first.click()
    fill_form(page, data, files or {}, tmp_path)
    page.get_by_role("button", name="Create plan").click()
    expect(page.get_by_test_id("nav-status-plans")).to_have_text("Complete")


@pytest.mark.parametrize(
    ("offer_type", "type_label"),
    [
        ("saas", "Software as a Service (SaaS)"),
        ("azure_application", "Azure Application"),
        ("azure_vm", "Azure virtual machine"),
        ("consulting", "Consulting service"),
    ],
)
def test_a_publisher_fills_every_page_of_an_offer_to_complete_and_publish_is_enabled(
    page, live_server, tmp_path, offer_type, type_label
):
    member = MembershipFactory()
    browser_sign_in(page, live_server.url, member.user.email, PASSWORD)
    offer = _create_offer(page, live_server.url, type_label, f"browser-{offer_type.replace('_', '-')}")

    _fill_page(page, live_server.url, offer, "offer_setup", tmp_path)
    page.goto(f"{live_server.url}/offers/{offer.pk}/review/")
    expect(page.get_by_test_id("publish")).to_be_disabled()

    for spec in OfferState(offer).pages():
        if spec.key == "offer_setup":
            continue
        if spec.kind == "plans":
            _fill_plan(page, live_server.url, offer, tmp_path)
        else:
            _fill_page(page, live_server.url, offer, spec.key, tmp_path)

    page.goto(f"{live_server.url}/offers/{offer.pk}/review/")
    for spec in OfferState(offer).pages():
        expect(page.get_by_test_id(f"review-status-{spec.key}")).to_have_text("Complete")
    expect(page.get_by_test_id("publish")).to_be_enabled()

    # saving the listing again without choosing the files again keeps every uploaded file
    page.goto(f"{live_server.url}/offers/{offer.pk}/pages/offer_listing/")
    expect(page.locator(".stored-file").first).to_be_visible()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("page-status")).to_have_text("Complete")


def test_the_subcategory_list_follows_the_category_chosen_without_a_save(page, live_server):
    member = MembershipFactory()
    offer = OfferFactory(account=member.account, offer_type="saas")
    browser_sign_in(page, live_server.url, member.user.email, PASSWORD)
    page.goto(f"{live_server.url}/offers/{offer.pk}/pages/properties/")
    subcategories = page.locator('select[name="primary_subcategories"]')

    def shown():
        return subcategories.evaluate("el => [...el.options].filter(o => o.checkVisibility()).map(o => o.value)")

    assert shown() == []
    page.get_by_label("Primary category").select_option("Analytics")
    assert shown() == CATEGORIES["Analytics"]
    subcategories.select_option("Big Data")
    page.get_by_label("Primary category").select_option("Databases")
    assert shown() == CATEGORIES["Databases"]
    assert subcategories.evaluate("el => [...el.selectedOptions].map(o => o.value)") == []

    subcategories.select_option("Relational")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("page-status")).to_have_text("Incomplete")
    saved = OfferPage.objects.get(offer=offer, key="properties").data
    assert (saved["primary_category"], saved["primary_subcategories"]) == ("Databases", ["Relational"])
    assert shown() == CATEGORIES["Databases"]
