"""Offer setup pages: how the offer is sold, test drive, and where customer leads go."""

from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from offers.constants import ListingOption
from offers.forms.base import PageForm, YesNoField
from offers.validators import validate_https_url


class LeadDestination:
    NONE = ""
    HTTPS = "https"
    EMAIL = "email"
    CHOICES = [(NONE, _("Not connected")), (HTTPS, _("HTTPS endpoint")), (EMAIL, _("Email"))]


class LeadsFormMixin(forms.Form):
    """Customer leads: an HTTPS endpoint that receives each lead as JSON, or an email destination."""

    leads_required = False

    leads_destination = forms.ChoiceField(
        label=_("Customer leads destination"), choices=LeadDestination.CHOICES, required=False
    )
    leads_https_url = forms.URLField(
        assume_scheme="https",
        label=_("HTTPS endpoint URL"),
        required=False,
        validators=[validate_https_url],
        help_text=_("Each lead is POSTed to this URL as JSON."),
    )
    leads_email = forms.EmailField(label=_("Contact email"), required=False, help_text=_("Leads are emailed here."))

    def leads_layout(self):
        return Fieldset(
            _("Customer leads"),
            HTML(
                '<p class="small text-body-secondary">'
                + str(_("Leads from customers who show interest are sent here. Validate sends a real test lead."))
                + "</p>"
            ),
            "leads_destination",
            "leads_https_url",
            "leads_email",
            HTML('{% include "offers/_leads_validate.html" %}'),
        )

    def clean_leads(self, cleaned: dict) -> None:
        """Check the chosen destination has its address (completeness only)."""
        destination = cleaned.get("leads_destination")
        if destination == LeadDestination.HTTPS:
            self.require(cleaned, "leads_https_url", _("Enter the HTTPS endpoint that receives leads."))
        if destination == LeadDestination.EMAIL:
            self.require(cleaned, "leads_email", _("Enter the email address that receives leads."))

    def leads_needed(self, cleaned: dict) -> str:
        """Return why this offer needs a leads destination, or an empty string when it does not."""
        return _("This offer type needs a customer leads destination.") if self.leads_required else ""

    def clean_complete(self, cleaned):
        super().clean_complete(cleaned)
        reason = self.leads_needed(cleaned)
        if reason and not cleaned.get("leads_destination"):
            self.add_error("leads_destination", reason)
        self.clean_leads(cleaned)


class SaasOfferSetupForm(LeadsFormMixin, PageForm):
    sell_through_microsoft = YesNoField(
        label=_("Sell through Microsoft?"),
        help_text=_("Yes: customers buy plans in the marketplace and are billed by Microsoft."),
    )
    listing_option = forms.ChoiceField(
        label=_("Listing option"),
        choices=[("", "---------"), *ListingOption.choices],
        required=False,
        help_text=_("How customers acquire the offer when it is not sold through Microsoft."),
    )
    listing_url = forms.URLField(
        assume_scheme="https",
        label=_("Link to your offer"),
        required=False,
        validators=[validate_https_url],
        help_text=_("Where Get it now or Free trial sends customers (https)."),
    )
    test_drive = forms.BooleanField(label=_("Enable a test drive"), required=False)

    def setup(self):
        self.helper.layout = Layout(
            Fieldset(_("Setup details"), "sell_through_microsoft", "listing_option", "listing_url"),
            Fieldset(_("Test drive"), "test_drive"),
            self.leads_layout(),
        )

    def leads_needed(self, cleaned):
        if cleaned.get("test_drive"):
            return _("A test drive needs a customer leads destination.")
        if cleaned.get("listing_option") == ListingOption.CONTACT_ME and cleaned.get("sell_through_microsoft") is False:
            return _("Contact me needs a customer leads destination.")
        return ""

    def clean_complete(self, cleaned):
        super().clean_complete(cleaned)
        if cleaned.get("sell_through_microsoft") is False:
            self.require(cleaned, "listing_option", _("Choose how customers acquire the offer."))
            if cleaned.get("listing_option") in (ListingOption.GET_IT_NOW, ListingOption.FREE_TRIAL):
                self.require(cleaned, "listing_url", _("Enter the https link for this listing option."))


class AzureAppOfferSetupForm(LeadsFormMixin, PageForm):
    test_drive = forms.BooleanField(label=_("Enable a test drive"), required=False)

    def setup(self):
        self.helper.layout = Layout(Fieldset(_("Test drive"), "test_drive"), self.leads_layout())

    def leads_needed(self, cleaned):
        return _("A test drive needs a customer leads destination.") if cleaned.get("test_drive") else ""


class VmOfferSetupForm(AzureAppOfferSetupForm):
    """Azure virtual machine: a test drive requires a leads destination."""


class ConsultingOfferSetupForm(LeadsFormMixin, PageForm):
    leads_required = True

    def setup(self):
        self.helper.layout = Layout(self.leads_layout())
