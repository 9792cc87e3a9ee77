"""Preview audience pages: who may open the preview, typed one per line or imported from a CSV file."""

from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from offers import constants as c
from offers.forms.base import PageForm
from offers.validators import audience_csv_parse, validate_guid


def audience_csv_filename(offer) -> str:
    """Return the file name of the offer's exported preview audience."""
    return f"{offer.offer_id}-preview-audience.csv"


class AudienceEntriesField(forms.Field):
    """A list of distinct entries typed one per line; it also accepts the saved list back."""

    widget = forms.Textarea

    def __init__(self, *, check, what, max_entries: int = c.PREVIEW_AUDIENCE_MAX, **kwargs):
        self.check = check
        self.what = what
        self.max_entries = max_entries
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(str(item) for item in value) if isinstance(value, list | tuple) else value

    def to_python(self, value) -> list[str]:
        if value in self.empty_values:
            return []
        lines = value if isinstance(value, list | tuple) else str(value).splitlines()
        entries, errors = [], []
        for number, line in enumerate(lines, start=1):
            entry = str(line).strip().lower()
            if not entry:
                continue
            try:
                self.check(entry)
            except ValidationError:
                errors.append(
                    ValidationError(
                        _("Line %(line)d: “%(value)s” is not a valid %(what)s."),
                        code="invalid_entry",
                        params={"line": number, "value": entry, "what": self.what},
                    )
                )
            else:
                if entry not in entries:
                    entries.append(entry)
        if errors:
            raise ValidationError(errors)
        return entries

    def validate(self, value):
        super().validate(value)
        if len(value) > self.max_entries:
            raise ValidationError(
                _("A preview audience may have at most %(max)d entries; you entered %(n)d."),
                code="too_many",
                params={"max": self.max_entries, "n": len(value)},
            )


class AudienceForm(PageForm):
    """The preview audience: 1 to 10 entries typed one per line, or replaced by an imported CSV file."""

    csv_kind = ""  # the kind for audience_csv_parse / audience_csv_render; each form declares its `entries`
    import_csv = forms.FileField(
        label=_("Import from CSV"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=_("Optional: a CSV file replaces the list above (at most 10 entries)."),
    )

    def setup(self):
        parts = [
            HTML(
                '<p class="small text-body-secondary">'
                + str(_("Only these people can open the preview of the offer before it goes live."))
                + "</p>"
            ),
            "entries",
            "import_csv",
        ]
        export = self._export_url()
        if export and self.values.get("preview_audience", {}).get("entries"):
            parts.append(HTML(format_html('<p><a href="{}">{}</a></p>', export, _("Export the audience (CSV)"))))
        self.helper.layout = Layout(Fieldset(_("Preview audience"), *parts))

    def _export_url(self) -> str:
        try:
            return reverse("offers:audience-export", args=[self.offer.pk])
        except NoReverseMatch:
            return ""

    def clean_import_csv(self):
        upload = self.cleaned_data.get("import_csv")
        if not upload:
            return None
        return audience_csv_parse(upload, kind=self.csv_kind)

    def clean(self):
        imported = self.cleaned_data.get("import_csv")
        if imported:
            # The import replaces whatever was typed, so problems of the typed lines no longer apply.
            self.errors.pop("entries", None)
            self.cleaned_data["entries"] = imported
        return super().clean()

    def page_values(self) -> dict:
        values = super().page_values()
        values.pop("import_csv", None)  # the file only fills the list; it is never kept
        return values


class EmailAudienceForm(AudienceForm):
    """SaaS: the preview audience is a list of email addresses (Microsoft Entra ID or Microsoft accounts)."""

    csv_kind = "email"
    entries = AudienceEntriesField(
        check=EmailValidator(),
        what=_("email address"),
        label=_("Email addresses"),
        required=True,
        help_text=_("One email address per line, 1 to 10."),
    )


class SubscriptionAudienceForm(AudienceForm):
    """Azure Application and virtual machine: the preview audience is a list of Azure subscription IDs."""

    csv_kind = "subscription"
    entries = AudienceEntriesField(
        check=validate_guid,
        what=_("Azure subscription ID"),
        label=_("Azure subscription IDs"),
        required=True,
        help_text=_("One subscription ID (GUID) per line, 1 to 10."),
    )
