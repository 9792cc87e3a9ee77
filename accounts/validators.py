"""Validators of publisher accounts' legal info: https addresses, phone numbers and partner IDs."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from accounts import constants as c

_PHONE = re.compile(r"^\+?[0-9 ().-]+(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?$", re.IGNORECASE)
_PARTNER_ID = re.compile(c.PARTNER_ID_PATTERN)


def validate_https_address(value: str) -> None:
    """Refuse anything but an absolute https address with a host."""
    try:
        scheme = urlsplit(value.strip()).scheme
    except ValueError:  # e.g. a malformed IPv6 host
        scheme = ""
    if scheme.lower() != "https":
        raise ValidationError(_("Enter an address that starts with https://."), code="https")
    URLValidator(schemes=["https"], message=_("Enter a valid https address with a host name."))(value)


def validate_phone_number(value: str) -> None:
    """Refuse a phone number that is not digits with the usual separators, or has fewer than 7 digits."""
    if not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < 7:
        raise ValidationError(_("Enter a phone number, for example +1 425 555 0100."), code="phone")


def validate_partner_id(value: str) -> None:
    """Refuse a partner ID that is not 6 to 10 digits."""
    if not _PARTNER_ID.match(value):
        raise ValidationError(_("Enter your partner ID: 6 to 10 digits, for example 4412345."), code="partner_id")
