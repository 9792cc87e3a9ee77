"""In Chromium: a brand-new publisher gets certified on their own, and operators verify accounts in admin.

The publisher signs up, follows the checklist (legal info, the agreement, Submit for verification) and publishes
while the account is pending: the submission waits at business eligibility. An operator approves in the admin
queue and the submission goes on through eligibility by itself; nobody edits the account record in admin. The
other decisions, Request more information and Reject, reach the publisher with their reasons.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from accounts.models import Membership, PublisherAccount, VerificationRequest
from accounts.verification import verification_submit
from certification.operations import staff_groups_ensure
from outbox.models import OutboxMessage
from tests.certification.support import complete_offer
from tests.factories import PASSWORD, MembershipFactory, PublisherAccountFactory, UserFactory, agreement_ensure
from tests.support import browser_staff_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("policies")]

LEGAL = {
    "Legal company name": "Northwind Traders LLC",
    "Address line 1": "4 Harbour Road",
    "City": "Seattle",
    "Postal code": "98101",
    "Website": "https://www.northwind.example",
    "Primary contact name": "Nina North",
    "Primary contact email": "legal@northwind.example",
    "Primary contact phone": "+1 206 555 0100",
    "Partner ID": "4412345",
}


@pytest.fixture
def operator(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    agreement_ensure()  # transactional tests flush what the migrations seeded
    user = UserFactory(is_staff=True, email="otto@portal.example")
    user.groups.add(staff_groups_ensure()["Operators"])
    return user


@pytest.fixture
def operator_page(browser, browser_context_args, live_server, operator):
    """A second browser window, signed in to admin as the operator."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.set_default_timeout(15_000)
    browser_staff_sign_in(page, live_server.url, operator.email, PASSWORD)
    expect(page.get_by_role("link", name="Account verification queue", exact=True)).to_be_visible()
    yield page
    context.close()


def _confirmation_link(email: str) -> str:
    message = OutboxMessage.objects.filter(recipients=[email], subject__icontains="confirm").latest("pk")
    return re.search(r"https?://\S+/confirm-email/\S+/", message.body_text).group(0)


def _wait_for(condition, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _decide(operator_page, live_server, account_name: str, decision: str, reasons: str = "") -> None:
    """Open the account from the queue (its open count first), claim it and decide."""
    operator_page.goto(f"{live_server.url}/admin/")
    expect(operator_page.get_by_test_id("queue-count-verificationrequest")).to_have_text("1")
    operator_page.get_by_role("link", name="Account verification queue", exact=True).click()
    operator_page.locator("#result_list tbody tr").filter(has_text=account_name).get_by_role("link").first.click()
    expect(operator_page.get_by_test_id("legal-info")).to_be_visible()
    operator_page.get_by_test_id("claim").click()
    operator_page.get_by_label(decision, exact=True).check()
    if reasons:
        operator_page.get_by_label("Reasons (sent to the publisher)").fill(reasons)
    operator_page.get_by_test_id("submit-decision").click()
    expect(operator_page.locator(".messagelist")).to_be_visible()


def test_a_new_publisher_onboards_publishes_while_pending_and_goes_through_eligibility_once_approved(
    page, live_server, celery_worker, https_endpoint, operator_page
):
    # Sign up: the dashboard shows the checklist, each step a link.
    page.goto(f"{live_server.url}/sign-up/")
    expect(page.get_by_test_id("sign-up-checklist")).to_contain_text("publisher agreement")
    page.get_by_label("Your name").fill("Nina North")
    page.get_by_label("Work email").fill("nina@northwind.example")
    page.get_by_label("Publisher account name").fill("Northwind Traders")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.goto(_confirmation_link("nina@northwind.example"))  # the email is confirmed before the first sign-in
    page.get_by_role("button", name="Confirm").click()
    checklist = page.get_by_test_id("account-checklist")
    expect(checklist.locator("[data-done=yes]")).to_have_count(0)

    # Legal info: a bad website is refused on its field and the rest is kept; then it is saved.
    checklist.get_by_role("link", name="Fill in your legal info").click()
    for label, value in LEGAL.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Country or region").select_option("US")
    page.get_by_label("Cloud Platform").check()
    page.get_by_label("Website", exact=True).fill("http://www.northwind.example")
    page.get_by_test_id("save-legal").click()
    expect(page.locator("#id_website")).to_have_class(re.compile("is-invalid"))
    expect(page.get_by_label("Legal company name", exact=True)).to_have_value(LEGAL["Legal company name"])
    page.get_by_label("Website", exact=True).fill(LEGAL["Website"])
    page.get_by_test_id("save-legal").click()
    expect(page.get_by_text("Legal info saved.")).to_be_visible()

    # The agreement, then Submit for verification.
    page.get_by_test_id("account-checklist").get_by_role("link", name="Accept the publisher agreement").click()
    expect(page.get_by_test_id("agreement-text")).to_contain_text("This agreement is between")
    page.get_by_label("I have read the publisher agreement").check()
    page.get_by_test_id("accept-agreement").click()
    expect(page.get_by_test_id("agreement-status")).to_contain_text("Enrolled")
    page.get_by_test_id("account-checklist").get_by_role("link", name="Submit your account for verification").click()
    page.get_by_test_id("submit-verification").click()
    expect(page.get_by_test_id("verification-status-badge")).to_have_text("Pending")

    # Publish a complete offer while the account is pending: it waits at business eligibility.
    membership = Membership.objects.select_related("account", "user").get(user__email="nina@northwind.example")
    offer = complete_offer(membership, "consulting", https_endpoint)
    page.goto(f"{live_server.url}/offers/{offer.pk}/review/")
    expect(page.get_by_test_id("account-lacks")).to_contain_text("verifying your account")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("step-certification-eligibility")).to_have_text("Waiting", timeout=20_000)
    expect(page.get_by_test_id("verification-wait")).to_be_visible()

    # The operator approves in the queue; the overview moves on by itself through eligibility.
    _decide(operator_page, live_server, "Northwind Traders", "Approve")
    expect(page.get_by_test_id("step-certification-eligibility")).to_have_text("Succeeded", timeout=20_000)
    expect(page.get_by_test_id("step-certification-content_review")).to_have_text("Waiting", timeout=20_000)
    account = PublisherAccount.objects.get(pk=membership.account_id)
    assert account.is_verified
    assert not offer.submissions.get().findings.exists()
    page.goto(f"{live_server.url}/account/settings/verification/")
    expect(page.get_by_test_id("verification-status-badge")).to_have_text("Verified")
    expect(page.get_by_test_id("account-checklist")).to_have_count(0)


def test_operators_ask_for_more_information_then_reject_and_the_publisher_reads_why(page, live_server, operator_page):
    owner = MembershipFactory(
        account=PublisherAccountFactory(name="Fabrikam Inc", verification=PublisherAccount.Verification.NOT_SUBMITTED)
    )
    verification_submit(by=owner)

    # More information: the publisher reads the reasons, corrects the legal info and submits again.
    _decide(operator_page, live_server, "Fabrikam Inc", "Request more information", "Add the head office address")
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email").fill(owner.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/account/settings/verification/")
    expect(page.get_by_test_id("verification-status-badge")).to_have_text("More information needed")
    expect(page.get_by_test_id("verification-reasons")).to_contain_text("Add the head office address")
    page.get_by_test_id("verification-reasons").get_by_role("link", name="legal info").click()
    page.get_by_label("Address line 2", exact=True).fill("Head office, 5th floor")
    page.get_by_test_id("save-legal").click()
    page.goto(f"{live_server.url}/account/settings/verification/")
    page.get_by_test_id("submit-verification").click()
    expect(page.get_by_test_id("verification-status-badge")).to_have_text("Pending")

    # Rejected: the reasons are on the page, and Submit for verification is offered again.
    _decide(operator_page, live_server, "Fabrikam Inc", "Reject", "The company is not registered")
    page.reload()
    expect(page.get_by_test_id("verification-status-badge")).to_have_text("Rejected")
    expect(page.get_by_test_id("verification-reasons")).to_contain_text("The company is not registered")
    expect(page.get_by_test_id("submit-verification")).to_be_visible()
    states = list(VerificationRequest.objects.filter(account_id=owner.account_id).values_list("state", flat=True))
    assert sorted(states) == ["more_info_needed", "rejected"]
