"""In Chromium, against the portal started as `make run` starts it: with no service, no configuration and no network.

A copy of the working tree runs `make run` (SQLite and Celery's filesystem broker under its own var/, web, the two
workers (worker and first), beat and the publisher sandbox under honcho, the demo data loaded through the sandbox). A newcomer takes a new SaaS
offer from Draft to Live and the storefront, with a reviewer in admin, and takes the demo's Preview offer live.
Nothing here reads the database: everything goes through the browser, as a newcomer would.
"""

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_TOTP_SECRETS
from offers.samples import listing, misc, plans
from tests.browser.filling import fill_form
from tests.support import browser_go_live, browser_staff_sign_in, free_port

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
OWNER = ("owner@contoso.example", "demo-owner-pass")
REVIEWER = ("reviewer@portal.example", "demo-reviewer-pass")
NO_NETWORK = "could not be verified: no network"
LISTING_NAME = "Northwind Field Insights"
STARTED_WITHIN = 240  # seconds for `make run` to migrate, load the demo data and serve
PHASE_WITHIN = 90_000  # milliseconds for the worker to carry a submission through a phase


@dataclass
class MadeRun:
    url: str
    sandbox: str
    folder: Path


def _copy_of_the_working_tree(target: Path) -> None:
    """Copy what a clone holds (tracked and new files, as they are now), keeping times so make installs nothing."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (entry.decode() for entry in listed)):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(ROOT / ".venv")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def made_run(tmp_path_factory):
    """`make run` in a copy of the working tree, on free ports; stopped (its whole process group) afterwards."""
    folder = tmp_path_factory.mktemp("make-run")
    _copy_of_the_working_tree(folder)
    port, sandbox_port = free_port(), free_port()
    # A newcomer's shell: nothing of the test session's configuration. The machine has no network; the probe is
    # pinned to a name that never resolves, so the test means the same on a machine that has one.
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(folder)),
        "LANG": "C.UTF-8",
        "OUTBOUND_NETWORK_PROBE": "network-probe.invalid:443",
    }
    log = (folder / "make-run.log").open("wb")
    process = subprocess.Popen(
        # -o: the virtual environment of this test session is installed; make must not install it again
        ["make", "run", f"PORT={port}", f"SANDBOX_PORT={sandbox_port}", "-o", ".venv/.installed"],
        cwd=folder,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTED_WITHIN
        while not _answers(f"{url}/healthz"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"make run did not serve:\n{(folder / 'make-run.log').read_text()[-4000:]}")
            time.sleep(0.5)
        yield MadeRun(url=url, sandbox=f"https://127.0.0.1:{sandbox_port}", folder=folder)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _sign_in(page, run: MadeRun, who: tuple[str, str]) -> None:
    page.goto("about:blank")  # the last page stops polling before its cookies go
    page.context.clear_cookies()
    page.goto(f"{run.url}/sign-in/")
    page.get_by_label("Email").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def _pages(run: MadeRun) -> dict:
    """The sample values of a SaaS offer sold through Microsoft, with the sandbox as the publisher's services."""
    setup = misc.saas_setup_data(sell_through_microsoft=True, test_drive=False)
    setup["leads_https_url"] = f"{run.sandbox}/leads"
    technical, _files = plans.page_data("saas", "technical_configuration")
    technical.update(landing_page_url=f"{run.sandbox}/saas/landing", connection_webhook=f"{run.sandbox}/saas/webhook")
    listed, files = listing.page_data("saas", "offer_listing")
    listed["name"] = LISTING_NAME  # its links stay outside: https://contoso.example/…, unreachable here
    return {
        "offer_setup": (setup, {}),
        "properties": misc.page_data("saas", "properties"),
        "offer_listing": (listed, files),
        "preview_audience": misc.page_data("saas", "preview_audience"),
        "technical_configuration": (technical, {}),
        "resell": plans.page_data("saas", "resell"),
    }


def _fill(page, run: MadeRun, offer_url: str, key: str, values, tmp_path) -> None:
    data, files = values
    page.goto(f"{offer_url}pages/{key}/")
    fill_form(page, data, files or {}, tmp_path)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("page-status")).to_have_text("Complete")


def _review_in_admin(page, run: MadeRun, model: str) -> None:
    """The reviewer finds the offer in the queue (once it arrives), claims it and approves it."""
    _admin_sign_in(page, run)
    page.goto(f"{run.url}/admin/certification/{model}/")
    row = page.locator("#result_list tbody tr").filter(has_text=LISTING_NAME)
    deadline = time.monotonic() + PHASE_WITHIN / 1000
    while row.count() == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        page.reload()
    row.get_by_role("link").first.click()
    expect(page.get_by_test_id("listing-name")).to_have_text(LISTING_NAME)
    page.get_by_test_id("claim").click()
    page.get_by_label("Approve").check()
    page.get_by_test_id("submit-decision").click()
    expect(page.locator(".messagelist")).to_contain_text("Approved")


def _admin_sign_in(page, run: MadeRun) -> None:
    page.goto("about:blank")  # the last page stops polling before its cookies go
    page.context.clear_cookies()
    browser_staff_sign_in(page, run.url, REVIEWER[0], REVIEWER[1], DEMO_TOTP_SECRETS[REVIEWER[0]])
    expect(page.get_by_role("link", name="Content review queue", exact=True)).to_be_visible()


def test_a_newcomer_takes_a_new_saas_offer_from_draft_to_live_and_the_storefront_with_no_network(
    made_run, page, tmp_path
):
    page.set_default_timeout(20_000)
    _sign_in(page, made_run, OWNER)
    page.get_by_role("link", name="New offer").click()
    page.get_by_label("Software as a Service (SaaS)").check()
    page.get_by_label("Offer ID").fill("northwind-field-insights")
    page.get_by_label("Offer alias").fill("Northwind Field Insights")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Offer setup")).to_be_visible()
    offer_url = re.sub(r"pages/offer_setup/$", "", page.url)

    pages = _pages(made_run)
    _fill(page, made_run, offer_url, "offer_setup", pages.pop("offer_setup"), tmp_path)
    expect(page.get_by_test_id("sandbox-help")).to_contain_text(f"{made_run.sandbox}/leads")
    for key, values in pages.items():
        _fill(page, made_run, offer_url, key, values, tmp_path)
    plan, plan_files = plans.plan_data("saas", 1)
    page.goto(f"{offer_url}pages/plans/")
    page.get_by_role("link", name="Create new plan").first.click()
    fill_form(page, plan, plan_files or {}, tmp_path)
    page.get_by_role("button", name="Create plan").click()
    expect(page.get_by_test_id("nav-status-plans")).to_have_text("Complete")

    page.goto(f"{offer_url}review/")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("overview-status")).to_have_text("Publish in progress")
    content = page.get_by_test_id("step-certification-content_checks")
    expect(content).to_have_text("Succeeded", timeout=PHASE_WITHIN)
    expect(page.get_by_test_id("timeline")).to_contain_text(NO_NETWORK)

    _review_in_admin(page, made_run, "contentreviewitem")
    _review_in_admin(page, made_run, "technicalreviewitem")

    _sign_in(page, made_run, OWNER)
    page.goto(offer_url)
    expect(page.get_by_test_id("go-live")).to_be_visible(timeout=PHASE_WITHIN)
    browser_go_live(page)
    expect(page.get_by_test_id("overview-status")).to_have_text("Live", timeout=PHASE_WITHIN)
    expect(page.get_by_test_id("offer-status")).to_have_text("Live")
    for step in ("automated_validation-purchase_flow", "automated_validation-lead_management", "publish-purchase_flow"):
        expect(page.get_by_test_id(f"step-{step}")).to_have_text("Succeeded")
    warnings = page.locator('[data-step="content_checks"] li', has_text=NO_NETWORK)
    expect(warnings).to_have_count(4)  # privacy policy, support and two useful links: not verified, not failed

    with page.expect_popup() as opened:
        page.get_by_test_id("listed-link").click()
    storefront = opened.value
    expect(storefront.get_by_role("heading", name=LISTING_NAME)).to_be_visible()


def test_the_demo_preview_offer_goes_live_through_go_live(made_run, page):
    page.set_default_timeout(20_000)
    _sign_in(page, made_run, OWNER)
    page.get_by_role("link", name="Contoso Data Platform").first.click()
    expect(page.get_by_test_id("overview-status")).to_have_text("Preview")
    browser_go_live(page)
    expect(page.get_by_test_id("overview-status")).to_have_text("Live", timeout=PHASE_WITHIN)
    expect(page.get_by_test_id("step-publish-lead_management")).to_have_text("Succeeded")
    expect(page.get_by_test_id("listed-link")).to_be_visible()
