"""The base of every page form: draft saving, completeness, stored files and JSON values."""

import datetime
import decimal
import uuid
from collections.abc import Callable

from crispy_forms.helper import FormHelper
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from offers.validators import validate_identifier


class StoredFileWidget(forms.Widget):
    """A file input that keeps the file already saved unless a new one is uploaded or it is removed.

    Not a FileInput subclass on purpose: crispy-forms renders those with its own template, which would
    drop the saved file's preview and the hidden field that keeps it.
    """

    template_name = "offers/widgets/stored_file.html"
    needs_multipart_form = True

    def __init__(self, attrs=None, *, accept: str = ""):
        super().__init__(attrs={"class": "form-control", **(attrs or {}), **({"accept": accept} if accept else {})})
        self.files_by_id: dict = {}

    def current_name(self, name):
        return f"{name}-current"

    def clear_checkbox_name(self, name):
        return f"{name}-clear"

    def use_required_attribute(self, initial):
        return False

    def value_from_datadict(self, data, files, name):
        upload = files.get(name) if files else None
        if upload:
            return upload
        if data.get(self.clear_checkbox_name(name)):
            return None
        current = data.get(self.current_name(name), data.get(name))
        return current or None

    def value_omitted_from_data(self, data, files, name):
        return False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        stored = self.files_by_id.get(_as_int(value))
        context["widget"].update(
            {
                "stored": stored,
                "current_name": self.current_name(name),
                "clear_name": self.clear_checkbox_name(name),
                "is_image": bool(stored and stored.content_type == "image/png"),
            }
        )
        return context

    def format_value(self, value):
        return value


class StoredFileField(forms.Field):
    """A file of the offer: a new upload checked by ``check``, or the id of a file already saved."""

    widget = StoredFileWidget
    default_error_messages = {"unknown": _("The file is no longer available; upload it again.")}

    def __init__(self, *, check: Callable[[UploadedFile], object], content_type: str, accept: str = "", **kwargs):
        self.check = check
        self.content_type = content_type
        kwargs.setdefault("widget", StoredFileWidget(accept=accept))
        super().__init__(**kwargs)
        self.known_ids: frozenset[int] = frozenset()

    def bound_data(self, data, initial):
        # A page re-shown with errors keeps showing the saved file; a new upload must be chosen again.
        if isinstance(data, UploadedFile) or data in self.empty_values:
            return initial
        return data

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, UploadedFile):
            meta = self.check(value)
            if isinstance(meta, UploadedFile):  # the check cleaned the file (an image re-encoded): store its result
                return meta
            value.portal_meta = meta if isinstance(meta, dict) else {}
            if isinstance(meta, tuple) and len(meta) == 2:
                value.portal_meta = {"width": meta[0], "height": meta[1]}
            return value
        file_id = _as_int(value)
        if file_id is None or file_id not in self.known_ids:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return file_id


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class PageForm(forms.Form):
    """A page of an offer.

    Saving a draft checks every value that is given (``complete=False``: nothing is required); the page is
    Complete when the same form, bound to the saved values with ``complete=True``, is valid. Cross-field
    requirements belong in ``clean_complete``, which only runs for completeness.
    """

    def __init__(self, data=None, files=None, *, offer, values=None, complete=False, file_ids=(), **kwargs):
        super().__init__(data, files, **kwargs)
        self.offer = offer
        self.values = values or {}
        self.complete = complete
        self.files_by_id = {}
        for field in self.fields.values():
            if isinstance(field, StoredFileField):
                field.known_ids = frozenset(file_ids)
        self.adjust_fields()
        if not complete:
            for field in self.fields.values():
                field.required = False
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.setup()

    def adjust_fields(self) -> None:
        """Add or remove fields before the layout is built (the base class does nothing)."""

    def setup(self) -> None:
        """Adjust fields to the offer and its other pages (e.g. a limit that depends on the type)."""

    def attach_files(self, files_by_id: dict) -> None:
        """Give file widgets the saved files they show (thumbnails, names)."""
        self.files_by_id = files_by_id
        for field in self.fields.values():
            if isinstance(field.widget, StoredFileWidget):
                field.widget.files_by_id = files_by_id

    def clean(self):
        cleaned = super().clean()
        if self.complete and not self.errors:
            self.clean_complete(cleaned)
        return cleaned

    def clean_complete(self, cleaned: dict) -> None:
        """Check the requirements that only matter for publishing; add errors to their fields."""

    def show_conflicts(self, field_errors: dict[str, list[str]]) -> None:
        """Mark the fields of an unbound form whose saved value the completeness check refused.

        A value that conflicts with another (a duration the offer's name contradicts) is shown on its field; a
        value still missing is not, or a page just begun would be red all over (the page lists both anyway).
        """
        errors = self.errors  # an unbound form's errors: empty, ready to take these
        for name, messages in field_errors.items():
            if name in self.fields and self.initial.get(name) not in (None, "", [], ()):
                errors.setdefault(name, self.error_class()).extend(messages)

    def require(self, cleaned: dict, name: str, message=None) -> None:
        """Add a 'required' error to a field that has no value."""
        if cleaned.get(name) in (None, "", [], ()):
            self.add_error(name, message or forms.Field.default_error_messages["required"])

    def page_values(self) -> dict:
        """Return the cleaned values as JSON; uploaded files stay as they are for the service to store."""
        return {name: to_json(value) for name, value in self.cleaned_data.items()}


def to_json(value):
    """Convert a cleaned form value to a JSON value that the same form accepts back as data."""
    if isinstance(value, UploadedFile):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, set | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, list):
        return [to_json(item) for item in value]
    return value


class PlanForm(PageForm):
    """A plan of an offer. The plan ID is asked for once, when the plan is created, and never again."""

    plan_id = forms.CharField(
        label=_("Plan ID"),
        max_length=50,
        help_text=_("Lower-case letters, digits, hyphens and underscores; cannot be changed later."),
    )

    def __init__(self, *args, plan=None, plans=(), **kwargs):
        self.plan = plan
        self.plans = list(plans)
        super().__init__(*args, **kwargs)
        if plan is None:
            self.fields["plan_id"].required = True

    def adjust_fields(self) -> None:
        if self.plan is not None:
            # A stored plan is identified by its row; its ID is shown, never edited again.
            del self.fields["plan_id"]

    def clean_plan_id(self):

        plan_id = self.cleaned_data["plan_id"].strip()
        validate_identifier(plan_id)
        if any(p.plan_id == plan_id for p in self.plans):
            raise forms.ValidationError(_("This offer already has a plan with the ID %(id)s.") % {"id": plan_id})
        return plan_id

    def page_values(self) -> dict:
        values = super().page_values()
        values.pop("plan_id", None)
        return values

    @classmethod
    def offer_errors(cls, plans, values) -> list[str]:
        """Return the problems of the offer's plans taken together (for example mixed pricing models)."""
        return []


def _to_bool(value) -> bool:
    return value in (True, "True", "true", "1", 1, "yes")


class YesNoField(forms.TypedChoiceField):
    """A yes/no question shown as two radio buttons; its value is a real boolean."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.RadioSelect)
        super().__init__(choices=[("True", _("Yes")), ("False", _("No"))], coerce=_to_bool, empty_value=None, **kwargs)

    def prepare_value(self, value):
        return str(value) if isinstance(value, bool) else value

    def valid_value(self, value):
        return str(value) in ("True", "False")
