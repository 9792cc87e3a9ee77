"""Pricing and availability of a consulting service, and reading the duration and type from its name."""

import re
from dataclasses import dataclass
from decimal import Decimal

from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from offers import constants as c
from offers.forms.base import PageForm

HIDE_KEY_MAX_LENGTH = 50
CONSULTING_DURATION_MAX = 999  # the name holds the duration in at most three digits
CONSULTING_PRICE_MAX_DIGITS = 10

_UNITS = "|".join(c.CONSULTING_NAME_DURATION_UNITS)
_TYPES = "|".join(kind.replace(" ", r"\s+") for kind in c.CONSULTING_NAME_TYPES)
_NAME_TAIL = re.compile(rf":\s*(?P<duration>[0-9]{{1,3}})-(?P<unit>{_UNITS})\s+(?P<type>{_TYPES})\s*$", re.IGNORECASE)
_UNIT_BY_INITIAL = {
    "h": c.ConsultingDurationUnit.HOURS,
    "d": c.ConsultingDurationUnit.DAYS,
    "w": c.ConsultingDurationUnit.WEEKS,
}


@dataclass(frozen=True)
class ConsultingNameParts:
    """What a consulting offer's name `Name: Duration Type` says about the service."""

    duration: int
    unit: str  # a ConsultingDurationUnit value
    service_type: str  # a ConsultingServiceType value


def consulting_name_parts(name: str) -> ConsultingNameParts | None:
    """Return the duration and service type a name like `Data Migration: 3-Wk Proof of Concept` states."""
    match = _NAME_TAIL.search(name or "")
    if not match:
        return None
    return ConsultingNameParts(
        duration=int(match["duration"]),
        unit=_UNIT_BY_INITIAL[match["unit"][0].lower()].value,
        service_type=re.sub(r"\s+", "_", match["type"].strip().lower()),
    )


class ConsultingPricingForm(PageForm):
    """Where the service is offered, what it costs, how long it takes, and the key that opens its preview."""

    markets = forms.MultipleChoiceField(
        label=_("Markets"),
        choices=c.MARKETS,
        required=True,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose at least one market where customers can buy the service."),
    )
    price_kind = forms.ChoiceField(
        label=_("Price"),
        choices=c.ConsultingPrice.choices,
        required=True,
        widget=forms.RadioSelect,
        help_text=_("Free, a fixed price, or an estimated price that you confirm with each customer."),
    )
    price = forms.DecimalField(
        label=_("Price (USD)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=CONSULTING_PRICE_MAX_DIGITS,
        decimal_places=2,
        help_text=_("In US dollars, more than 0; needed for a fixed or estimated price."),
    )
    duration = forms.IntegerField(
        label=_("Duration"),
        required=True,
        min_value=1,
        max_value=CONSULTING_DURATION_MAX,
        help_text=_("Must match the duration in the offer name, e.g. 3 weeks for “3-Wk”."),
    )
    duration_unit = forms.ChoiceField(
        label=_("Unit"), choices=[("", "---------"), *c.ConsultingDurationUnit.choices], required=True
    )
    hide_key = forms.CharField(
        label=_("Hide key"),
        max_length=HIDE_KEY_MAX_LENGTH,
        required=True,
        validators=[
            RegexValidator(c.HIDE_KEY_PATTERN, _("Use only letters and digits in the hide key."), code="hide_key")
        ],
        help_text=_("Up to 50 letters and digits. Your preview audience opens the preview with this key."),
    )

    def setup(self):
        self.helper.layout = Layout(
            Fieldset(_("Markets"), "markets"),
            Fieldset(_("Pricing"), "price_kind", "price"),
            Fieldset(
                _("Duration"),
                Row(Column("duration", css_class="col-md-4"), Column("duration_unit", css_class="col-md-4")),
            ),
            Fieldset(
                _("Preview audience"),
                HTML(
                    '<p class="small text-body-secondary">'
                    + str(_("The preview listing is reachable only with the hide key, before the offer goes live."))
                    + "</p>"
                ),
                "hide_key",
            ),
        )

    def clean_hide_key(self):
        return (self.cleaned_data.get("hide_key") or "").strip()

    def clean(self):
        cleaned = self.cleaned_data
        if cleaned.get("price_kind") == c.ConsultingPrice.FREE and cleaned.get("price") is not None:
            self.add_error("price", _("A free service has no price; remove the price or choose fixed or estimated."))
        return super().clean()

    def clean_complete(self, cleaned):
        super().clean_complete(cleaned)
        if cleaned.get("price_kind") in (c.ConsultingPrice.FIXED, c.ConsultingPrice.ESTIMATED):
            self.require(cleaned, "price", _("Enter the price in US dollars."))
        name = self.values.get("offer_listing", {}).get("name") or ""
        parts = consulting_name_parts(name)
        if parts and (parts.duration, parts.unit) != (cleaned.get("duration"), cleaned.get("duration_unit")):
            self.add_error(
                "duration",
                _("The offer listing name “%(name)s” says %(n)d %(unit)s; enter the same duration or rename the offer.")
                % {"name": name, "n": parts.duration, "unit": c.ConsultingDurationUnit(parts.unit).label.lower()},
            )
