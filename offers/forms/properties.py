"""Properties pages: where the offer is listed (categories, industries, product) and its legal terms."""

from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from offers import constants as c
from offers.forms.base import PageForm, YesNoField
from offers.forms.consulting import consulting_name_parts
from offers.validators import validate_https_url, validate_single_line

APP_VERSION_MAX_LENGTH = 64


def _choices(names) -> list[tuple[str, str]]:
    return [("", "---------"), *((name, name) for name in names)]


def _grouped(mapping: dict[str, list[str]]) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(group, [(name, name) for name in names]) for group, names in mapping.items()]


def _children(label, mapping: dict, help_text) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=_grouped(mapping),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=help_text,
    )


def _row(*names: str) -> Row:
    return Row(*(Column(name, css_class="col-md") for name in names))


# The parent/children pairs of a properties page: (parent field, children field, vocabulary, limit).
INDUSTRY_SLOTS = tuple(
    (f"industry_{n}", f"industry_{n}_subindustries", c.INDUSTRIES, c.SUB_INDUSTRIES_MAX)
    for n in range(1, c.INDUSTRIES_MAX + 1)
)
CATEGORY_SLOTS = (
    ("primary_category", "primary_subcategories", c.CATEGORIES, c.SUBCATEGORIES_MAX),
    ("secondary_category", "secondary_subcategories", c.CATEGORIES, c.SUBCATEGORIES_MAX),
)


class PropertiesForm(PageForm):
    """What every properties page asks: up to two industries, each with one or two sub-industries."""

    industry_1 = forms.ChoiceField(label=_("Industry"), choices=_choices(c.INDUSTRIES), required=False)
    industry_1_subindustries = _children(
        _("Sub-industries"), c.INDUSTRIES, _("One or two sub-industries of this industry.")
    )
    industry_2 = forms.ChoiceField(label=_("Second industry"), choices=_choices(c.INDUSTRIES), required=False)
    industry_2_subindustries = _children(
        _("Sub-industries"), c.INDUSTRIES, _("One or two sub-industries of this industry.")
    )

    slots: tuple = INDUSTRY_SLOTS

    def adjust_fields(self) -> None:
        # static/js/portal.js lists only the children of the parent chosen in the field data-follows names.
        for parent, children, _vocabulary, _limit in self.slots:
            self.fields[children].widget.attrs["data-follows"] = self.add_prefix(parent)

    def industries_layout(self) -> Fieldset:
        return Fieldset(
            _("Industries"),
            HTML(
                '<p class="small text-body-secondary">'
                + str(_("Optional: up to two industries, each with one or two sub-industries."))
                + "</p>"
            ),
            *(_row(parent, children) for parent, children, _vocabulary, _limit in INDUSTRY_SLOTS),
        )

    def clean(self):
        cleaned = self.cleaned_data
        self._clean_slots(cleaned)
        self._clean_distinct(cleaned, "industry_1", "industry_2", _("Choose a different industry from the first one."))
        return super().clean()

    def _clean_slots(self, cleaned: dict) -> None:
        """Refuse children that exceed the limit or do not belong to their parent (drafts too)."""
        for parent, children, vocabulary, limit in self.slots:
            chosen = cleaned.get(children) or []
            if not chosen:
                continue
            if len(chosen) > limit:
                self.add_error(
                    children,
                    _("Choose at most %(max)d %(what)s; you chose %(n)d.")
                    % {"max": limit, "what": self._label(children), "n": len(chosen)},
                )
                continue
            owner = cleaned.get(parent)
            if not owner:
                self.add_error(
                    children, _("Choose the %(parent)s these belong to first.") % {"parent": self._label(parent)}
                )
                continue
            strangers = [name for name in chosen if name not in vocabulary.get(owner, ())]
            if strangers:
                self.add_error(
                    children,
                    _("Not part of %(owner)s: %(names)s. Choose from its own list.")
                    % {"owner": owner, "names": ", ".join(strangers)},
                )

    def _clean_distinct(self, cleaned: dict, first: str, second: str, message) -> None:
        if cleaned.get(second) and cleaned.get(second) == cleaned.get(first):
            self.add_error(second, message)

    def _label(self, name: str) -> str:
        return str(self.fields[name].label).lower()

    def clean_complete(self, cleaned):
        super().clean_complete(cleaned)
        for parent, children, _vocabulary, _limit in INDUSTRY_SLOTS:
            if cleaned.get(parent) and not cleaned.get(children):
                self.add_error(
                    children, _("Choose at least one sub-industry of %(industry)s.") % {"industry": cleaned[parent]}
                )


class AppPropertiesForm(PropertiesForm):
    """Properties of SaaS, Azure Application and Azure virtual machine offers.

    The saved values also hold ``categories``: the chosen category names in order (primary first), which
    decide the storefronts the offer is listed in.
    """

    primary_category = forms.ChoiceField(label=_("Primary category"), choices=_choices(c.CATEGORIES), required=True)
    primary_subcategories = _children(
        _("Subcategories"), c.CATEGORIES, _("Up to two subcategories of the primary category.")
    )
    secondary_category = forms.ChoiceField(
        label=_("Secondary category"), choices=_choices(c.CATEGORIES), required=False, help_text=_("Optional.")
    )
    secondary_subcategories = _children(
        _("Subcategories"), c.CATEGORIES, _("Up to two subcategories of the secondary category.")
    )
    app_version = forms.CharField(
        label=_("App version"),
        max_length=APP_VERSION_MAX_LENGTH,
        required=False,
        validators=[validate_single_line],
        help_text=_("Optional, up to 64 characters, for example 2.4 or 2024 R1."),
    )
    use_standard_contract = YesNoField(
        label=_("Use the Standard Contract?"),
        required=True,
        help_text=_("The Standard Contract for Microsoft's commercial marketplace; No: give your own terms."),
    )
    terms_text = forms.CharField(
        label=_("Terms and conditions"),
        max_length=c.LEGAL_TERMS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Up to 10,000 characters. Give your terms here or as a link, not both."),
    )
    terms_url = forms.URLField(
        label=_("Terms and conditions link"),
        required=False,
        assume_scheme="https",
        validators=[validate_https_url],
        help_text=_("An https address where customers read your terms."),
    )

    slots = (*CATEGORY_SLOTS, *INDUSTRY_SLOTS)

    def setup(self):
        self.order_fields([name for pair in (*CATEGORY_SLOTS, *INDUSTRY_SLOTS) for name in pair[:2]])
        self.helper.layout = Layout(
            Fieldset(
                _("Categories"),
                HTML(
                    '<p class="small text-body-secondary">'
                    + str(_("One or two categories, each with up to two of its subcategories."))
                    + "</p>"
                ),
                *(_row(parent, children) for parent, children, _vocabulary, _limit in CATEGORY_SLOTS),
            ),
            self.industries_layout(),
            Fieldset(_("App version"), "app_version"),
            Fieldset(_("Legal"), "use_standard_contract", "terms_text", "terms_url"),
        )

    def clean(self):
        self._clean_distinct(
            self.cleaned_data,
            "primary_category",
            "secondary_category",
            _("Choose a different category from the primary one."),
        )
        return super().clean()

    def clean_terms_text(self):
        return (self.cleaned_data.get("terms_text") or "").strip()

    def clean_complete(self, cleaned):
        super().clean_complete(cleaned)
        if cleaned.get("use_standard_contract") is False:
            text, url = bool(cleaned.get("terms_text")), bool(cleaned.get("terms_url"))
            if not text and not url:
                self.add_error("terms_text", _("Enter your terms and conditions, or a link to them."))
            elif text and url:
                self.add_error("terms_url", _("Give your terms as text or as a link, not both; remove one."))

    def page_values(self) -> dict:
        values = super().page_values()
        values["categories"] = [
            name for name in (values.get("primary_category"), values.get("secondary_category")) if name
        ]
        return values


class ConsultingPropertiesForm(PropertiesForm):
    """Properties of a consulting service: the product it is for, its type, competencies and industries."""

    primary_product = forms.ChoiceField(
        label=_("Primary product"),
        choices=[("", "---------"), *c.PRIMARY_PRODUCTS],
        required=True,
        help_text=_("The Microsoft product your service is for; it decides where the offer is listed."),
    )
    service_type = forms.ChoiceField(
        label=_("Service type"),
        choices=c.ConsultingServiceType.choices,
        required=True,
        widget=forms.RadioSelect,
    )
    competencies = forms.MultipleChoiceField(
        label=_("Competencies"),
        choices=[(name, name) for name in c.COMPETENCIES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Up to three competencies your organisation holds that relate to this service."),
    )

    def setup(self):
        self.order_fields(["primary_product", "service_type", "competencies"])
        self.helper.layout = Layout(
            Fieldset(_("Service"), "primary_product", "service_type", "competencies"),
            self.industries_layout(),
        )

    def clean_competencies(self):
        chosen = self.cleaned_data.get("competencies") or []
        if len(chosen) > c.CONSULTING_COMPETENCIES_MAX:
            raise forms.ValidationError(
                _("Choose at most %(max)d competencies; you chose %(n)d.")
                % {"max": c.CONSULTING_COMPETENCIES_MAX, "n": len(chosen)},
                code="max_choices",
            )
        return chosen

    def clean_complete(self, cleaned):
        super().clean_complete(cleaned)
        name = self.values.get("offer_listing", {}).get("name") or ""
        parts = consulting_name_parts(name)
        if parts and cleaned.get("service_type") and parts.service_type != cleaned["service_type"]:
            self.add_error(
                "service_type",
                _("The offer listing name “%(name)s” says %(type)s; choose the same service type or rename the offer.")
                % {"name": name, "type": c.ConsultingServiceType(parts.service_type).label},
            )
