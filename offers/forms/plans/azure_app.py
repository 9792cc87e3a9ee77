"""Azure Application plans: solution template or managed application, its package, price and meters."""

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from offers import constants as c
from offers.forms.base import StoredFileField
from offers.forms.plans.common import PlanListingForm
from offers.forms.plans.fields import (
    METER_PARTS,
    meter_slots,
    price_field,
    refuse_duplicates,
    refuse_given,
    refuse_partial_slots,
    slot_numbers,
)
from offers.validators import (
    validate_listing_name,
    validate_plain_text,
    validate_single_line,
    validate_version,
    validate_zip,
)

ZIP = "application/zip"
METER = "meter"
VERSION_MAX_LENGTH = 32

_Meters = meter_slots("ManagedAppMeters", METER, _("Meter"), c.MANAGED_APP_METERS_MAX)


class AzureAppPlanForm(PlanListingForm, _Meters):
    """An Azure Application plan with its technical configuration."""

    name = forms.CharField(
        label=_("Plan name"),
        max_length=c.AZURE_APP_PLAN_NAME_MAX_LENGTH,
        required=True,
        validators=[validate_single_line, validate_plain_text, validate_listing_name],
        help_text=_("Up to 50 characters, one line, plain text."),
    )
    plan_type = forms.ChoiceField(
        label=_("Plan type"),
        choices=c.AzureAppPlanType.choices,
        required=True,
        widget=forms.RadioSelect,
        help_text=_(
            "A solution template deploys into the customer's subscription and is not billed through the "
            "marketplace; a managed application is also managed by you and has a monthly price."
        ),
    )
    version = forms.CharField(
        label=_("Version"),
        max_length=VERSION_MAX_LENGTH,
        required=True,
        validators=[validate_version],
        help_text=_("Three numbers, such as 1.0.2; each new package needs a higher version."),
    )
    package = StoredFileField(
        label=_("Package file (.zip)"),
        check=validate_zip,
        content_type=ZIP,
        accept=".zip,application/zip",
        required=True,
        help_text=_("A .zip with mainTemplate.json and createUiDefinition.json at its root; at most 50 MB."),
    )
    monthly_price = price_field(
        _("Price per month (USD)"), help_text=_("Managed application only; zero or more, at most 2 decimals.")
    )

    def setup(self):
        self.helper.layout = Layout(
            *self.listing_layout(),
            Fieldset(
                _("Technical configuration"),
                InlineRadios("plan_type"),
                Row(Column("version", css_class="col-md-4"), Column("package", css_class="col-md-8"), css_class="g-2"),
            ),
            Fieldset(
                _("Pricing (managed application)"),
                Row(Column("monthly_price", css_class="col-md-4")),
                *self.slot_rows(METER, c.MANAGED_APP_METERS_MAX, METER_PARTS),
            ),
        )

    def clean_consistency(self, cleaned):
        super().clean_consistency(cleaned)
        if cleaned.get("plan_type") == c.AzureAppPlanType.SOLUTION_TEMPLATE:
            refuse_given(
                self,
                cleaned,
                ["monthly_price"],
                _("A solution template has no price; remove it or choose Managed application."),
            )
            meters = slot_numbers(cleaned, METER, c.MANAGED_APP_METERS_MAX, METER_PARTS)
            refuse_given(
                self,
                cleaned,
                [f"{METER}_{n}_{part}" for n in meters for part in METER_PARTS],
                _("A solution template has no meters; remove them or choose Managed application."),
            )
        refuse_duplicates(self, cleaned, METER, c.MANAGED_APP_METERS_MAX, "id", _("Another meter already has this ID."))

    def clean_complete(self, cleaned):
        super().clean_complete(cleaned)
        if cleaned.get("plan_type") == c.AzureAppPlanType.MANAGED_APPLICATION:
            self.require(cleaned, "monthly_price", _("Enter the monthly price of the managed application."))
        refuse_partial_slots(
            self,
            cleaned,
            METER,
            c.MANAGED_APP_METERS_MAX,
            METER_PARTS,
            _("Complete the meter: it needs an ID, a display name, a unit of measure and a price."),
        )
