"""Helpers shared by tests: free ports, and signing in and going live through the browser."""

import socket

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


def browser_go_live(page) -> None:
    """Select Go live on the offer overview, and answer its question when the page asks one."""
    page.get_by_test_id("go-live").click()
    dialog = page.get_by_role("dialog", name="Go live?")
    expect(dialog.or_(page.get_by_text("Go live: the publish phase has started."))).to_be_visible()
    if dialog.is_visible():
        dialog.get_by_role("button", name="Go live").click()
