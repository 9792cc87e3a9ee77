"""Offer listing pages: what customers read in the marketplace, the contacts, documents and media."""

from collections.abc import Callable
from functools import partial

from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_phone_number
from offers import constants as c
from offers.forms.base import PageForm, StoredFileField
from offers.forms.rich_text import RichTextarea
from offers.validators import (
    DESCRIPTION_TAGS,
    clean_png,
    sanitize_description,
    validate_consulting_name,
    validate_https_url,
    validate_listing_name,
    validate_pdf,
    validate_plain_text,
    validate_single_line,
    video_provider,
)

# Limits of the real portal that constants does not hold (yet).
USEFUL_LINKS_MAX = 5
SCREENSHOT_CAPTION_MAX_LENGTH = 100
VIDEO_NAME_MAX_LENGTH = 100
DOCUMENT_NAME_MAX_LENGTH = 255
CONTACT_NAME_MAX_LENGTH = 100
PHONE_MAX_LENGTH = 30

DESCRIPTION_HELP = _(
    "Up to {limit} characters including HTML. Paragraphs, line breaks, bold, italic, underline, lists, "
    "headings (h2 to h4) and https links are kept; everything else is removed."
)
PNG = "image/png"
PDF = "application/pdf"
# Images are stored re-encoded (offers.validators.png_reencode): only their pixels, nothing appended or hidden.
check_logo = partial(clean_png, square_between=c.LOGO_SIZE_RANGE)
check_screenshot = partial(clean_png, exact=c.SCREENSHOT_SIZE)
check_thumbnail = partial(clean_png, exact=c.VIDEO_THUMBNAIL_SIZE)


def _png(label, check, help_text, **kwargs) -> StoredFileField:
    return StoredFileField(check=check, content_type=PNG, accept=PNG, label=label, help_text=help_text, **kwargs)


def _mixin(name: str, fields: dict) -> type[forms.Form]:
    """Return a form mixin that declares the given fields."""
    return type(forms.Form)(name, (forms.Form,), {"__module__": __name__, "__qualname__": name, **fields})


def _slots(name: str, count: int, build: Callable[[int], dict]) -> type[forms.Form]:
    """Return a form mixin with ``count`` numbered groups of the fields ``build(n)`` returns."""
    return _mixin(name, {key: field for n in range(1, count + 1) for key, field in build(n).items()})


def _keyword(n: int) -> dict:
    return {
        f"search_keyword_{n}": forms.CharField(
            label=format_lazy(_("Search keyword {n}"), n=n),
            max_length=c.LISTING_KEYWORD_MAX_LENGTH,
            required=False,
            validators=[validate_single_line],
            help_text=_("Up to 50 characters."),
        )
    }


def _document(n: int) -> dict:
    return {
        f"document_{n}_name": forms.CharField(
            label=format_lazy(_("Document {n} name"), n=n), max_length=DOCUMENT_NAME_MAX_LENGTH, required=False
        ),
        f"document_{n}_file": StoredFileField(
            check=validate_pdf,
            content_type=PDF,
            accept=PDF,
            label=format_lazy(_("Document {n} (PDF)"), n=n),
            required=False,
        ),
    }


def _screenshot(n: int) -> dict:
    return {
        f"screenshot_{n}": _png(
            format_lazy(_("Screenshot {n}"), n=n),
            check_screenshot,
            _("PNG, exactly 1280 x 720 pixels."),
            required=False,
        ),
        f"screenshot_{n}_caption": forms.CharField(
            label=format_lazy(_("Screenshot {n} caption"), n=n),
            max_length=SCREENSHOT_CAPTION_MAX_LENGTH,
            required=False,
            validators=[validate_single_line],
        ),
    }


def _video(n: int) -> dict:
    return {
        f"video_{n}_name": forms.CharField(
            label=format_lazy(_("Video {n} name"), n=n), max_length=VIDEO_NAME_MAX_LENGTH, required=False
        ),
        f"video_{n}_url": forms.URLField(
            label=format_lazy(_("Video {n} link"), n=n),
            required=False,
            assume_scheme="https",
            validators=[video_provider],
            help_text=_("YouTube or Vimeo."),
        ),
        f"video_{n}_thumbnail": _png(
            format_lazy(_("Video {n} thumbnail"), n=n), check_thumbnail, _("PNG, 1280 x 720 pixels."), required=False
        ),
    }


def _link(n: int) -> dict:
    return {
        f"useful_link_{n}_title": forms.CharField(
            label=format_lazy(_("Link {n} title"), n=n), max_length=c.USEFUL_LINK_TITLE_MAX_LENGTH, required=False
        ),
        f"useful_link_{n}_url": forms.URLField(
            label=format_lazy(_("Link {n} URL"), n=n),
            required=False,
            assume_scheme="https",
            validators=[validate_https_url],
        ),
    }


def _person(prefix: str, who) -> dict:
    """Return the name, email and phone fields of a contact."""
    return {
        f"{prefix}_name": forms.CharField(
            label=format_lazy(_("{who} name"), who=who), max_length=CONTACT_NAME_MAX_LENGTH, required=True
        ),
        f"{prefix}_email": forms.EmailField(label=format_lazy(_("{who} email"), who=who), required=True),
        f"{prefix}_phone": forms.CharField(
            label=format_lazy(_("{who} phone"), who=who),
            max_length=PHONE_MAX_LENGTH,
            required=True,
            validators=[validate_phone_number],
            help_text=_("For example +1 425 555 0100."),
        ),
    }


def _contact(n: int) -> dict:
    return _person(f"contact_{n}", format_lazy(_("Contact {n}"), n=n))


KeywordSlots = _slots("KeywordSlots", c.LISTING_KEYWORDS_MAX, _keyword)
DocumentSlots = _slots("DocumentSlots", c.SUPPORTING_DOCUMENTS_MAX, _document)
ScreenshotSlots = _slots("ScreenshotSlots", c.SCREENSHOTS_MAX, _screenshot)
VideoSlots = _slots("VideoSlots", c.VIDEOS_MAX, _video)
UsefulLinkSlots = _slots("UsefulLinkSlots", USEFUL_LINKS_MAX, _link)
ContactSlots = _slots("ContactSlots", c.CONSULTING_SUPPORT_CONTACTS, _contact)
AppContacts = _mixin(
    "AppContacts", {**_person("support", _("Support contact")), **_person("engineering", _("Engineering contact"))}
)


def _rows(*patterns: str, count: int) -> list[tuple[str, ...]]:
    return [tuple(p.format(n=n) for p in patterns) for n in range(1, count + 1)]


# The page's fieldsets: a title and its rows (a field name, or a tuple of names shown side by side). A form
# shows the rows whose fields it has, so one layout serves every offer type.
SECTIONS = (
    (
        _("Marketplace details"),
        [
            "name",
            "search_results_summary",
            "short_description",
            "description",
            "getting_started_instructions",
            tuple(f"search_keyword_{n}" for n in range(1, c.LISTING_KEYWORDS_MAX + 1)),
            "privacy_policy_url",
        ],
    ),
    (_("Useful links"), _rows("useful_link_{n}_title", "useful_link_{n}_url", count=USEFUL_LINKS_MAX)),
    (
        _("Contact information"),
        [
            ("support_name", "support_email", "support_phone"),
            "support_url",
            ("engineering_name", "engineering_email", "engineering_phone"),
            *_rows("contact_{n}_name", "contact_{n}_email", "contact_{n}_phone", count=c.CONSULTING_SUPPORT_CONTACTS),
        ],
    ),
    (_("Supporting documents"), _rows("document_{n}_name", "document_{n}_file", count=c.SUPPORTING_DOCUMENTS_MAX)),
    (
        _("Marketplace media"),
        [
            "large_logo",
            *_rows("screenshot_{n}", "screenshot_{n}_caption", count=c.SCREENSHOTS_MAX),
            *_rows("video_{n}_name", "video_{n}_url", "video_{n}_thumbnail", count=c.VIDEOS_MAX),
        ],
    ),
)


class ListingForm(KeywordSlots, DocumentSlots, ScreenshotSlots, VideoSlots, PageForm):
    """What every offer type's listing asks: name, summary, description, keywords, documents and media."""

    description_max_length = c.LISTING_DESCRIPTION_MAX_LENGTH
    screenshots_min = c.SCREENSHOTS_MIN
    documents_min = c.SUPPORTING_DOCUMENTS_MIN

    name = forms.CharField(
        label=_("Name"),
        max_length=c.LISTING_NAME_MAX_LENGTH,
        required=True,
        validators=[validate_listing_name],
        help_text=_("Up to 200 characters; no emoji (™, © and ® are allowed)."),
    )
    search_results_summary = forms.CharField(
        label=_("Search results summary"),
        max_length=c.LISTING_SUMMARY_MAX_LENGTH,
        required=True,
        validators=[validate_single_line, validate_plain_text],
        help_text=_("Up to 100 characters, one line of plain text."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=True,
        widget=RichTextarea(tags=DESCRIPTION_TAGS, limit=c.LISTING_DESCRIPTION_MAX_LENGTH),
        help_text=format_lazy(DESCRIPTION_HELP, limit="5,000"),
    )
    large_logo = _png(_("Large logo"), check_logo, _("PNG, square, 216 to 350 pixels."), required=True)

    def setup(self):
        layout, order = [], []
        for title, rows in SECTIONS:
            kept = [row for row in rows if all(name in self.fields for name in _names(row))]
            if kept:
                layout.append(Fieldset(title, *(_row(row) for row in kept)))
                order.extend(name for row in kept for name in _names(row))
        self.order_fields(order)
        self.helper.layout = Layout(*layout)
        self.fields["description"].widget.limit = self.description_max_length

    def clean_description(self):
        html = sanitize_description(self.cleaned_data.get("description") or "")
        if len(html) > self.description_max_length:
            raise forms.ValidationError(
                _("Keep the description to %(max)d characters including HTML (it has %(n)d).")
                % {"max": self.description_max_length, "n": len(html)},
                code="max_length",
            )
        if not html.strip() and self.fields["description"].required:
            raise forms.ValidationError(self.fields["description"].error_messages["required"], code="required")
        return html

    def clean_complete(self, cleaned):
        super().clean_complete(cleaned)
        screenshots = self.clean_slots(
            cleaned, ("screenshot_{n}", "screenshot_{n}_caption"), _("Each screenshot needs its image and a caption.")
        )
        if screenshots < self.screenshots_min:
            self.add_error(
                "screenshot_1", _("Upload at least %(n)d screenshot(s) for this offer.") % {"n": self.screenshots_min}
            )
        documents = self.clean_slots(
            cleaned, ("document_{n}_file", "document_{n}_name"), _("Each supporting document needs a PDF and a name.")
        )
        if documents < self.documents_min:
            self.add_error(
                "document_1_file", _("Upload at least %(n)d supporting document(s) (PDF).") % {"n": self.documents_min}
            )
        self.clean_slots(
            cleaned,
            ("video_{n}_name", "video_{n}_url", "video_{n}_thumbnail"),
            _("Each video needs a name, a YouTube or Vimeo link and a thumbnail."),
        )

    def clean_slots(self, cleaned: dict, patterns: tuple[str, ...], message) -> int:
        """Add ``message`` to the empty fields of each partly filled slot; return how many slots are used."""
        used, n = 0, 1
        while patterns[0].format(n=n) in self.fields:
            names = [pattern.format(n=n) for pattern in patterns]
            given = [cleaned.get(name) not in (None, "") for name in names]
            used += given[0]
            for name, present in zip(names, given, strict=True):
                if any(given) and not present:
                    self.add_error(name, message)
            n += 1
        return used


def _names(row) -> tuple[str, ...]:
    return row if isinstance(row, tuple) else (row,)


def _row(row):
    if isinstance(row, str):
        return row
    return Row(*(Column(name, css_class="col-md") for name in row))


class AppListingForm(UsefulLinkSlots, AppContacts, ListingForm):
    """The listing of SaaS, Azure Application and Azure virtual machine offers."""

    privacy_policy_url = forms.URLField(
        label=_("Privacy policy link"), required=True, assume_scheme="https", validators=[validate_https_url]
    )
    support_url = forms.URLField(
        label=_("Support URL"), required=True, assume_scheme="https", validators=[validate_https_url]
    )

    def clean_complete(self, cleaned):
        super().clean_complete(cleaned)
        self.clean_slots(
            cleaned, ("useful_link_{n}_title", "useful_link_{n}_url"), _("Each link needs a title and an https URL.")
        )


class SaasListingForm(AppListingForm):
    """SaaS: at least one screenshot; getting started instructions when sold through Microsoft."""

    screenshots_min = c.SAAS_SCREENSHOTS_MIN

    getting_started_instructions = forms.CharField(
        label=_("Getting started instructions"),
        max_length=c.LISTING_GETTING_STARTED_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Up to 3,000 characters. Required when the offer is sold through Microsoft."),
    )

    def clean_complete(self, cleaned):
        super().clean_complete(cleaned)
        if self.values.get("offer_setup", {}).get("sell_through_microsoft") is True:
            self.require(
                cleaned,
                "getting_started_instructions",
                _("Enter getting started instructions; they are required when the offer is sold through Microsoft."),
            )


class AzureAppListingForm(AppListingForm):
    """Azure Application: the app listing with a short description."""

    short_description = forms.CharField(
        label=_("Short description"),
        max_length=c.LISTING_SHORT_DESCRIPTION_MAX_LENGTH,
        required=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_plain_text],
        help_text=_("Up to 256 characters, plain text."),
    )


class VmListingForm(AzureAppListingForm):
    """Azure virtual machine: the same listing as an Azure Application."""


class ConsultingListingForm(ContactSlots, ListingForm):
    """Consulting service: a `Name: Duration Type` name, two contacts, 1 to 3 documents and 1 to 5 screenshots."""

    description_max_length = c.CONSULTING_DESCRIPTION_MAX_LENGTH
    screenshots_min = c.CONSULTING_SCREENSHOTS_MIN
    documents_min = c.CONSULTING_SUPPORTING_DOCUMENTS_MIN

    name = forms.CharField(
        label=_("Name"),
        max_length=c.CONSULTING_NAME_MAX_LENGTH,
        required=True,
        validators=[validate_consulting_name],
        help_text=_("Up to 50 characters, as Name: Duration Type, e.g. Data Migration: 3-Wk Proof of Concept."),
    )
    search_results_summary = forms.CharField(
        label=_("Search results summary"),
        max_length=c.CONSULTING_SUMMARY_MAX_LENGTH,
        required=True,
        validators=[validate_single_line, validate_plain_text],
        help_text=_("Up to 200 characters, plain text; must differ from the name."),
    )

    def setup(self):
        super().setup()
        self.fields["description"].help_text = format_lazy(DESCRIPTION_HELP, limit="2,000")

    def clean(self):
        cleaned = super().clean()
        name, summary = cleaned.get("name"), cleaned.get("search_results_summary")
        if name and summary and name.strip().casefold() == summary.strip().casefold():
            self.add_error("search_results_summary", _("The search results summary must differ from the name."))
        return cleaned
