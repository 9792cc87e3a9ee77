"""What every plan of an app offer has: name, description, markets and who can see it."""

import re

from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.layout import HTML, Column, Div, Fieldset, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from offers import constants as c
from offers.forms.base import PlanForm
from offers.forms.plans.fields import RESTRICTED_AUDIENCE_MAX, LineListField, guid_entry, slot_numbers
from offers.validators import validate_listing_name, validate_plain_text, validate_single_line

_SLOT = re.compile(r"[a-z]+_[0-9]+_")


class PlanListingForm(PlanForm):
    """A plan's listing and availability; subclasses add pricing and technical configuration."""

    audience_label = _("Restricted audience (Azure subscription IDs)")
    audience_help = _("Up to 10 Azure subscription IDs, one per line. Only these subscriptions see a private plan.")

    name = forms.CharField(
        label=_("Plan name"),
        max_length=c.PLAN_NAME_MAX_LENGTH,
        required=True,
        validators=[validate_single_line, validate_plain_text, validate_listing_name],
        help_text=_("Up to 200 characters, one line, plain text. Customers see it in the marketplace."),
    )
    description = forms.CharField(
        label=_("Plan description"),
        max_length=c.PLAN_DESCRIPTION_MAX_LENGTH,
        required=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_plain_text],
        help_text=_("Up to 3,000 characters, plain text: what makes this plan different from the others."),
    )
    markets = forms.MultipleChoiceField(
        label=_("Markets"),
        choices=c.MARKETS,
        required=True,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The countries and regions where customers can buy this plan; choose at least one."),
    )
    visibility = forms.ChoiceField(
        label=_("Plan visibility"),
        choices=c.PlanVisibility.choices,
        required=True,
        initial=c.PlanVisibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text=_("A private plan is visible only to the restricted audience."),
    )
    restricted_audience = LineListField(
        entry=guid_entry,
        max_entries=RESTRICTED_AUDIENCE_MAX,
        required=False,
        label=_("Restricted audience"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Numbered slots come from mixins; keep them after the plan's own fields (errors are listed in this order).
        self.order_fields([name for name in self.fields if not _SLOT.match(name)])
        self.fields["restricted_audience"].label = self.audience_label
        self.fields["restricted_audience"].help_text = self.audience_help

    def listing_layout(self):
        """Return the fieldsets of the plan's listing and availability."""
        return (
            Fieldset(_("Plan listing"), *(["plan_id"] if "plan_id" in self.fields else []), "name", "description"),
            Fieldset(_("Availability"), InlineCheckboxes("markets"), InlineRadios("visibility"), "restricted_audience"),
        )

    def slot_rows(self, prefix: str, count: int, parts, *, shown: int = 2) -> list:
        """Return a Row per slot; empty slots past the first few fold away behind a "more" button."""
        data = self.data if self.is_bound else self.initial
        used = slot_numbers(data, prefix, count, parts) if data else []
        visible = min(count, max([shown, *[n + 1 for n in used]]))
        rows = [
            Row(*(Column(f"{prefix}_{n}_{part}", css_class="col-md") for part in parts), css_class="g-2")
            for n in range(1, count + 1)
        ]
        if visible >= count:
            return rows
        more = f"{prefix}-more"
        toggle = HTML(
            f'<button class="btn btn-sm btn-outline-secondary mb-3" type="button" data-bs-toggle="collapse" '
            f'data-bs-target="#{more}" aria-expanded="false" aria-controls="{more}">'
            + str(_("Show %(n)d more") % {"n": count - visible})
            + "</button>"
        )
        return [*rows[:visible], toggle, Div(*rows[visible:], css_id=more, css_class="collapse")]

    def clean(self):
        # Values that contradict each other are refused in drafts too, before the completeness rules run.
        self.clean_consistency(self.cleaned_data)
        return super().clean()

    def clean_consistency(self, cleaned: dict) -> None:
        """Refuse values the publisher typed that contradict each other."""
        if cleaned.get("restricted_audience") and cleaned.get("visibility") == c.PlanVisibility.PUBLIC:
            self.add_error(
                "restricted_audience", _("A public plan is visible to everyone; choose Private or remove the IDs.")
            )
