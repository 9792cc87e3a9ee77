"""In Chromium: a customer finds, contacts and buys; the preview link admits only its audience; stop sell."""

import re
import time
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import expect

from certification.previews import preview_links
from offers.models import OfferPage
from offers.samples.misc import LEADS_URL, PREVIEW_EMAILS
from saas.credentials import credential_issue
from tests.certification.support import complete_offer, publish_to_live, publish_to_preview
from tests.factories import PASSWORD, UserFactory
from tests.storefront.factories import live_offer, snapshot_data, snapshot_store, stop_selling
from tests.support import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("policies")]

CONTACT_ME_SETUP = {
    "sell_through_microsoft": "False",
    "listing_option": "contact_me",
    "leads_destination": "https",
    "leads_https_url": LEADS_URL,
    "leads_email": "",
}


@pytest.fixture
def browser_context_args(browser_context_args):
    # The publisher's landing page is the local HTTPS endpoint, whose certificate comes from the test CA.
    return {**browser_context_args, "ignore_https_errors": True}


@pytest.fixture
def reviewer(transactional_db):
    return UserFactory(is_staff=True, email="reviewer@portal.example")


def wait_for(check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("timed out")


def search(page, base_url: str, words: str) -> None:
    page.goto(f"{base_url}/marketplace/")
    page.get_by_test_id("catalogue-search").fill(words)
    page.get_by_role("button", name="Search", exact=True).click()


@contextmanager
def celery_worker_running(app):
    """Run a real Celery worker on Redis (started after the in-process publishing, so it does not race it)."""
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="WARNING") as worker:
        yield worker


def test_a_customer_finds_an_offer_contacts_one_publisher_and_buys_a_saas_plan(
    page, live_server, owner, reviewer, https_endpoint, _celery_app, smtp_sink
):
    bought = complete_offer(owner, "saas", https_endpoint)
    publish_to_live(bought, owner, reviewer)
    contacted = complete_offer(owner, "saas", https_endpoint, offer_id="lead-desk", setup=CONTACT_ME_SETUP)
    listing = OfferPage.objects.get(offer=contacted, key="offer_listing")
    listing.data = {**listing.data, "name": "Fabrikam Lead Desk", "search_keyword_3": "callback"}
    listing.save()
    publish_to_live(contacted, owner, reviewer)
    with celery_worker_running(_celery_app):
        customer_journey(page, live_server, https_endpoint, bought, smtp_sink)


def customer_journey(page, live_server, https_endpoint, bought, smtp_sink):
    # a new customer signs up from the storefront
    page.goto(f"{live_server.url}/marketplace/")
    page.get_by_role("link", name="Create a customer account").click()
    page.get_by_label("Your name").fill("Casey Jordan")
    page.get_by_label("Email").fill("casey@woodgrove.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()
    # nobody is signed in before the address is verified: the link comes by email, then the customer signs in
    confirmation = wait_for(
        lambda: next((m["message"] for m in smtp_sink.messages if "casey@woodgrove.example" in m["to"]), None)
    )
    text = confirmation.get_body(preferencelist=("plain",)).get_content()
    page.goto(live_server.url + re.search(r"https?://[^/\s]+(/\S*confirm-email\S*)", text).group(1))
    page.get_by_role("button", name="Confirm").click()
    browser_sign_in(page, live_server.url, "casey@woodgrove.example", PASSWORD)
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/marketplace/account/")
    expect(page).to_have_url(re.compile(r"/marketplace/account/$"))  # signed in: not sent to the sign-in page

    # Contact me: the lead reaches the publisher's HTTPS endpoint through a worker
    search(page, live_server.url, "callback")
    expect(page.get_by_test_id("offer-card")).to_have_count(1)
    page.get_by_role("link", name="Fabrikam Lead Desk").click()
    expect(page.get_by_test_id("listing-name")).to_have_text("Fabrikam Lead Desk")
    page.get_by_test_id("call-to-action").get_by_role("link", name="Contact me").click()
    page.get_by_label("Company").fill("Woodgrove Bank")
    page.get_by_label("How can the publisher help?").fill("Please call me about a pilot.")
    page.get_by_label("I agree that the publisher may contact me").check()
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request was sent to")).to_be_visible()

    def customer_leads():
        return [
            r
            for r in https_endpoint.received("POST", "/api/leads")
            if not (r["json"] or {}).get("leadId", "").startswith("MSFT_TEST_")
        ]

    [lead] = wait_for(customer_leads)
    assert lead["json"]["offerId"] == "lead-desk"
    assert lead["json"]["customer"] == {
        "name": "Casey Jordan",
        "email": "casey@woodgrove.example",
        "company": "Woodgrove Bank",
    }
    assert lead["json"]["description"] == "Please call me about a pilot."

    # Buy a SaaS plan: land on the publisher's landing page with a token the publisher resolves and activates
    search(page, live_server.url, "expense insights")
    expect(page.get_by_test_id("offer-card")).to_have_count(1)
    page.get_by_role("link", name="Contoso Expense Insights").click()
    page.get_by_test_id("call-to-action").get_by_role("link", name="Buy a plan").click()
    page.get_by_test_id("plan").first.get_by_role("link", name=re.compile("^Buy")).click()
    page.get_by_label("I accept the publisher's terms").check()
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_test_id("purchase-status")).to_contain_text("Waiting for you to configure your account")
    purchase_url = page.url
    page.get_by_test_id("configure-account").click()

    [landing] = wait_for(lambda: [r for r in https_endpoint.received("GET") if "token=" in r["path"]])
    assert landing["path"].startswith("/expense-insights/activate?token=")
    token = parse_qs(urlsplit(landing["path"]).query)["token"][0]
    technical = OfferPage.objects.get(offer=bought, key="technical_configuration").data
    secret = credential_issue(offer=bought, by=None)[1]
    access = requests.post(
        f"{live_server.url}/api/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": technical["app_id"], "client_secret": secret},
        timeout=10,
    ).json()["access_token"]
    api = {"Authorization": f"Bearer {access}"}
    resolved = requests.post(
        f"{live_server.url}/api/saas/subscriptions/resolve?api-version=2018-08-31",
        headers={**api, "x-ms-marketplace-token": token},
        timeout=10,
    )
    assert resolved.status_code == 200
    assert resolved.json()["subscription"]["beneficiary"]["emailId"] == "casey@woodgrove.example"
    assert resolved.json()["offerId"] == bought.offer_id
    activated = requests.post(
        f"{live_server.url}/api/saas/subscriptions/{resolved.json()['id']}/activate?api-version=2018-08-31",
        json={"planId": resolved.json()["planId"]},
        headers=api,
        timeout=10,
    )
    assert activated.status_code == 200

    page.goto(purchase_url)
    expect(page.get_by_test_id("purchase-status")).to_contain_text("Activated by the publisher")
    page.get_by_role("link", name="My purchases").first.click()
    expect(page.get_by_test_id("purchase")).to_have_count(1)


def test_a_preview_audience_member_opens_the_preview_link_and_a_non_member_gets_404(
    page, live_server, owner, reviewer, https_endpoint
):
    offer = complete_offer(owner, "saas", https_endpoint)
    publish_to_preview(offer, owner, reviewer)
    offer.refresh_from_db()
    (_label, link), *_ = preview_links(offer)
    preview_url = live_server.url + urlsplit(link).path
    UserFactory(email=PREVIEW_EMAILS[2])
    UserFactory(email="not.invited@woodgrove.example")

    browser_sign_in(page, live_server.url, PREVIEW_EMAILS[2], PASSWORD)
    response = page.goto(preview_url)
    assert response.status == 200
    expect(page.get_by_test_id("preview-banner")).to_be_visible()
    expect(page.get_by_test_id("listing-name")).to_have_text("Contoso Expense Insights")
    expect(page.get_by_test_id("listing-logo")).to_be_visible()

    page.goto("about:blank")  # the last page stops polling before its cookies go
    page.context.clear_cookies()
    assert page.goto(preview_url).status == 404
    browser_sign_in(page, live_server.url, "not.invited@woodgrove.example", PASSWORD)
    assert page.goto(preview_url).status == 404


def test_after_stop_sell_the_offer_is_gone_from_search(page, live_server, owner):
    from certification.services import offer_stop_selling, stop_sell_complete_due

    offer = live_offer(owner.account, name="Northwind Inventory", keywords=("stock",))
    search(page, live_server.url, "stock")
    expect(page.get_by_test_id("offer-card")).to_have_count(1)

    offer_stop_selling(offer_id=offer.pk, by=owner.user)
    stop_sell_complete_due()

    search(page, live_server.url, "stock")
    expect(page.get_by_test_id("no-results")).to_be_visible()
    expect(page.get_by_test_id("offer-card")).to_have_count(0)
    page.goto(f"{live_server.url}/marketplace/offers/{offer.pk}/")
    expect(page.get_by_test_id("unavailable")).to_contain_text("no longer available in the marketplace")


def test_a_customer_who_saw_the_no_longer_available_page_sees_the_offer_again_once_it_is_republished(
    page, live_server, owner
):
    # Links (unlike typed addresses) take a page from the browser's cache whenever its headers let them.
    offer = live_offer(owner.account, name="Northwind Inventory")
    search(page, live_server.url, "Northwind")
    stop_selling(offer)
    page.get_by_role("link", name="Northwind Inventory").click()
    expect(page.get_by_test_id("unavailable")).to_be_visible()

    offer.start_publishing()
    offer.publish_live(snapshot_store(offer, snapshot_data(offer, name="Northwind Inventory")))
    offer.save()
    search(page, live_server.url, "Northwind")
    page.get_by_role("link", name="Northwind Inventory").click()
    expect(page.get_by_test_id("listing-name")).to_have_text("Northwind Inventory")
