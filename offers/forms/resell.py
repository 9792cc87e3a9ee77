"""The Resell through CSPs page: whether partners in the Cloud Solution Provider program may resell the offer."""

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from offers.forms.base import PageForm


class CspReach:
    ANY = "any"
    NONE = "none"
    CHOICES = [(ANY, _("Any partner in the CSP program")), (NONE, _("No partners in the CSP program"))]


class ResellForm(PageForm):
    """Choose whether CSP partners can resell the offer."""

    csp_partners = forms.ChoiceField(
        label=_("Resell through CSPs"),
        choices=CspReach.CHOICES,
        required=True,
        widget=forms.RadioSelect,
        help_text=_("Partners in the Cloud Solution Provider program can bundle the offer with their services."),
    )

    def setup(self):
        self.helper.layout = Layout(Fieldset(_("Resell through CSPs"), "csp_partners"))
