"""Azure virtual machine plans: pricing, free trial, visibility and the plan's technical configuration."""

import re

from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from offers import constants as c
from offers.forms.plans.common import PlanListingForm
from offers.forms.plans.fields import (
    LineListField,
    port_entry,
    price_field,
    refuse_duplicates,
    refuse_given,
    refuse_partial_slots,
    slot_numbers,
    slots,
)
from offers.validators import validate_plain_text, validate_sas_uri, validate_single_line, validate_version

# Limits of the real portal that offers.constants does not hold.
VM_IMAGE_VERSIONS_MAX = 8
VM_OPEN_PORTS_MAX = 20
OS_NAME_MAX_LENGTH = 100
SAS_URI_MAX_LENGTH = 2000
IMAGE = "image"
IMAGE_PARTS = ("version", "sas_uri")
PRICED = (c.VmPricing.FLAT_RATE, c.VmPricing.PER_CORE)
_VENDOR_AND_VERSION = re.compile(r"(?=.*[A-Za-z])(?=.*[0-9]).+")


def validate_os_name(value: str) -> None:
    """Refuse an OS name that does not give both a vendor (letters) and a version (digits)."""
    if not _VENDOR_AND_VERSION.fullmatch(value):
        raise forms.ValidationError(_("Enter the vendor and version, such as Ubuntu 22.04 LTS."), code="os_name")


def _image(n: int) -> dict:
    return {
        f"{IMAGE}_{n}_version": forms.CharField(
            label=format_lazy(_("Image {n} version"), n=n),
            max_length=32,
            required=False,
            validators=[validate_version],
        ),
        f"{IMAGE}_{n}_sas_uri": forms.URLField(
            label=format_lazy(_("Image {n} SAS URI"), n=n),
            max_length=SAS_URI_MAX_LENGTH,
            required=False,
            validators=[validate_sas_uri],
            assume_scheme="https",
        ),
    }


_Images = slots("VmImages", VM_IMAGE_VERSIONS_MAX, _image)


class VmPlanForm(PlanListingForm, _Images):
    """An Azure virtual machine plan with its technical configuration."""

    pricing_model = forms.ChoiceField(
        label=_("Pricing"),
        choices=c.VmPricing.choices,
        required=True,
        widget=forms.RadioSelect,
        help_text=_("Flat rate and per core are billed per hour of use; BYOL customers bring their own license."),
    )
    price = price_field(
        _("Price per hour (USD)"),
        help_text=_("Flat rate: per VM. Per core: per core. Zero or more, at most 2 decimals."),
    )
    free_trial = forms.TypedChoiceField(
        label=_("Free trial"),
        choices=[("", _("No free trial")), *c.VmFreeTrial.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Flat rate and per core plans only: customers pay only the Azure infrastructure during the trial."),
    )
    hidden = forms.BooleanField(
        label=_("Hide plan"),
        required=False,
        help_text=_("A hidden plan is not shown in the marketplace; it can only be deployed by reference."),
    )
    os_family = forms.ChoiceField(
        label=_("Operating system family"), choices=c.OsFamily.choices, required=True, widget=forms.RadioSelect
    )
    os_name = forms.CharField(
        label=_("Operating system"),
        max_length=OS_NAME_MAX_LENGTH,
        required=True,
        validators=[validate_single_line, validate_plain_text, validate_os_name],
        help_text=_("Vendor and version, such as Ubuntu 22.04 LTS or Windows Server 2022 Datacenter."),
    )
    recommended_sizes = forms.MultipleChoiceField(
        label=_("Recommended VM sizes"),
        choices=[(size, size) for size in c.VM_SIZES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Up to 6 sizes shown first to customers."),
    )
    open_ports = LineListField(
        label=_("Open ports"),
        entry=port_entry,
        max_entries=VM_OPEN_PORTS_MAX,
        required=False,
        help_text=_("One per line as port/protocol, such as 443/TCP; up to 20."),
    )

    def setup(self):
        self.helper.layout = Layout(
            *self.listing_layout(),
            Fieldset(
                _("Pricing"),
                InlineRadios("pricing_model"),
                Row(Column("price", css_class="col-md-4"), Column("free_trial", css_class="col-md-4"), css_class="g-2"),
                "hidden",
            ),
            Fieldset(
                _("Technical configuration"),
                InlineRadios("os_family"),
                "os_name",
                InlineCheckboxes("recommended_sizes"),
                "open_ports",
            ),
            Fieldset(
                _("VM images"),
                *self.slot_rows(IMAGE, VM_IMAGE_VERSIONS_MAX, IMAGE_PARTS, shown=1),
            ),
        )

    def clean_consistency(self, cleaned):
        super().clean_consistency(cleaned)
        pricing = cleaned.get("pricing_model")
        if pricing and pricing not in PRICED:
            refuse_given(self, cleaned, ["price"], _("Free and BYOL plans have no price; remove it."))
            refuse_given(self, cleaned, ["free_trial"], _("Only flat rate and per core plans can offer a free trial."))
        sizes = cleaned.get("recommended_sizes") or []
        if len(sizes) > c.VM_RECOMMENDED_SIZES_MAX:
            self.add_error(
                "recommended_sizes",
                _("Choose at most %(max)d sizes; %(count)d are chosen.")
                % {"max": c.VM_RECOMMENDED_SIZES_MAX, "count": len(sizes)},
            )
        refuse_duplicates(self, cleaned, IMAGE, VM_IMAGE_VERSIONS_MAX, "version", _("Another image has this version."))

    def clean_complete(self, cleaned):
        super().clean_complete(cleaned)
        if cleaned.get("pricing_model") in PRICED:
            self.require(cleaned, "price", _("Enter the price per hour of this plan."))
        refuse_partial_slots(
            self, cleaned, IMAGE, VM_IMAGE_VERSIONS_MAX, IMAGE_PARTS, _("Each image needs a version and a SAS URI.")
        )
        if not slot_numbers(cleaned, IMAGE, VM_IMAGE_VERSIONS_MAX, IMAGE_PARTS):
            self.add_error(f"{IMAGE}_1_version", _("Add at least one image version with its SAS URI."))
