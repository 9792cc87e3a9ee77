"""The outbound client tells a machine without network from a broken address, and admits the sandbox alone."""

import socket
from urllib.parse import urlsplit

import pytest

from outbox.addresses import sandbox_admitted
from outbox.outbound import OutboundRefused, outbound_check_url, outbound_network_down, outbound_request
from outbox.sandbox import SANDBOX_PATHS, sandbox_addresses

UNRESOLVABLE = "https://docs.contoso.invalid/privacy"  # .invalid never resolves, with or without a network


def _port(endpoint) -> int:
    return urlsplit(endpoint.base_url).port


@pytest.fixture
def sandbox(https_endpoint, test_ca, settings):
    """The local endpoint as the publisher sandbox: its CA trusted for it alone, no private network allowed."""
    settings.OUTBOUND_SANDBOX_URL = https_endpoint.base_url
    settings.OUTBOUND_SANDBOX_CA = test_ca[1]
    settings.OUTBOUND_CA_BUNDLE = ""
    settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS = []
    return https_endpoint


def test_a_name_that_does_not_resolve_is_a_network_error():
    result = outbound_request("GET", UNRESOLVABLE)
    assert not result.ok
    assert result.network_error
    assert "could not be resolved" in result.detail


def test_a_local_endpoint_that_does_not_answer_is_not_a_network_error(settings):
    settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = outbound_request("GET", f"https://127.0.0.1:{port}/")
    assert not result.ok
    assert not result.network_error


def test_an_answer_of_500_is_not_a_network_error(https_endpoint):
    https_endpoint.status = 500
    result = outbound_request("GET", https_endpoint.url("/"))
    assert (result.ok, result.status, result.network_error) == (False, 500, False)


def test_the_network_is_down_when_the_probe_does_not_resolve(settings):
    settings.OUTBOUND_NETWORK_PROBE = "probe.portal.invalid:443"
    assert outbound_network_down()


def test_the_network_is_up_when_the_probe_accepts_a_connection(settings, https_endpoint):
    settings.OUTBOUND_NETWORK_PROBE = f"127.0.0.1:{_port(https_endpoint)}"
    assert not outbound_network_down()


def test_the_sandbox_is_reached_through_its_own_ca_with_no_private_network_allowed(sandbox):
    result = outbound_request("POST", sandbox.url("/leads"), json={"leadId": "MSFT_TEST_1"})
    assert result.ok
    assert sandbox.received("POST", "/leads")[0]["json"] == {"leadId": "MSFT_TEST_1"}


def test_another_port_of_the_sandbox_host_is_still_refused(sandbox):
    assert not sandbox_admitted(f"https://127.0.0.1:{_port(sandbox) + 1}/leads")
    with pytest.raises(OutboundRefused):
        outbound_check_url(f"https://127.0.0.1:{_port(sandbox) + 1}/leads")
    with pytest.raises(OutboundRefused):
        outbound_check_url(sandbox.url("/leads").replace("127.0.0.1", "localhost"))


def test_the_sandbox_ca_is_trusted_for_the_sandbox_only(sandbox, settings, test_ca):
    import ssl

    from tests.endpoints import endpoint_serve

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    test_ca[0].issue_cert("127.0.0.1").configure_cert(context)
    other, stop = endpoint_serve(tls_context=context)
    settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]  # reachable by policy, so only trust decides
    try:
        result = outbound_request("GET", other.url("/"))
    finally:
        stop()
    assert not result.ok
    assert "TLS certificate" in result.detail
    assert other.requests == []


def test_without_debug_there_is_no_sandbox(sandbox, settings):
    settings.OUTBOUND_SANDBOX_URL = ""  # what portal/settings.py sets whenever DEBUG is off
    assert sandbox_addresses() == {}
    assert not outbound_request("GET", sandbox.url("/saas/landing")).ok


def test_the_sandbox_addresses_are_its_paths_on_its_url(settings):
    settings.OUTBOUND_SANDBOX_URL = "https://127.0.0.1:8443"
    addresses = sandbox_addresses()
    assert addresses["leads_https_url"] == "https://127.0.0.1:8443/leads"
    assert set(addresses) == set(SANDBOX_PATHS)
