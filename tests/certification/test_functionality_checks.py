"""The functionality probe: a SaaS offer's endpoints answer; Azure technical configurations hold together."""

import datetime

import pytest
from django.utils import timezone

from certification.checks.functionality import check_functionality, sas_uri_problem
from offers.snapshots import snapshot_build
from tests.certification.test_technical_checks import complete_offer, technical_context

pytestmark = pytest.mark.django_db


def _saas(landing: str, webhook: str) -> dict:
    """Return a snapshot of a SaaS offer sold through Microsoft with these endpoints."""
    return {
        "offer": {"id": 1, "offer_id": "contoso-saas", "type": "saas"},
        "account": {"id": 3},
        "pages": {
            "offer_setup": {"sell_through_microsoft": True},
            "technical_configuration": {"landing_page_url": landing, "connection_webhook": webhook},
        },
        "plans": [{"plan_id": "standard", "status": "draft", "data": {}}],
        "files": {},
    }


def test_a_saas_offer_whose_endpoints_answer_passes(https_endpoint):
    snapshot = _saas(https_endpoint.url("/activate"), https_endpoint.url("/webhook"))
    assert check_functionality(technical_context(snapshot)) == []


def test_the_webhook_receives_a_test_event_shaped_like_a_fulfillment_event(https_endpoint):
    check_functionality(technical_context(_saas(https_endpoint.url("/activate"), https_endpoint.url("/webhook"))))

    [request] = https_endpoint.received("POST", "/webhook")
    event = request["json"]
    assert event["action"] == "Unsubscribe"
    assert event["status"] == "InProgress"
    assert event["test"] is True
    assert event["offerId"] == "contoso-saas"
    assert {"id", "subscriptionId", "timeStamp"} <= event.keys()
    assert https_endpoint.received("GET", "/activate")


def test_a_retried_probe_sends_the_same_event_ids(https_endpoint):
    snapshot = _saas(https_endpoint.url("/activate"), https_endpoint.url("/webhook"))
    check_functionality(technical_context(snapshot))
    check_functionality(technical_context(snapshot))

    first, second = (request["json"] for request in https_endpoint.received("POST", "/webhook"))
    assert (first["id"], first["subscriptionId"]) == (second["id"], second["subscriptionId"])


def test_endpoints_that_answer_with_an_error_fail_with_their_policies(https_endpoint):
    https_endpoint.status = 500
    snapshot = _saas(https_endpoint.url("/activate"), https_endpoint.url("/webhook"))

    findings = check_functionality(technical_context(snapshot))

    assert [(f.code, f.policy, f.field) for f in findings] == [
        ("functionality.landing_page_unreachable", "1000.6", "landing_page_url"),
        ("functionality.webhook_unreachable", "1000.4", "connection_webhook"),
    ]
    assert all(f.page == "technical_configuration" and not f.system for f in findings)
    assert "500" in findings[0].message


def test_a_webhook_that_redirects_does_not_accept_the_event(https_endpoint):
    https_endpoint.status = 302
    snapshot = _saas(https_endpoint.url("/activate"), https_endpoint.url("/webhook"))

    findings = check_functionality(technical_context(snapshot))

    assert [f.code for f in findings] == ["functionality.webhook_unreachable"]


def test_plain_http_endpoints_are_refused_without_being_requested(http_endpoint):
    snapshot = _saas(http_endpoint.url("/activate"), http_endpoint.url("/webhook"))

    findings = check_functionality(technical_context(snapshot))

    assert [f.code for f in findings] == ["functionality.landing_page_unreachable", "functionality.webhook_unreachable"]
    assert "https" in findings[0].message
    assert http_endpoint.requests == []


def test_a_private_endpoint_is_refused_when_settings_do_not_allow_it(https_endpoint, settings):
    settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS = []
    snapshot = _saas(https_endpoint.url("/activate"), https_endpoint.url("/webhook"))

    assert len(check_functionality(technical_context(snapshot))) == 2
    assert https_endpoint.requests == []


def test_missing_endpoints_are_findings_not_errors():
    findings = check_functionality(technical_context(_saas("", "")))
    assert [f.code for f in findings] == [
        "functionality.landing_page_url_missing",
        "functionality.connection_webhook_missing",
    ]


def test_a_saas_offer_not_sold_through_microsoft_is_not_probed():
    snapshot = _saas("https://127.0.0.1:1/", "https://127.0.0.1:1/")
    snapshot["pages"]["offer_setup"]["sell_through_microsoft"] = False
    assert check_functionality(technical_context(snapshot)) == []


def test_a_managed_application_plan_without_its_monthly_price_fails(owner):
    snapshot = snapshot_build(complete_offer(owner, "azure_application"))
    snapshot["plans"][0]["data"]["monthly_price"] = None

    [finding] = check_functionality(technical_context(snapshot))

    assert (finding.code, finding.page, finding.field) == (
        "functionality.price_missing",
        "plan:plan-1",
        "monthly_price",
    )


def test_an_azure_application_without_a_valid_entra_tenant_fails(owner):
    snapshot = snapshot_build(complete_offer(owner, "azure_application"))
    snapshot["pages"]["technical_configuration"]["tenant_id"] = "contoso"

    [finding] = check_functionality(technical_context(snapshot))

    assert (finding.code, finding.field) == ("functionality.entra_app_invalid", "tenant_id")


def test_a_vm_image_whose_sas_uri_has_expired_fails(owner):
    snapshot = snapshot_build(complete_offer(owner, "azure_vm"))
    data = snapshot["plans"][0]["data"]
    data["image_1_sas_uri"] = data["image_1_sas_uri"].replace("se=2030-01-01", "se=2020-01-01")

    [finding] = check_functionality(technical_context(snapshot))

    assert (finding.code, finding.page, finding.field) == (
        "functionality.sas_expired",
        "plan:plan-1",
        "image_1_sas_uri",
    )
    assert finding.policy == "100.12"
    assert "2020-01-01" in finding.message


def test_a_vm_plan_without_any_image_fails(owner):
    snapshot = snapshot_build(complete_offer(owner, "azure_vm"))
    snapshot["plans"][0]["data"].update(image_1_version="", image_1_sas_uri="")

    [finding] = check_functionality(technical_context(snapshot))

    assert finding.code == "functionality.no_image"


SAS = "https://contosoimages.blob.core.example/vhds/a.vhd?sv=2022-11-02&sr=b&sp=r&sig=abc"


@pytest.mark.parametrize(
    ("uri", "code"),
    [
        (SAS.replace("https:", "http:") + "&se=2030-01-01", "functionality.sas_invalid"),
        (SAS.replace("&sig=abc", "") + "&se=2030-01-01", "functionality.sas_invalid"),
        (SAS.replace("sp=r", "sp=w") + "&se=2030-01-01", "functionality.sas_invalid"),
        (SAS + "&se=soon", "functionality.sas_invalid"),
        (SAS, "functionality.sas_invalid"),
    ],
)
def test_a_sas_uri_without_https_signature_read_access_or_expiry_is_invalid(uri, code):
    assert sas_uri_problem(uri)[0] == code


def test_a_sas_uri_expiring_within_three_weeks_is_a_warning():
    soon = (timezone.now() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    code, _message, severity = sas_uri_problem(f"{SAS}&se={soon}")
    assert (code, severity) == ("functionality.sas_expiring", "warning")
