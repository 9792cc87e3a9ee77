"""Helpers shared by tests: free ports, and signing in and going live through the browser."""

import socket
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from playwright.sync_api import expect


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 now (aiosmtpd and test servers cannot bind port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def browser_sign_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in through the real sign-in form."""
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


# The last time step whose code each secret signed in with: a code is accepted once (allauth refuses a reused one).
_TOTP_USED: dict[str, int] = {}


def totp_code(secret: str) -> str:
    """The authenticator app's current code for a base32 secret (allauth's own TOTP helpers), never one given out
    before: when this time step's code was used, wait for the next step."""
    counter = next(yield_hotp_counters_from_time())
    while _TOTP_USED.get(secret) == counter:
        time.sleep(0.5)
        counter = next(yield_hotp_counters_from_time())
    _TOTP_USED[secret] = counter
    return format_hotp_value(hotp_value(secret, counter))


def browser_staff_sign_in(page, base_url: str, email: str, password: str, totp_secret: str | None = None) -> None:
    """Open admin as staff: admin sends to the portal's sign-in, then the second step when they have MFA."""
    page.goto(f"{base_url}/admin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    if totp_secret:
        page.get_by_label("Code").fill(totp_code(totp_secret))
        page.locator("main form").first.get_by_role("button", name="Sign in").click()


def browser_go_live(page) -> None:
    """Select Go live on the offer overview, and answer its question when the page asks one.

    The page's script asks in a dialog; it runs once the page has loaded (a click before that posts the form as it
    is, and the portal asks on a page of its own, as it does without JavaScript): wait for the load, and answer
    either way."""
    page.wait_for_load_state("load")
    page.get_by_test_id("go-live").click()
    dialog = page.get_by_role("dialog", name="Go live?")
    asked_on_a_page = page.get_by_role("heading", name="Go live?", level=1)
    started = page.get_by_text("Go live: the publish phase has started.")
    expect(dialog.or_(asked_on_a_page).or_(started)).to_be_visible()
    if dialog.is_visible():
        dialog.get_by_role("button", name="Go live").click()
    elif asked_on_a_page.is_visible():
        page.locator("main").get_by_role("button", name="Go live").click()
