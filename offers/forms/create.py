"""The form that creates an offer: its type, offer ID and alias, all fixed once created."""

from django import forms
from django.utils.translation import gettext_lazy as _

from offers.constants import ALIAS_MAX_LENGTH
from offers.types import offer_type_choices
from offers.validators import validate_identifier


class OfferCreateForm(forms.Form):
    offer_type = forms.ChoiceField(
        label=_("Offer type"), choices=offer_type_choices, widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    offer_id = forms.CharField(
        label=_("Offer ID"),
        max_length=50,
        validators=[validate_identifier],
        help_text=_(
            "Up to 50 lower-case letters, digits, hyphens and underscores. Part of the offer's web address; cannot be changed later."
        ),
    )
    alias = forms.CharField(
        label=_("Offer alias"),
        max_length=ALIAS_MAX_LENGTH,
        help_text=_(
            "The name you use for this offer inside the portal; customers never see it. Cannot be changed later."
        ),
    )

    def clean_offer_id(self):
        return self.cleaned_data["offer_id"].strip()

    def clean_alias(self):
        return self.cleaned_data["alias"].strip()


class NotesForm(forms.Form):
    notes_for_certification = forms.CharField(
        label=_("Notes for certification"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Testing instructions for the certification team: test accounts, how to reach the app, anything that helps a reviewer."
        ),
    )
