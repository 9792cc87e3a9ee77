"""Test drive data validation and provisioning through the provisioner interface."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from certification.checks.base import StepContext, TransientCheckError
from certification.checks.test_drive import check_test_drive_data, check_test_drive_provisioning
from certification.provisioning import LocalProvisioner, ProvisioningRefused, hot_instances, provisioner_get
from offers.demo import offer_fill_all, offer_fill_page
from offers.samples.misc import LEADS_URL
from offers.snapshots import snapshot_build
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

CALLS = []


class RefusingProvisioner:
    def provision(self, key, region, count, template):
        raise ProvisioningRefused("the template deploys a resource type that test drives do not support")


class UnreachableProvisioner:
    def provision(self, key, region, count, template):
        raise ConnectionError("provisioning service unreachable")


class RecordingProvisioner(LocalProvisioner):
    def provision(self, key, region, count, template):
        CALLS.append(region)
        return super().provision(key, region, count, template)


def _context(owner, offer_type="azure_application", submission_id=1) -> StepContext:
    """Return the context of a complete offer with a test drive (ARM for Azure, Power BI for SaaS)."""
    offer = OfferFactory(account=owner.account, offer_type=offer_type)
    offer_fill_all(offer, owner.user)
    if offer_type != "saas":
        setup = {"leads_destination": "https", "leads_https_url": LEADS_URL, "test_drive": "on"}
        offer_fill_page(offer, "offer_setup", owner.user, data=setup)
        offer_fill_page(offer, "test_drive", owner.user)
    return StepContext(
        submission_id=submission_id,
        snapshot=snapshot_build(offer),
        account=owner.account,
        offer=offer,
        phase="automated_validation",
        step_key="test_drive",
    )


def _page(ctx) -> dict:
    return ctx.snapshot["pages"]["test_drive"]


def _replace_package(ctx, members: dict) -> None:
    """Point the snapshot's test drive package at a newly stored zip of the given members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    path = default_storage.save("tests/test-drive.zip", ContentFile(buffer.getvalue()))
    ctx.snapshot["files"][str(_page(ctx)["arm_template"])]["path"] = path


def _fields(findings) -> list[str]:
    return [finding.field for finding in findings]


def test_a_complete_arm_test_drive_passes_validation(owner):
    assert check_test_drive_data(_context(owner)) == []


def test_a_complete_power_bi_test_drive_of_a_saas_offer_needs_no_template(owner):
    ctx = _context(owner, "saas")
    assert _page(ctx)["test_drive_type"] == "power_bi"
    assert check_test_drive_data(ctx) == []


def test_an_unknown_region_fails_on_the_regions_field(owner):
    ctx = _context(owner)
    _page(ctx)["regions"] = ["eastus", "moon-base-1"]
    [finding] = check_test_drive_data(ctx)
    assert (finding.code, finding.field, finding.page) == ("test_drive.unknown_region", "regions", "test_drive")
    assert "moon-base-1" in finding.message


def test_a_test_drive_without_regions_fails(owner):
    ctx = _context(owner)
    _page(ctx)["regions"] = []
    assert _fields(check_test_drive_data(ctx)) == ["regions"]


def test_more_hot_instances_than_the_limit_fail(owner):
    ctx = _context(owner)
    _page(ctx)["hot_instances"] = 11
    assert _fields(check_test_drive_data(ctx)) == ["hot_instances"]


def test_a_duration_outside_the_limits_fails(owner):
    ctx = _context(owner)
    _page(ctx)["duration_hours"] = 0
    assert _fields(check_test_drive_data(ctx)) == ["duration_hours"]


def test_a_type_the_offer_type_does_not_support_fails(owner):
    ctx = _context(owner)
    _page(ctx)["test_drive_type"] = "power_bi"
    assert _fields(check_test_drive_data(ctx)) == ["test_drive_type"]


def test_a_test_drive_without_a_leads_destination_fails_on_the_offer_setup(owner):
    ctx = _context(owner)
    ctx.snapshot["pages"]["offer_setup"]["leads_destination"] = ""
    [finding] = check_test_drive_data(ctx)
    assert (finding.page, finding.field) == ("offer_setup", "leads_destination")


def test_an_arm_test_drive_without_its_package_fails(owner):
    ctx = _context(owner)
    _page(ctx)["arm_template"] = None
    assert _fields(check_test_drive_data(ctx)) == ["arm_template"]


def test_a_package_whose_template_does_not_parse_fails(owner):
    ctx = _context(owner)
    _replace_package(ctx, {"main-template.json": '{"resources": [ broken'})
    [finding] = check_test_drive_data(ctx)
    assert (finding.code, finding.field) == ("test_drive.template_invalid", "arm_template")
    assert "not valid JSON" in finding.message


def test_a_package_without_main_template_json_fails(owner):
    ctx = _context(owner)
    _replace_package(ctx, {"readme.txt": "no template here"})
    [finding] = check_test_drive_data(ctx)
    assert "main-template.json" in finding.message


def test_provisioning_records_the_hot_instances_of_every_region(owner):
    ctx = _context(owner, submission_id=101)
    assert check_test_drive_provisioning(ctx) == []
    recorded = hot_instances(ctx.key)
    assert sorted(recorded) == ["eastus", "westeurope"]
    assert all(len(ids) == 2 for ids in recorded.values())


def test_provisioning_again_for_the_same_step_does_not_double_the_instances(owner):
    ctx = _context(owner, submission_id=102)
    check_test_drive_provisioning(ctx)
    first = hot_instances(ctx.key)
    check_test_drive_provisioning(ctx)
    assert hot_instances(ctx.key) == first
    assert all(len(ids) == 2 for ids in first.values())


def test_each_submission_gets_its_own_instances(owner):
    one, two = _context(owner, submission_id=103), _context(owner, submission_id=104)
    check_test_drive_provisioning(one)
    check_test_drive_provisioning(two)
    assert set(hot_instances(one.key)["eastus"]).isdisjoint(hot_instances(two.key)["eastus"])


def test_the_provisioner_is_read_from_settings_at_call_time(settings):
    settings.TEST_DRIVE_PROVISIONER = f"{__name__}.RefusingProvisioner"
    assert isinstance(provisioner_get(), RefusingProvisioner)
    del settings.TEST_DRIVE_PROVISIONER
    assert isinstance(provisioner_get(), LocalProvisioner)


def test_a_provisioner_refusing_the_configuration_fails_the_step_with_a_finding(owner, settings):
    settings.TEST_DRIVE_PROVISIONER = f"{__name__}.RefusingProvisioner"
    [finding] = check_test_drive_provisioning(_context(owner, submission_id=105))
    assert (finding.code, finding.field, finding.policy) == (
        "test_drive.provisioning_refused",
        "arm_template",
        "100.12",
    )


def test_an_unreachable_provisioner_is_our_failure_and_retried(owner, settings):
    settings.TEST_DRIVE_PROVISIONER = f"{__name__}.UnreachableProvisioner"
    with pytest.raises(TransientCheckError):
        check_test_drive_provisioning(_context(owner, submission_id=106))


def test_an_invalid_configuration_is_never_provisioned(owner, settings):
    settings.TEST_DRIVE_PROVISIONER = f"{__name__}.RecordingProvisioner"
    CALLS.clear()
    ctx = _context(owner, submission_id=107)
    _page(ctx)["hot_instances"] = 50
    assert _fields(check_test_drive_provisioning(ctx)) == ["hot_instances"]
    assert CALLS == []
    assert hot_instances(ctx.key) == {}
