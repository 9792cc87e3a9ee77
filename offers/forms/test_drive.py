"""Test drive pages: a hands-on trial that the marketplace provisions for customers."""

import json
import zipfile

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from offers import constants as c
from offers.forms.base import PageForm, StoredFileField
from offers.validators import validate_pdf, validate_plain_text, validate_zip

# Limits of the real portal that offers.constants does not hold.
TEST_DRIVE_HOT_INSTANCES_MAX = 10
TEST_DRIVE_DURATION_HOURS_MIN = 1
TEST_DRIVE_DURATION_HOURS_MAX = 10
TEST_DRIVE_DESCRIPTION_MAX_LENGTH = 5000
ARM_TEMPLATE_FILE = "main-template.json"
ZIP = "application/zip"
PDF = "application/pdf"


def read_arm_template(archive: zipfile.ZipFile) -> dict:
    """Return the test drive's ARM template from its package; refuse a missing or unreadable template."""
    try:
        raw = archive.read(ARM_TEMPLATE_FILE)
    except KeyError as error:
        raise forms.ValidationError(
            gettext_now("The package has no %(name)s at its root."),
            code="no_template",
            params={"name": ARM_TEMPLATE_FILE},
        ) from error
    try:
        template = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise forms.ValidationError(
            gettext_now("%(name)s is not UTF-8 text."), code="template_encoding", params={"name": ARM_TEMPLATE_FILE}
        ) from error
    except json.JSONDecodeError as error:
        raise forms.ValidationError(
            gettext_now("%(name)s is not valid JSON: %(problem)s at line %(line)d, column %(column)d."),
            code="template_json",
            params={"name": ARM_TEMPLATE_FILE, "problem": error.msg, "line": error.lineno, "column": error.colno},
        ) from error
    if not isinstance(template, dict) or not isinstance(template.get("resources"), list):
        raise forms.ValidationError(
            gettext_now("%(name)s is not an ARM template: it needs a JSON object with a resources list."),
            code="template_shape",
            params={"name": ARM_TEMPLATE_FILE},
        )
    return template


def validate_arm_template_package(uploaded) -> None:
    """Refuse an upload that is not a sound zip holding a parseable main-template.json."""
    validate_zip(uploaded)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            read_arm_template(archive)
    finally:
        uploaded.seek(0)


class TestDriveForm(PageForm):
    """What every test drive has: regions, hot instances, duration and what the customer reads."""

    __test__ = False  # not a pytest test class despite the name

    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        choices=c.REGIONS,
        required=True,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The Azure regions where test drive instances run; choose at least one."),
    )
    hot_instances = forms.IntegerField(
        label=_("Hot instances per region"),
        min_value=0,
        max_value=TEST_DRIVE_HOT_INSTANCES_MAX,
        required=True,
        help_text=_("Instances kept ready so customers start at once; 0 to 10. Others start when requested."),
    )
    duration_hours = forms.IntegerField(
        label=_("Test drive duration (hours)"),
        min_value=TEST_DRIVE_DURATION_HOURS_MIN,
        max_value=TEST_DRIVE_DURATION_HOURS_MAX,
        required=True,
        help_text=_("How long a customer keeps the test drive; 1 to 10 hours."),
    )
    description = forms.CharField(
        label=_("Test drive description"),
        max_length=TEST_DRIVE_DESCRIPTION_MAX_LENGTH,
        required=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_plain_text],
        help_text=_("What the customer can try and how; up to 5,000 characters, plain text."),
    )
    user_manual = StoredFileField(
        label=_("Test drive user manual (PDF)"),
        check=validate_pdf,
        content_type=PDF,
        accept=PDF,
        required=False,
        help_text=_("Optional; at most 50 MB."),
    )
    arm_template = StoredFileField(
        label=_("ARM template package (.zip)"),
        check=validate_arm_template_package,
        content_type=ZIP,
        accept=".zip,application/zip",
        required=False,
        help_text=_("A .zip with main-template.json at its root: the resources each test drive instance deploys."),
    )

    field_order = ["test_drive_type", "regions", "hot_instances", "duration_hours", "arm_template"]

    def setup(self):
        self.helper.layout = Layout(
            Fieldset(
                _("Technical configuration"),
                "test_drive_type",
                InlineCheckboxes("regions"),
                Row(
                    Column("hot_instances", css_class="col-md-4"),
                    Column("duration_hours", css_class="col-md-4"),
                    css_class="g-2",
                ),
                "arm_template",
            ),
            Fieldset(_("Test drive listing"), "description", "user_manual"),
        )


class SaasTestDriveForm(TestDriveForm):
    """A SaaS test drive: an ARM template, a Logic app, a Power BI report or a Dynamics 365 instance."""

    test_drive_type = forms.ChoiceField(
        label=_("Type of test drive"),
        choices=[(kind.value, kind.label) for kind in c.SAAS_TEST_DRIVE_TYPES],
        required=True,
    )

    def clean(self):
        cleaned = self.cleaned_data
        arm = cleaned.get("test_drive_type") == c.TestDriveType.AZURE_RESOURCE_MANAGER
        if cleaned.get("arm_template") and cleaned.get("test_drive_type") and not arm:
            self.add_error("arm_template", _("Only an Azure Resource Manager test drive uses a template; remove it."))
        return super().clean()

    def clean_complete(self, cleaned):
        super().clean_complete(cleaned)
        if cleaned.get("test_drive_type") == c.TestDriveType.AZURE_RESOURCE_MANAGER:
            self.require(cleaned, "arm_template", _("Upload the ARM template package of the test drive."))


class ArmTestDriveForm(TestDriveForm):
    """An Azure Application or virtual machine test drive, always deployed from an ARM template."""

    test_drive_type = forms.ChoiceField(
        label=_("Type of test drive"),
        choices=[(kind.value, kind.label) for kind in c.AZURE_TEST_DRIVE_TYPES],
        initial=c.TestDriveType.AZURE_RESOURCE_MANAGER,
        disabled=True,
        required=False,
    )
    arm_template = StoredFileField(
        label=_("ARM template package (.zip)"),
        check=validate_arm_template_package,
        content_type=ZIP,
        accept=".zip,application/zip",
        required=True,
        help_text=_("A .zip with main-template.json at its root: the resources each test drive instance deploys."),
    )
