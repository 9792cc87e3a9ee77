"""Photograph the portal for the README: serve it as `make run` does, on a fresh SQLite database with the demo data,
and save PNGs of its main pages under docs/screenshots/ (`make screenshots`)."""

import argparse
import base64
import contextlib
import hashlib
import hmac
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 860}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# The demo data's sign-ins and offers (portal/management/commands/demo_data.py, offers/demo.py).
OWNER = ("owner@contoso.example", "demo-owner-pass")
# Staff sign in with a second step: the demo's authenticator app secrets, as `make run` prints them (accounts/demo.py).
REVIEWER = ("reviewer@portal.example", "demo-reviewer-pass", "LW5JVL4YVBNMERW5EQA4HUFYIBVPWH4K")
OPERATOR = ("operator@portal.example", "demo-operator-pass", "HGPOG2A2R5LKCJXGKUG7FD5RPS37FEOI")
DRAFT = "contoso-secure-gateway"  # a draft with some pages complete and some not started
ATTENTION = "contoso-migration-poc"  # Attention needed, with a reviewer's failure report
PUBLISHING = "contoso-security-workshop"  # Publish in progress, waiting in the content review queue
LIVE = "contoso-analytics"  # Live in the marketplace
SAMPLE_DESCRIPTION = (
    "Contoso Secure Gateway inspects ",
    "every connection",
    " between your virtual networks and the internet.",
)


def serve(port: int, folder: Path) -> subprocess.Popen:
    """Start `make run` on ``port`` with its database and media in ``folder``; return the process (a new group)."""
    env = {key: value for key, value in os.environ.items() if key not in {"CELERY_BROKER_URL", "DEBUG"}}
    env |= {
        "DATABASE_URL": f"sqlite:///{folder / 'portal.sqlite3'}",  # a fresh database, never the one of `make run`
        "DEMO_DATA": "1",  # which the demo data may fill
        "MEDIA_ROOT": str(folder / "media"),
    }
    log = (folder / "make-run.log").open("w")
    print(f"Serving the portal with `make run PORT={port}` (log: {log.name})")
    return subprocess.Popen(
        ["make", "run", f"PORT={port}"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_until_up(process: subprocess.Popen, base: str, log: Path, timeout: float = 900) -> None:
    """Wait until the portal answers /healthz (the first `make run` also installs the project)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"`make run` stopped (exit {process.returncode}):\n{log.read_text()[-3000:]}")
        with (
            contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError),
            urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer,
        ):
            if answer.status == 200:
                return
        time.sleep(1)
    sys.exit(f"The portal did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop `make run` and everything it started (its own process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def totp_code(secret: str) -> str:
    """The authenticator app's code of this moment for a base32 secret (RFC 6238: 30 s steps, 6 digits, SHA-1)."""
    counter = int(time.time()) // 30
    digest = hmac.new(base64.b32decode(secret), counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


def sign_in(page: Page, base: str, who: tuple[str, ...]) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Email").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    if len(who) > 2:  # staff: the second step asks for the authenticator app's code
        page.get_by_label("Code").fill(totp_code(who[2]))
        page.locator("main form").first.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()


def shoot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save the visible part of the page as docs/screenshots/<name>.png, once fonts and images have loaded."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
    print(f"  {path.relative_to(ROOT)}")


def open_offer(page: Page, base: str, offer_id: str) -> None:
    """Open the offer's overview from the dashboard, by its offer ID."""
    page.goto(f"{base}/dashboard/")
    page.get_by_role("row").filter(has_text=offer_id).get_by_role("link").first.click()
    expect(page.get_by_test_id("offer-nav")).to_be_visible()


def publisher_pictures(page: Page, base: str) -> None:
    sign_in(page, base, OWNER)
    page.goto(f"{base}/dashboard/")
    shoot(page, "dashboard", full_page=True)

    open_offer(page, base, DRAFT)
    page.get_by_test_id("offer-nav").get_by_role("link", name="Offer listing").click()
    page.wait_for_load_state("networkidle")  # the editor is a module script
    editor = page.get_by_role("textbox", name="Description", exact=True)
    editor.click()
    start, bold, end = SAMPLE_DESCRIPTION
    page.keyboard.type(start)
    page.keyboard.press("ControlOrMeta+b")
    page.keyboard.type(bold)
    page.keyboard.press("ControlOrMeta+b")
    page.keyboard.type(end)
    # the typed description stays unsaved: the picture shows the editor in use
    page.set_viewport_size({**VIEWPORT, "height": 1200})  # the page badges and the description editor together
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "offer-editor")
    page.set_viewport_size(VIEWPORT)

    page.get_by_role("link", name="Review and publish").first.click()
    shoot(page, "review-and-publish")

    open_offer(page, base, ATTENTION)
    expect(page.get_by_test_id("failure-report")).to_be_visible()
    shoot(page, "overview-failure-report")

    open_offer(page, base, PUBLISHING)
    expect(page.get_by_test_id("timeline")).to_be_visible()
    shoot(page, "overview-live-steps")

    open_offer(page, base, LIVE)
    page.goto(base + page.get_by_test_id("listed-link").get_attribute("href"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shoot(page, "storefront-offer")


def keyboard_pictures(page: Page, base: str) -> None:
    """The keyboard's way in: the skip link (the first Tab of every page) and a field with its focus ring."""
    sign_in(page, base, OWNER)
    open_offer(page, base, DRAFT)
    page.get_by_test_id("offer-nav").get_by_role("link", name="Offer listing").click()
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    shoot(page, "keyboard-skip-link")
    page.keyboard.press("Enter")  # into the page: the next Tabs reach the offer's pages, then the form
    name = page.get_by_role("textbox", name="Name", exact=True)
    for _ in range(40):
        page.keyboard.press("Tab")
        if name.evaluate("el => el === document.activeElement"):
            break
    page.keyboard.type("Contoso Secure Gateway")
    page.evaluate("window.scrollTo(0, 0)")  # the navigation bar in the picture too
    shoot(page, "keyboard-focused-field")


def reviewer_pictures(page: Page, base: str) -> None:
    sign_in(page, base, REVIEWER)
    page.goto(f"{base}/admin/")
    page.get_by_role("link", name="Content review queue").first.click()
    page.get_by_role("button", name="Toggle navigation").click()  # the queue's columns need the room
    expect(page.locator("#result_list tbody tr").first).to_be_visible()  # the demo item waiting for review
    shoot(page, "admin-review-queue")


def operator_pictures(page: Page, base: str) -> None:
    sign_in(page, base, OPERATOR)
    page.set_viewport_size({**VIEWPORT, "height": 1500})  # the queues, the throughput charts and the offers
    page.goto(f"{base}/admin/")
    expect(page.get_by_test_id("chart-offers-by-status")).to_have_attribute("data-drawn", re.compile(r"^[1-9]"))
    shoot(page, "admin-dashboard")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765, help="port to serve the portal on while photographing")
    port = parser.parse_args().port
    base = f"http://127.0.0.1:{port}"
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="portal-screenshots-") as folder:
        process = serve(port, Path(folder))
        try:
            wait_until_up(process, base, Path(folder) / "make-run.log")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                for take in (publisher_pictures, keyboard_pictures, reviewer_pictures, operator_pictures):
                    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
                    context.set_default_timeout(20_000)
                    take(context.new_page(), base)
                    context.close()
                browser.close()
        finally:
            stop(process)


if __name__ == "__main__":
    main()
