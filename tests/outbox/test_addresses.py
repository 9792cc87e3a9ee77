"""The private-address policy: one judgement of hosts for the outbound client and the network check."""

import pytest

from outbox.addresses import host_problem
from outbox.outbound import OutboundRefused, outbound_check_url


@pytest.mark.parametrize(
    ("host", "problem"),
    [
        ("8.8.8.8", ""),
        ("contoso.example", ""),
        ("100.64.0.1", "private"),
        ("0x7f.1", "private"),
        ("::ffff:10.0.0.1", "private"),
        ("224.0.0.251", "private"),
        ("intranet", "private"),
        ("metadata.google.internal", "metadata"),
        ("fd00:ec2::254", "metadata"),
    ],
)
def test_hosts_are_judged_on_their_literal_alone(host, problem):
    assert host_problem(host) == problem


@pytest.mark.parametrize(
    "host", ["169.254.169.254", "[fd00:ec2::254]", "metadata.google.internal", "224.0.0.251", "10.0.0.1", "2130706433"]
)
def test_the_outbound_client_refuses_what_the_policy_refuses(host):
    with pytest.raises(OutboundRefused):
        outbound_check_url(f"https://{host}/leads")


def test_an_allowed_private_network_opens_to_the_outbound_client_but_never_a_metadata_address(settings):
    settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8", "169.254.0.0/16"]
    outbound_check_url("https://127.0.0.1:8443/leads")
    with pytest.raises(OutboundRefused):
        outbound_check_url("https://169.254.169.254/latest/meta-data")


def test_an_allowed_private_network_counts_only_where_the_configuration_may_use_it(settings):
    settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS = ["10.0.0.0/8"]
    assert host_problem("10.1.2.3", allow_configured=True) == ""
    assert host_problem("10.1.2.3") == "private"  # inside a package, the operators' test networks never count
