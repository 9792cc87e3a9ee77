"""SaaS plans: pricing model, billing terms and their prices, seats, metered dimensions and free trial."""

from collections import Counter

from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from offers import constants as c
from offers.forms.plans.common import PlanListingForm
from offers.forms.plans.fields import (
    METER_PARTS,
    meter_slots,
    mixin,
    price_field,
    refuse_duplicates,
    refuse_given,
    refuse_partial_slots,
)

SEATS_MAX = 1_000_000
DIMENSION = "dimension"


def term_price_field(term: str) -> str:
    """Return the name of the price field of a billing term (``P1M`` → ``price_p1m``)."""
    return f"price_{str(term).lower()}"


_TermPrices = mixin(
    "TermPrices",
    {
        term_price_field(term): price_field(
            format_lazy(_("{term} price (USD)"), term=term.label),
            help_text=_("Zero or more, at most 2 decimals."),
        )
        for term in c.BillingTerm
    },
)
_Dimensions = meter_slots("Dimensions", DIMENSION, _("Dimension"), c.METERED_DIMENSIONS_MAX)


class SaasPlanForm(PlanListingForm, _TermPrices, _Dimensions):
    """A SaaS plan sold through Microsoft."""

    audience_label = _("Restricted audience (Microsoft Entra tenant IDs)")
    audience_help = _("Up to 10 Microsoft Entra tenant IDs, one per line. Only these tenants see a private plan.")

    pricing_model = forms.ChoiceField(
        label=_("Pricing model"),
        choices=c.PricingModel.choices,
        required=True,
        widget=forms.RadioSelect,
        help_text=_(
            "Flat rate: one price per billing term. Per user: a price per user per term. Every plan of the offer uses the same model."
        ),
    )
    billing_terms = forms.MultipleChoiceField(
        label=_("Billing terms"),
        choices=c.BillingTerm.choices,
        required=True,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose at least one term and enter its price."),
    )
    min_seats = forms.IntegerField(
        label=_("Minimum users"),
        min_value=1,
        max_value=SEATS_MAX,
        required=False,
        help_text=_("Per user only; optional."),
    )
    max_seats = forms.IntegerField(
        label=_("Maximum users"),
        min_value=1,
        max_value=SEATS_MAX,
        required=False,
        help_text=_("Per user only; optional."),
    )
    free_trial = forms.BooleanField(
        label=_("Allow a one-month free trial"),
        required=False,
        help_text=_("Customers use the plan free for one month before billing starts."),
    )

    field_order = [
        *("plan_id", "name", "description", "markets", "visibility", "restricted_audience"),
        *("pricing_model", "billing_terms", *(term_price_field(term) for term in c.BillingTerm), "min_seats"),
    ]

    def setup(self):
        prices = [Column(term_price_field(term), css_class="col-md-3") for term in c.BillingTerm]
        self.helper.layout = Layout(
            *self.listing_layout(),
            Fieldset(
                _("Pricing"),
                InlineRadios("pricing_model"),
                InlineCheckboxes("billing_terms"),
                Row(*prices, css_class="g-2"),
                Row(
                    Column("min_seats", css_class="col-md-3"),
                    Column("max_seats", css_class="col-md-3"),
                    css_class="g-2",
                ),
            ),
            Fieldset(
                _("Metered billing (up to 30 dimensions)"),
                *self.slot_rows(DIMENSION, c.METERED_DIMENSIONS_MAX, METER_PARTS),
            ),
            Fieldset(_("Free trial"), "free_trial"),
        )

    def clean_consistency(self, cleaned):
        super().clean_consistency(cleaned)
        chosen = set(cleaned.get("billing_terms") or ())
        for term in c.BillingTerm:
            if term.value not in chosen:
                refuse_given(
                    self,
                    cleaned,
                    [term_price_field(term)],
                    _("Choose the %(term)s billing term or remove its price.") % {"term": term.label},
                )
        if cleaned.get("pricing_model") == c.PricingModel.FLAT_RATE:
            refuse_given(self, cleaned, ["min_seats", "max_seats"], _("User limits apply only to per-user pricing."))
        low, high = cleaned.get("min_seats"), cleaned.get("max_seats")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_seats", _("The maximum number of users must be at least the minimum (%(min)d).") % {"min": low}
            )
        refuse_duplicates(
            self, cleaned, DIMENSION, c.METERED_DIMENSIONS_MAX, "id", _("Another dimension already has this ID.")
        )

    def clean_complete(self, cleaned):
        super().clean_complete(cleaned)
        for term in c.BillingTerm:
            if term.value in cleaned.get("billing_terms", ()):
                self.require(
                    cleaned, term_price_field(term), _("Enter the price of the %(term)s term.") % {"term": term.label}
                )
        refuse_partial_slots(
            self,
            cleaned,
            DIMENSION,
            c.METERED_DIMENSIONS_MAX,
            METER_PARTS,
            _("Complete the dimension: it needs an ID, a display name, a unit of measure and a price."),
        )

    @classmethod
    def offer_errors(cls, plans, values) -> list[str]:
        """Refuse plans that do not share one pricing model, naming the plans that differ."""
        models = {plan.plan_id: plan.data.get("pricing_model") for plan in plans if plan.data.get("pricing_model")}
        if len(set(models.values())) < 2:
            return []
        counts = Counter(models.values())
        # The model most plans use is the norm; on a tie, the model of the first plan.
        norm = max(models.values(), key=lambda model: counts[model])
        differ = [plan_id for plan_id, model in models.items() if model != norm]
        labels = dict(c.PricingModel.choices)
        return [
            str(
                _(
                    "Every plan of the offer must use the same pricing model. These plans do not use %(model)s "
                    "like the others: %(plans)s."
                )
                % {"model": labels.get(norm, norm), "plans": ", ".join(differ)}
            )
        ]
