"""The publisher sandbox answers at every address the portal advertises and shows what it received."""

import subprocess
import sys

import requests

from outbox.outbound import outbound_request
from outbox.sandbox import SANDBOX_PATHS, sandbox_addresses
from sandbox import server as sandbox_server
from tests.support import free_port


def test_the_portal_advertises_the_paths_the_sandbox_serves():
    served = {
        "landing_page_url": sandbox_server.LANDING,
        "connection_webhook": sandbox_server.WEBHOOK,
        "leads_https_url": sandbox_server.LEADS,
        "site": sandbox_server.SITE,
    }
    assert served == SANDBOX_PATHS


def test_every_advertised_address_answers_the_portals_outbound_client(publisher_sandbox):
    addresses = sandbox_addresses()
    assert outbound_request("GET", addresses["landing_page_url"]).status == 200
    assert outbound_request("POST", addresses["connection_webhook"], json={"action": "Ping"}).status == 200
    assert outbound_request("POST", addresses["leads_https_url"], json={"leadId": "MSFT_TEST_1"}).status == 200
    assert outbound_request("GET", f"{addresses['site']}privacy").status == 200


def test_an_address_the_sandbox_does_not_serve_fails(publisher_sandbox):
    assert outbound_request("GET", f"{publisher_sandbox.base_url}/privacy").status == 404


def test_leads_and_webhook_calls_are_kept_and_listed_newest_first(publisher_sandbox):
    addresses = sandbox_addresses()
    outbound_request("POST", addresses["leads_https_url"], json={"leadId": "MSFT_TEST_7", "offerId": "contoso"})
    outbound_request("POST", addresses["connection_webhook"], json={"action": "Unsubscribe", "offerId": "contoso"})
    latest = publisher_sandbox.inbox.latest()
    assert [(r["kind"], r["body"].get("offerId")) for r in latest] == [("webhook", "contoso"), ("lead", "contoso")]


def test_a_body_that_is_not_json_is_refused(publisher_sandbox):
    response = requests.post(
        sandbox_addresses()["leads_https_url"], data=b"not json", verify=str(publisher_sandbox.ca_path), timeout=5
    )
    assert response.status_code == 400
    assert publisher_sandbox.inbox.latest() == []


def test_run_with_a_command_serves_while_it_runs_and_returns_its_status(tmp_path):
    state = tmp_path / "state"
    script = (
        "import ssl, sys, urllib.request\n"
        f"context = ssl.create_default_context(cafile={str(state / 'ca.pem')!r})\n"
        "url = sys.argv[1] + '/site/home'\n"
        "sys.exit(0 if urllib.request.urlopen(url, context=context).status == 200 else 3)\n"
    )
    port = free_port()
    done = subprocess.run(
        [sys.executable, "-m", "sandbox", "--port", str(port), "--state", str(state), "--",
         sys.executable, "-c", script, f"https://127.0.0.1:{port}"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Publisher sandbox: https://127.0.0.1:{port}/" in done.stdout
