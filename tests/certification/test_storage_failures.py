"""A stored file we cannot read is our failure: the publisher reads in plain words what could not be done; the
detail (the file's path, the storage's error) goes only to the logs and the operators' alert."""

import pytest
from django.core.files.storage import default_storage

from certification.checks.malware import check_malware
from certification.checks.network import check_network_destinations
from certification.checks.package import check_package
from tests.certification.test_technical_checks import (
    app_package,
    azure_app_snapshot,
    snapshot_with_page_file,
    technical_context,
)

pytestmark = pytest.mark.django_db

ADMIN = "operators@portal.example"
CHECKS = [
    pytest.param(check_malware, "malware.unreadable", id="malware"),
    pytest.param(check_network_destinations, "network.unreadable", id="network"),
    pytest.param(check_package, "package.unreadable", id="package"),
]


@pytest.fixture
def package_gone(owner):
    """A snapshot whose Azure Application package is no longer in the storage; its record."""
    snapshot = azure_app_snapshot(owner, app_package(), name="contoso-app.zip")
    [record] = [r for r in snapshot["files"].values() if r["name"] == "contoso-app.zip"]
    default_storage.delete(record["path"])
    return snapshot, record


@pytest.mark.parametrize(("check", "code"), CHECKS)
def test_a_file_the_storage_cannot_read_is_a_system_finding_in_plain_words(package_gone, check, code):
    snapshot, _record = package_gone

    [finding] = [f for f in check(technical_context(snapshot)) if f.code == code]

    assert finding.system
    assert finding.severity == "critical"
    assert "contoso-app.zip could not be" in finding.message
    assert "our operators have been alerted" in finding.message


@pytest.mark.parametrize(("check", "code"), CHECKS)
def test_the_finding_for_an_unreadable_file_names_no_path_and_no_error(package_gone, settings, check, code):
    snapshot, record = package_gone

    [finding] = [f for f in check(technical_context(snapshot)) if f.code == code]

    for detail in (record["path"], str(settings.MEDIA_ROOT), "FileNotFoundError", "No such file"):
        assert detail not in finding.message


@pytest.mark.parametrize(("check", "code"), CHECKS)
def test_the_operators_alert_carries_the_detail_of_an_unreadable_file(package_gone, settings, mailoutbox, check, code):
    settings.ADMINS = [(ADMIN, ADMIN)]
    snapshot, record = package_gone

    check(technical_context(snapshot))

    [alert] = [m for m in mailoutbox if ADMIN in m.to]
    assert code in alert.subject
    assert "submission 7" in alert.subject  # the context technical_context gives
    assert record["path"] in alert.body
    assert "FileNotFoundError" in alert.body


def test_the_finding_for_unloadable_malware_rules_names_no_path(owner, settings, tmp_path, mailoutbox):
    settings.ADMINS = [(ADMIN, ADMIN)]
    settings.MALWARE_RULES_PATH = str(tmp_path / "absent.yar")
    snapshot = snapshot_with_page_file(owner, b"plain bytes", name="logo.png", content_type="image/png")

    [finding] = check_malware(technical_context(snapshot))

    assert finding.code == "malware.rules_unavailable"
    assert str(tmp_path) not in finding.message
    [alert] = [m for m in mailoutbox if ADMIN in m.to]
    assert str(tmp_path) in alert.body
