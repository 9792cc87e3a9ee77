"""Fields and checks shared by plan forms: lists typed one per line, numbered slots, prices and meters."""

import re
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from offers.validators import validate_guid, validate_identifier, validate_plain_text, validate_single_line

# Limits of the real portal that offers.constants does not hold.
RESTRICTED_AUDIENCE_MAX = 10  # IDs typed in by hand; the real portal takes more only as a CSV import
METER_ID_MAX_LENGTH = 50
METER_NAME_MAX_LENGTH = 50
METER_UNIT_MAX_LENGTH = 50
PRICE_MAX_DIGITS = 10
PRICE_DECIMAL_PLACES = 2
METER_PRICE_DECIMAL_PLACES = 4
METER_PARTS = ("id", "name", "unit", "price")

_SEPARATORS = re.compile(r"[\r\n,;]+")
_PORT = re.compile(r"([0-9]{1,5})\s*/\s*(tcp|udp)", re.IGNORECASE)


class LineListField(forms.Field):
    """A list typed one entry per line (commas also separate); its cleaned list is accepted back as data."""

    def __init__(self, *, entry: Callable[[str], str], max_entries: int, **kwargs):
        self.entry = entry
        self.max_entries = max_entries
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(str(item) for item in value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        if value in self.empty_values:
            return []
        texts = value if isinstance(value, list | tuple) else _SEPARATORS.split(str(value))
        entries, errors = [], []
        for text in (str(item).strip() for item in texts):
            if not text:
                continue
            try:
                entry = self.entry(text)
            except ValidationError as error:
                problem = " ".join(error.messages)
                errors.append(
                    ValidationError(_("“%(value)s”: %(problem)s"), params={"value": text, "problem": problem})
                )
                continue
            if entry not in entries:
                entries.append(entry)
        if errors:
            raise ValidationError(errors)
        if len(entries) > self.max_entries:
            raise ValidationError(
                _("Enter at most %(max)d entries; there are %(count)d."),
                code="too_many",
                params={"max": self.max_entries, "count": len(entries)},
            )
        return entries


def guid_entry(text: str) -> str:
    """Return a GUID in lower case; refuse anything else."""
    validate_guid(text)
    return text.lower()


def port_entry(text: str) -> str:
    """Return a port rule as ``443/TCP``; refuse a port outside 1 to 65535 or a protocol other than TCP or UDP."""
    match = _PORT.fullmatch(text)
    if not match or not 1 <= int(match.group(1)) <= 65535:
        raise ValidationError(_("Enter a port from 1 to 65535 and TCP or UDP, such as 443/TCP."), code="port")
    return f"{int(match.group(1))}/{match.group(2).upper()}"


def price_field(label, *, decimal_places: int = PRICE_DECIMAL_PLACES, **kwargs) -> forms.DecimalField:
    """Return a price in US dollars: zero or more, with at most ``decimal_places`` decimals."""
    kwargs.setdefault("required", False)
    return forms.DecimalField(
        label=label, min_value=0, max_digits=PRICE_MAX_DIGITS, decimal_places=decimal_places, **kwargs
    )


def mixin(name: str, fields: dict) -> type[forms.Form]:
    """Return a form mixin that declares the given fields."""
    return type(forms.Form)(name, (forms.Form,), {"__module__": __name__, "__qualname__": name, **fields})


def slots(name: str, count: int, build: Callable[[int], dict]) -> type[forms.Form]:
    """Return a form mixin with ``count`` numbered groups of the fields ``build(n)`` returns."""
    return mixin(name, {key: field for n in range(1, count + 1) for key, field in build(n).items()})


def meter_slots(name: str, prefix: str, noun, count: int) -> type[forms.Form]:
    """Return ``count`` meter slots: ID, display name, unit of measure and price per unit."""

    def build(n: int) -> dict:
        return {
            f"{prefix}_{n}_id": forms.CharField(
                label=format_lazy(_("{noun} {n} ID"), noun=noun, n=n),
                max_length=METER_ID_MAX_LENGTH,
                required=False,
                validators=[validate_identifier],
            ),
            f"{prefix}_{n}_name": forms.CharField(
                label=format_lazy(_("{noun} {n} display name"), noun=noun, n=n),
                max_length=METER_NAME_MAX_LENGTH,
                required=False,
                validators=[validate_single_line, validate_plain_text],
            ),
            f"{prefix}_{n}_unit": forms.CharField(
                label=format_lazy(_("{noun} {n} unit of measure"), noun=noun, n=n),
                max_length=METER_UNIT_MAX_LENGTH,
                required=False,
                validators=[validate_single_line, validate_plain_text],
            ),
            f"{prefix}_{n}_price": price_field(
                format_lazy(_("{noun} {n} price per unit (USD)"), noun=noun, n=n),
                decimal_places=METER_PRICE_DECIMAL_PLACES,
            ),
        }

    return slots(name, count, build)


def _given(value) -> bool:
    return value not in (None, "", [], ())


def slot_numbers(cleaned: dict, prefix: str, count: int, parts) -> list[int]:
    """Return the numbers of the slots that have any value."""
    return [n for n in range(1, count + 1) if any(_given(cleaned.get(f"{prefix}_{n}_{part}")) for part in parts)]


def refuse_partial_slots(form, cleaned: dict, prefix: str, count: int, parts, message) -> None:
    """Add ``message`` to each empty field of a slot that has some values but not all."""
    for n in slot_numbers(cleaned, prefix, count, parts):
        for part in parts:
            if not _given(cleaned.get(f"{prefix}_{n}_{part}")):
                form.add_error(f"{prefix}_{n}_{part}", message)


def refuse_duplicates(form, cleaned: dict, prefix: str, count: int, part: str, message) -> None:
    """Add ``message`` to each slot whose ``part`` repeats the value of an earlier slot."""
    seen = set()
    for n in range(1, count + 1):
        name = f"{prefix}_{n}_{part}"
        value = cleaned.get(name)
        if not _given(value):
            continue
        if value in seen:
            form.add_error(name, message)
        seen.add(value)


def refuse_given(form, cleaned: dict, names, message) -> None:
    """Add ``message`` to each of the named fields that has a value."""
    for name in names:
        if _given(cleaned.get(name)):
            form.add_error(name, message)
