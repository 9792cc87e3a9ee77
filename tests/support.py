"""Helpers shared by tests: free ports and signing in through the browser."""

import socket


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
