"""Test drive data validation and provisioning: the configuration is sound, then hot instances are created."""

import zipfile

from django import forms
from django.utils.translation import gettext as _

from certification.checks.archives import FileUnreadable, snapshot_file_open
from certification.checks.base import Finding, StepContext, TransientCheckError
from certification.provisioning import ProvisioningRefused, provisioner_get
from offers import constants as c
from offers.forms.test_drive import (
    TEST_DRIVE_DURATION_HOURS_MAX,
    TEST_DRIVE_DURATION_HOURS_MIN,
    TEST_DRIVE_HOT_INSTANCES_MAX,
    read_arm_template,
)

__test__ = False  # a check module, not a pytest test module despite the name

POLICY = "100.12"
PAGE = "test_drive"
KNOWN_REGIONS = frozenset(code for code, _label in c.REGIONS)
ARM = c.TestDriveType.AZURE_RESOURCE_MANAGER.value
TYPES_BY_OFFER = {
    "saas": frozenset(c.SAAS_TEST_DRIVE_TYPES),
    "azure_application": frozenset(c.AZURE_TEST_DRIVE_TYPES),
    "azure_vm": frozenset(c.AZURE_TEST_DRIVE_TYPES),
}


def _finding(code: str, field: str, message: str, page: str = PAGE) -> Finding:
    return Finding(f"test_drive.{code}", message, policy=POLICY, page=page, field=field)


def _int(value) -> int | None:
    try:
        return int(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def check_test_drive_data(ctx: StepContext) -> list[Finding]:
    """Check the test drive is complete and consistent: type, regions, instances, duration and template."""
    page = ctx.page(PAGE)
    if not page:
        return [
            _finding("missing", "", _("The test drive is enabled but not configured; fill in the Test drive page."))
        ]
    findings = _type_findings(ctx.offer_type, page) + _region_findings(page) + _limit_findings(page)
    if ctx.page("offer_setup").get("leads_destination") in (None, ""):
        findings.append(
            _finding(
                "no_leads",
                "leads_destination",
                _("A test drive needs a customer leads destination; connect one on the Offer setup page."),
                page="offer_setup",
            )
        )
    if page.get("test_drive_type") == ARM:
        try:
            _template(ctx, page)
        except forms.ValidationError as error:
            findings.append(_finding("template_invalid", "arm_template", " ".join(error.messages)))
    return findings


def _type_findings(offer_type: str, page: dict) -> list[Finding]:
    allowed = TYPES_BY_OFFER.get(offer_type, frozenset())
    if page.get("test_drive_type") in allowed:
        return []
    labels = ", ".join(str(c.TestDriveType(kind).label) for kind in sorted(allowed))
    return [_finding("type_invalid", "test_drive_type", _("Choose a test drive type: %(types)s.") % {"types": labels})]


def _region_findings(page: dict) -> list[Finding]:
    regions = page.get("regions") or []
    if not regions:
        return [_finding("no_regions", "regions", _("Choose at least one region for the test drive."))]
    unknown = sorted(str(region) for region in regions if region not in KNOWN_REGIONS)
    if unknown:
        return [
            _finding(
                "unknown_region",
                "regions",
                _("These regions are not available for test drives: %(regions)s.") % {"regions": ", ".join(unknown)},
            )
        ]
    if len(set(regions)) != len(regions):
        return [_finding("duplicate_region", "regions", _("Each region may be chosen only once."))]
    return []


def _limit_findings(page: dict) -> list[Finding]:
    findings = []
    hot = _int(page.get("hot_instances"))
    if hot is None or not 0 <= hot <= TEST_DRIVE_HOT_INSTANCES_MAX:
        findings.append(
            _finding(
                "hot_instances_out_of_range",
                "hot_instances",
                _("Hot instances per region must be a whole number from 0 to %(max)d.")
                % {"max": TEST_DRIVE_HOT_INSTANCES_MAX},
            )
        )
    hours = _int(page.get("duration_hours"))
    if hours is None or not TEST_DRIVE_DURATION_HOURS_MIN <= hours <= TEST_DRIVE_DURATION_HOURS_MAX:
        findings.append(
            _finding(
                "duration_out_of_range",
                "duration_hours",
                _("The test drive duration must be from %(min)d to %(max)d hours.")
                % {"min": TEST_DRIVE_DURATION_HOURS_MIN, "max": TEST_DRIVE_DURATION_HOURS_MAX},
            )
        )
    return findings


def _template(ctx: StepContext, page: dict) -> dict:
    """Return the parsed ARM template of the test drive package; ValidationError when it is unusable."""
    file_id = page.get("arm_template")
    if file_id in (None, "") or str(file_id) not in (ctx.snapshot.get("files") or {}):
        raise forms.ValidationError(_("Upload the ARM template package of the test drive."))
    try:
        with snapshot_file_open(ctx, file_id) as handle, zipfile.ZipFile(handle) as archive:
            return read_arm_template(archive)
    except (zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError) as error:  # corrupt, encrypted, exotic
        raise forms.ValidationError(_("The ARM template package is not a readable .zip file.")) from error
    except FileUnreadable as error:
        # Our storage, not the publisher's package: retried, then a plain system finding; the detail is logged.
        raise TransientCheckError(f"test drive package unreadable: {error}") from error


def check_test_drive_provisioning(ctx: StepContext) -> list[Finding]:
    """Create the hot instances of every region through the configured provisioner, once per step key."""
    page = ctx.page(PAGE)
    problems = check_test_drive_data(ctx)
    if problems:
        return problems  # never provision a configuration that does not validate
    template = _template(ctx, page) if page.get("test_drive_type") == ARM else None
    count = int(page["hot_instances"])
    provisioner = provisioner_get()
    for region in page["regions"]:
        try:
            instances = provisioner.provision(ctx.key, region, count, template)
        except ProvisioningRefused as error:
            return [
                _finding(
                    "provisioning_refused",
                    "arm_template" if template is not None else "test_drive_type",
                    _("The test drive could not be provisioned in %(region)s: %(reason)s")
                    % {"region": region, "reason": error},
                )
            ]
        except (OSError, TimeoutError) as error:
            raise TransientCheckError(f"test drive provisioning in {region} failed: {error}") from error
        if len(instances) != count:
            raise TransientCheckError(f"provisioner returned {len(instances)} of {count} instances in {region}")
    return []
