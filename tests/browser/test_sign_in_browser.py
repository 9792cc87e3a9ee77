"""In Chromium (issue 22): sign up and verify the email through the test SMTP server; forgot password, reset, and
the old session ends; an operator sets up MFA before admin and signs in with a code and a recovery code; an Owner
requires MFA of members; the security page signs out another browser."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from playwright.sync_api import expect

from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.support import browser_sign_in, browser_staff_sign_in, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-new-Passw0rd-for-the-portal"


def _email(smtp_sink, to: str, subject: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for received in list(smtp_sink.messages):
            if to in received["to"] and subject.lower() in received["message"]["Subject"].lower():
                return received["message"]
        time.sleep(0.1)
    raise AssertionError(
        f"no email to {to} about {subject!r}; got {[m['message']['Subject'] for m in smtp_sink.messages]}"
    )


def _link(message, live_url: str, pattern: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    path = re.search(rf"https?://[^/\s]+(/\S*{pattern}\S*)", text).group(1)
    return f"{live_url}{path}"


def _new_page(browser, browser_context_args):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _sign_out(page, base_url: str) -> None:
    page.goto(f"{base_url}/auth/logout/")
    page.get_by_role("button", name="Sign Out").click()


def test_sign_up_verify_the_email_then_the_dashboard_lists_what_is_left_to_publish(
    page, live_server, celery_worker, smtp_sink
):
    page.goto(f"{live_server.url}/sign-up/")
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Work email").fill("grace@navy.example")
    page.get_by_label("Publisher account name").fill("Compiler Works")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()

    browser_sign_in(page, live_server.url, "grace@navy.example", PASSWORD)  # not before the email is confirmed
    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()

    message = _email(smtp_sink, "grace@navy.example", "confirm")
    page.goto(_link(message, live_server.url, "confirm-email"))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_test_id("current-account")).to_have_text("Compiler Works")
    expect(page.get_by_test_id("account-checklist")).to_be_visible()


def test_forgot_password_email_reset_and_the_old_session_ends(
    page, live_server, celery_worker, smtp_sink, browser, browser_context_args
):
    member = MembershipFactory()
    email = member.user.email
    elsewhere = _new_page(browser, browser_context_args)
    browser_sign_in(elsewhere, live_server.url, email, PASSWORD)
    expect(elsewhere.get_by_test_id("current-account")).to_be_visible()

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Reset My Password").click()
    page.goto(_link(_email(smtp_sink, email, "password reset"), live_server.url, "password/reset/key"))
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_text("Your password is now changed")).to_be_visible()

    elsewhere.reload()
    expect(elsewhere).to_have_url(re.compile(r"/sign-in/"))
    browser_sign_in(page, live_server.url, email, NEW_PASSWORD)
    expect(page.get_by_test_id("current-account")).to_be_visible()
    elsewhere.context.close()


def test_an_operator_sets_up_mfa_before_admin_and_signs_in_with_a_code_then_a_recovery_code(
    page, live_server, settings
):
    settings.STAFF_MFA_REQUIRED = True
    operator = UserFactory(is_staff=True, is_superuser=True)

    browser_staff_sign_in(page, live_server.url, operator.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/auth/2fa/"))
    expect(page.get_by_text("Set up multi-factor authentication before you use the admin")).to_be_visible()

    page.get_by_role("link", name="Activate").click()
    secret = page.locator("#authenticator_secret").input_value()
    expect(page.get_by_role("img")).to_be_visible()  # the QR code, drawn by the server
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Recovery Codes").first).to_be_visible()
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_test_id("admin-dashboard")).to_be_visible()

    _sign_out(page, live_server.url)
    browser_staff_sign_in(page, live_server.url, operator.email, PASSWORD, secret)
    expect(page.get_by_test_id("admin-dashboard")).to_be_visible()

    _sign_out(page, live_server.url)
    recovery = RecoveryCodes(Authenticator.objects.get(user=operator, type=Authenticator.Type.RECOVERY_CODES))
    code = recovery.get_unused_codes()[0]
    browser_staff_sign_in(page, live_server.url, operator.email, PASSWORD)
    page.get_by_label("Code").fill(code)
    page.locator("main form").first.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("admin-dashboard")).to_be_visible()
    assert code not in RecoveryCodes(Authenticator.objects.get(pk=recovery.instance.pk)).get_unused_codes()


def test_an_owner_requires_mfa_and_a_member_without_it_is_sent_to_set_it_up(
    page, live_server, browser, browser_context_args
):
    owner = MembershipFactory(role="owner")
    developer = MembershipFactory(account=owner.account, role="developer")
    browser_sign_in(page, live_server.url, owner.user.email, PASSWORD)
    page.goto(f"{live_server.url}/account/members/")
    expect(page.locator(f'[data-member="{developer.user.email}"] [data-testid="member-mfa"]')).to_have_text("Off")
    page.get_by_label("Require multi-factor authentication for all members").check()
    page.get_by_test_id("mfa-requirement").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Every member now needs multi-factor authentication")).to_be_visible()

    theirs = _new_page(browser, browser_context_args)
    browser_sign_in(theirs, live_server.url, developer.user.email, PASSWORD)
    expect(theirs).to_have_url(re.compile(r"/auth/2fa/"))
    expect(theirs.get_by_text("requires multi-factor authentication of every member")).to_be_visible()
    theirs.context.close()


def test_the_security_page_signs_out_another_browser(page, live_server, browser, browser_context_args):
    member = MembershipFactory()
    elsewhere = _new_page(browser, browser_context_args)
    browser_sign_in(elsewhere, live_server.url, member.user.email, PASSWORD)
    browser_sign_in(page, live_server.url, member.user.email, PASSWORD)
    expect(page.get_by_test_id("current-account")).to_be_visible()

    page.get_by_role("button", name=member.user.get_full_name()).click()
    page.get_by_role("link", name="Sign-in and security").click()
    expect(page.get_by_test_id("session")).to_have_count(2)
    page.get_by_test_id("session").get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("That session was signed out.")).to_be_visible()
    expect(page.get_by_test_id("session")).to_have_count(1)

    elsewhere.reload()
    expect(elsewhere).to_have_url(re.compile(r"/sign-in/"))
    elsewhere.context.close()
