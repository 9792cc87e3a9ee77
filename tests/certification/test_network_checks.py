"""Network destinations in an offer's configuration and packages: https only, public hosts only."""

import copy

import pytest

from certification.checks.network import check_network_destinations
from offers.samples.plans import MAIN_TEMPLATE
from tests.certification.test_technical_checks import app_package, azure_app_snapshot, technical_context, zip_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_private_networks_allowed(settings):
    settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS = []


def _configured(page: str, field: str, value) -> dict:
    """Return a snapshot whose only configured value is ``value`` in ``page``/``field``."""
    return {"offer": {"type": "saas", "offer_id": "contoso"}, "pages": {page: {field: value}}, "plans": [], "files": {}}


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.5/leads",
        "https://127.0.0.1:8443/leads",
        "https://169.254.169.254/metadata/instance",
        "https://localhost/leads",
        "https://[::1]/leads",
        "https://2130706433/leads",
        "https://leads.corp.internal/api",
        "https://printer.local/",
    ],
)
def test_a_private_loopback_link_local_or_metadata_destination_in_the_configuration_is_refused(url):
    snapshot = _configured("offer_setup", "leads_https_url", url)

    [finding] = check_network_destinations(technical_context(snapshot))

    assert finding.code == "network.private_destination"
    assert finding.policy == "100.11"
    assert (finding.page, finding.field) == ("offer_setup", "leads_https_url")
    assert url in finding.message


def test_the_metadata_endpoint_is_named_as_such():
    snapshot = _configured("technical_configuration", "connection_webhook", "https://169.254.169.254/hook")
    [finding] = check_network_destinations(technical_context(snapshot))
    assert "metadata" in finding.message


def test_an_http_link_in_a_description_is_refused_as_insecure():
    html = '<p>See <a href="http://contoso.example/docs">the docs</a>.</p>'
    [finding] = check_network_destinations(technical_context(_configured("offer_listing", "description", html)))
    assert finding.code == "network.insecure_url"
    assert (finding.page, finding.field) == ("offer_listing", "description")
    assert "http://contoso.example/docs" in finding.message


def test_a_plan_value_is_checked_at_the_plans_field():
    snapshot = _configured("offer_setup", "leads_https_url", "")
    snapshot["plans"] = [
        {"plan_id": "gold", "status": "draft", "data": {"image_1_sas_uri": "https://192.168.1.4/a.vhd"}}
    ]
    [finding] = check_network_destinations(technical_context(snapshot))
    assert (finding.page, finding.field) == ("plan:gold", "image_1_sas_uri")


def test_public_https_destinations_pass():
    snapshot = _configured("offer_setup", "leads_https_url", "https://leads.contoso.example/api?x=https://8.8.8.8/")
    assert check_network_destinations(technical_context(snapshot)) == []


def test_networks_allowed_in_settings_may_be_configured_destinations(settings):
    settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]
    snapshot = _configured("technical_configuration", "landing_page_url", "https://127.0.0.1:8443/landing")
    assert check_network_destinations(technical_context(snapshot)) == []


def test_an_http_url_in_a_package_is_refused_naming_the_member_and_line(owner):
    template = copy.deepcopy(MAIN_TEMPLATE)
    template["variables"] = {"installer": "http://downloads.contoso.example/setup.sh"}
    snapshot = azure_app_snapshot(owner, app_package(**{"mainTemplate.json": template}))

    [finding] = check_network_destinations(technical_context(snapshot))

    assert finding.code == "network.insecure_url"
    assert (finding.page, finding.field) == ("plan:plan-1", "package")
    assert "mainTemplate.json line 1" in finding.message
    assert "http://downloads.contoso.example/setup.sh" in finding.message


@pytest.mark.parametrize(
    ("script", "address"),
    [
        (b"curl -fsSL https://10.0.0.5/agent.sh -o /tmp/agent.sh\n", "10.0.0.5"),
        (b"# configure\nwget -q -O- https://127.0.0.1:9000/token\n", "127.0.0.1"),
        (b"TOKEN=$(curl -H Metadata:true 169.254.169.254/metadata/identity)\n", "169.254.169.254"),
        (b"export API=localhost:5000\n", "localhost:5000"),
    ],
)
def test_a_private_destination_in_a_package_script_is_refused(owner, script, address):
    snapshot = azure_app_snapshot(owner, app_package(**{"scripts/setup.sh": script}))

    [finding] = check_network_destinations(technical_context(snapshot))

    assert finding.code == "network.private_destination"
    assert "scripts/setup.sh" in finding.message
    assert address in finding.message


def test_a_private_destination_in_a_zip_inside_the_package_is_refused(owner):
    inner = zip_bytes({"config.json": {"endpoint": "https://10.1.2.3/api"}})
    snapshot = azure_app_snapshot(owner, app_package(**{"artifacts/agent.zip": inner}))

    [finding] = check_network_destinations(technical_context(snapshot))

    assert "artifacts/agent.zip/config.json" in finding.message


def test_a_package_may_never_use_a_private_destination_even_where_settings_allow_one(owner, settings):
    settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]
    snapshot = azure_app_snapshot(owner, app_package(**{"scripts/setup.sh": b"curl https://127.0.0.1/x\n"}))
    assert [f.code for f in check_network_destinations(technical_context(snapshot))] == ["network.private_destination"]


def test_schema_and_namespace_identifiers_are_not_destinations(owner):
    members = {
        "schema.json": {"$schema": "http://json-schema.org/draft-07/schema#"},
        "icon.svg": b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
        "cidr.json": {"addressPrefix": "10.0.0.0/16", "privateIPAddress": "10.0.0.4"},
    }
    snapshot = azure_app_snapshot(owner, app_package(**members))
    assert check_network_destinations(technical_context(snapshot)) == []


def test_the_publisher_sandbox_may_be_a_configured_destination_by_its_exact_address(settings):
    settings.OUTBOUND_SANDBOX_URL = "https://127.0.0.1:8443"
    sandbox = _configured("technical_configuration", "landing_page_url", "https://127.0.0.1:8443/saas/landing")
    other_port = _configured("technical_configuration", "landing_page_url", "https://127.0.0.1:8444/saas/landing")
    assert check_network_destinations(technical_context(sandbox)) == []
    assert [f.code for f in check_network_destinations(technical_context(other_port))] == [
        "network.private_destination"
    ]


def test_a_package_may_never_use_the_publisher_sandbox(owner, settings):
    settings.OUTBOUND_SANDBOX_URL = "https://127.0.0.1:8443"
    snapshot = azure_app_snapshot(owner, app_package(**{"scripts/setup.sh": b"curl https://127.0.0.1:8443/x\n"}))
    assert [f.code for f in check_network_destinations(technical_context(snapshot))] == ["network.private_destination"]
