"""In Chromium: sign up, sign out, sign in, switch accounts."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from outbox.models import OutboxMessage
from tests.factories import PASSWORD, MembershipFactory
from tests.support import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _confirmation_link(email: str) -> str:
    message = OutboxMessage.objects.filter(recipients=[email], subject__icontains="confirm").latest("pk")
    return re.search(r"https?://\S+/confirm-email/\S+/", message.body_text).group(0)


def test_sign_up_then_sign_in_then_switch_account(page, live_server):
    page.goto(live_server.url)
    page.get_by_role("link", name="Create a publisher account").click()
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Work email").fill("grace@navy.example")
    page.get_by_label("Publisher account name").fill("Compiler Works")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()
    page.goto(_confirmation_link("grace@navy.example"))  # the link of the email the outbox queued
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("current-account")).to_have_text("Compiler Works")
    expect(page.locator("nav.navbar")).to_have_css("background-color", "rgb(27, 58, 87)")  # our CSS loaded

    page.get_by_role("button", name="Grace Hopper").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#mainnav").get_by_role("link", name="Sign in")).to_be_visible()

    # meanwhile another account invites her
    other = MembershipFactory(user__email="grace@navy.example", role=Membership.Role.DEVELOPER, account__name="Zeta")
    assert other.user.memberships.count() == 2

    browser_sign_in(page, live_server.url, "grace@navy.example", PASSWORD)
    expect(page.get_by_test_id("current-account")).to_have_text("Compiler Works")
    page.locator("#account-switcher").click()
    page.get_by_role("button", name="Zeta").click()
    expect(page.get_by_test_id("current-account")).to_have_text("Zeta")
    expect(page.get_by_text("You are now working in Zeta.")).to_be_visible()


def test_a_wrong_password_shows_an_error_and_does_not_sign_in(page, live_server):
    member = MembershipFactory()
    browser_sign_in(page, live_server.url, member.user.email, "not-the-password")
    expect(page.get_by_text("Please enter a correct")).to_be_visible()
    expect(page.get_by_role("link", name="Forgot your password?")).to_be_visible()
    expect(page.get_by_test_id("current-account")).to_have_count(0)
