"""Checks of single listing values and uploads, each raising a ValidationError a publisher can act on."""

import csv
import io
import os
import re
import uuid
import zipfile
from typing import Literal
from urllib.parse import parse_qs, urlsplit

import nh3
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.validators import EmailValidator, URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageCms

from offers.constants import (
    CONSULTING_NAME_DURATION_UNITS,
    CONSULTING_NAME_TYPES,
    IDENTIFIER_MAX_LENGTH,
    LISTING_NAME_ALLOWED_SYMBOLS,
    OFFER_ID_PATTERN,
    PREVIEW_AUDIENCE_MAX,
    VERSION_PATTERN,
    audience_csv_max_bytes,
    image_max_bytes,
    package_max_bytes,
    package_max_uncompressed_bytes,
    pdf_max_bytes,
)

# -- Text -------------------------------------------------------------------------------------------------------

DESCRIPTION_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "h2", "h3", "h4", "a"}


def _https_href_only(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if value.strip().lower().startswith("https://") else None
    return value


def sanitize_description(html: str) -> str:
    """Return the description with only the safe subset of HTML kept and https links marked nofollow."""
    return nh3.clean(
        html,
        tags=DESCRIPTION_TAGS,
        clean_content_tags={"script", "style"},
        attributes={"a": {"href"}},
        attribute_filter=_https_href_only,
        url_schemes={"https"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>|<!--")
_LINE_BREAKS = frozenset("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def validate_plain_text(value: str) -> None:
    """Refuse text that contains HTML tags."""
    if _TAG.search(value):
        raise ValidationError(_("Use plain text here; HTML tags are not allowed."), code="html")


def validate_single_line(value: str) -> None:
    """Refuse text that spans more than one line."""
    if any(char in _LINE_BREAKS for char in value):
        raise ValidationError(_("Keep this to a single line, without line breaks."), code="multiline")


# Pictographs, dingbats and the joiners, selectors, keycaps and tags that build emoji sequences (flags, ZWJ).
_EMOJI_RANGES = (
    (0x203C, 0x203C), (0x2049, 0x2049), (0x20E3, 0x20E3), (0x2139, 0x2139), (0x2194, 0x2199),
    (0x21A9, 0x21AA), (0x231A, 0x231B), (0x2328, 0x2328), (0x23CF, 0x23CF), (0x23E9, 0x23F3),
    (0x23F8, 0x23FA), (0x24C2, 0x24C2), (0x25AA, 0x25AB), (0x25B6, 0x25B6), (0x25C0, 0x25C0),
    (0x25FB, 0x25FE), (0x2600, 0x27BF), (0x2934, 0x2935), (0x2B05, 0x2B07), (0x2B1B, 0x2B1C),
    (0x2B50, 0x2B50), (0x2B55, 0x2B55), (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3297),
    (0x3299, 0x3299), (0x200D, 0x200D), (0xFE0F, 0xFE0F), (0x1F000, 0x1FAFF), (0xE0020, 0xE007F),
)  # fmt: skip


def _is_emoji(char: str, previous: str) -> bool:
    if char == "\ufe0f" and previous in LISTING_NAME_ALLOWED_SYMBOLS:
        return False  # "™️": the allowed symbol in its emoji presentation
    point = ord(char)
    return any(low <= point <= high for low, high in _EMOJI_RANGES)


def validate_listing_name(value: str) -> None:
    """Refuse a listing name that contains emoji other than ™, © and ®."""
    for previous, char in zip(" " + value, value, strict=False):
        if _is_emoji(char, previous):
            raise ValidationError(
                _("Remove the emoji from the name (found “%(char)s”); only ™, © and ® are allowed."),
                code="emoji",
                params={"char": char},
            )


_UNITS = "|".join(CONSULTING_NAME_DURATION_UNITS)
_TYPES = "|".join(kind.replace(" ", r"\s+") for kind in CONSULTING_NAME_TYPES)
_CONSULTING_NAME = re.compile(rf"(?P<name>.*\S)\s*:\s*[0-9]{{1,3}}-(?:{_UNITS})\s+(?:{_TYPES})", re.IGNORECASE)


def validate_consulting_name(value: str) -> None:
    """Refuse a consulting offer name not in the form `Name: Duration Type`."""
    if not _CONSULTING_NAME.fullmatch(value.strip()):
        raise ValidationError(
            _(
                "Name the offer as “Name: Duration Type”, for example “Data Migration: 3-Wk Proof of Concept”; "
                "the duration is a number and Hr, Day or Wk, and the type is one of %(types)s."
            ),
            code="consulting_name",
            params={"types": ", ".join(CONSULTING_NAME_TYPES)},
        )


def validate_identifier(value: str) -> None:
    """Refuse an offer or plan ID that is not 1 to 50 lower-case letters, digits, hyphens or underscores."""
    if not value:
        raise ValidationError(_("Enter an ID."), code="required")
    if len(value) > IDENTIFIER_MAX_LENGTH:
        raise ValidationError(
            _("The ID has %(length)d characters; use at most %(max)d."),
            code="max_length",
            params={"length": len(value), "max": IDENTIFIER_MAX_LENGTH},
        )
    if not re.fullmatch(OFFER_ID_PATTERN, value):
        raise ValidationError(
            _("Use only lower-case letters, digits, hyphens and underscores in the ID."), code="invalid"
        )


# -- Addresses and identifiers ---------------------------------------------------------------------------------------


def _split(url: str):
    try:
        return urlsplit(url.strip())
    except ValueError:  # e.g. a malformed IPv6 host
        return urlsplit("")


def validate_https_url(value: str) -> None:
    """Refuse anything but an absolute https URL with a host."""
    if _split(value).scheme.lower() != "https":
        raise ValidationError(_("Enter an address that starts with https://."), code="https")
    URLValidator(schemes=["https"], message=_("Enter a valid https address with a host name."))(value)


_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def validate_guid(value: str) -> None:
    """Refuse a value that is not a GUID in its usual 8-4-4-4-12 form."""
    if not _GUID.fullmatch(value):
        raise ValidationError(
            _("Enter a GUID such as %(example)s."), code="guid", params={"example": str(uuid.UUID(int=0))}
        )


def validate_version(value: str) -> None:
    """Refuse a version that is not three numbers such as 1.0.2."""
    if not re.fullmatch(VERSION_PATTERN, value):
        raise ValidationError(_("Enter the version as three numbers, such as 1.0.2."), code="version")


def validate_sas_uri(value: str) -> None:
    """Refuse a SAS URI that is not https or lacks its signature (sig) and expiry (se)."""
    validate_https_url(value)
    query = parse_qs(_split(value).query)
    missing = [name for name in ("sig", "se") if not query.get(name)]
    if missing:
        raise ValidationError(
            _("The SAS URI has no %(names)s parameter; generate it again with read access and an expiry."),
            code="sas",
            params={"names": " or ".join(missing)},
        )


_VIDEO_PATHS = {
    "youtu.be": ("youtube", re.compile(r"/[\w-]+/?")),
    "youtube.com": ("youtube", re.compile(r"/watch/?")),
    "vimeo.com": ("vimeo", re.compile(r"/[0-9]+/?")),
    "player.vimeo.com": ("vimeo", re.compile(r"/video/[0-9]+/?")),
}


def video_provider(url: str) -> str:
    """Return "youtube" or "vimeo" for a video address of theirs; refuse any other address."""
    parts = _split(url)
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    provider, path = _VIDEO_PATHS.get(host, (None, None))
    has_id = host != "youtube.com" or bool(parse_qs(parts.query).get("v"))
    if parts.scheme != "https" or path is None or not path.fullmatch(parts.path) or not has_id:
        raise ValidationError(
            _("Enter the https address of a YouTube or Vimeo video, such as https://www.youtube.com/watch?v=…"),
            code="video",
        )
    return provider


# -- Uploads: judged by their bytes, never by their name or declared type ------------------------------------------


def _measured_size(uploaded) -> int:
    uploaded.seek(0, os.SEEK_END)
    size = uploaded.tell()
    uploaded.seek(0)
    return size


def _refuse_if_larger(size: int, limit: int, what: str) -> None:
    if size > limit:
        raise ValidationError(
            _("%(what)s may be at most %(limit)s; this one is %(size)s."),
            code="too_large",
            params={"size": filesizeformat(size), "what": what, "limit": filesizeformat(limit)},
        )


_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": gettext_lazy("PNG image"),
    b"\xff\xd8\xff": gettext_lazy("JPEG image"),
    b"GIF8": gettext_lazy("GIF image"),
    b"RIFF": gettext_lazy("WebP image"),
    b"BM": gettext_lazy("BMP image"),
    b"%PDF-": gettext_lazy("PDF document"),
    b"PK\x03\x04": gettext_lazy("zip archive"),
}


def _not_a(expected: str, head: bytes) -> ValidationError:
    actual = next((kind for signature, kind in _SIGNATURES.items() if head.startswith(signature)), "")
    if actual:
        return ValidationError(
            _("The file is not a %(expected)s: its contents are a %(actual)s."),
            code="wrong_type",
            params={"expected": expected, "actual": actual},
        )
    return ValidationError(_("The file is not a %(expected)s."), code="wrong_type", params={"expected": expected})


def _dimension_problem(size: tuple[int, int], exact, square_between) -> str:
    width, height = size
    if exact and size != tuple(exact):
        return _("it must be exactly %(w)d×%(h)d px") % {"w": exact[0], "h": exact[1]}  # noqa: RUF001
    if square_between and width != height:
        return _("it must be square")
    if square_between and not square_between[0] <= width <= square_between[1]:
        low, high = square_between
        return _("it must be between %(low)d×%(low)d and %(high)d×%(high)d px") % {"low": low, "high": high}  # noqa: RUF001
    return ""


def validate_png(
    uploaded, *, exact: tuple[int, int] | None = None, square_between: tuple[int, int] | None = None
) -> tuple[int, int]:
    """Refuse an upload that is not a sound PNG of the required size; return its width and height."""
    try:
        _refuse_if_larger(_measured_size(uploaded), image_max_bytes(), _("An image"))
        data = uploaded.read()
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise _not_a(_("PNG image"), data[:8])
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                kind, size = image.format, image.size
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
            raise ValidationError(_("The PNG image is damaged and cannot be read."), code="damaged") from error
        if kind != "PNG":
            raise _not_a(_("PNG image"), data[:8])
        problem = _dimension_problem(size, exact, square_between)
        if problem:
            raise ValidationError(
                _("The image is %(w)d×%(h)d px; %(problem)s."),  # noqa: RUF001
                code="dimensions",
                params={"w": size[0], "h": size[1], "problem": problem},
            )
        return size
    finally:
        uploaded.seek(0)


def _icc_profile_sound(profile: bytes) -> bool:
    try:
        ImageCms.ImageCmsProfile(io.BytesIO(profile))
    except (OSError, ValueError, TypeError, ImageCms.PyCMSError):
        return False
    return True


def png_reencode(data: bytes) -> bytes:
    """Return the PNG's pixels encoded afresh: only the image itself is kept.

    Nothing the publisher's file carried besides its pixels reaches storage: no bytes after the image's end (a zip
    appended to a PNG), no text, EXIF or private chunks, no frames after the first. Kept: transparency, and a colour
    profile that is a real ICC profile (so colours stay as designed).
    """
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        options = {}
        if "transparency" in image.info:
            options["transparency"] = image.info["transparency"]
        profile = image.info.get("icc_profile")
        if profile and _icc_profile_sound(profile):
            options["icc_profile"] = profile
        encoded = io.BytesIO()
        image.save(encoded, format="PNG", **options)
    return encoded.getvalue()


def clean_png(
    uploaded, *, exact: tuple[int, int] | None = None, square_between: tuple[int, int] | None = None
) -> UploadedFile:
    """Check a PNG upload as ``validate_png`` does, then return it re-encoded (``png_reencode``) as a new upload
    of the same name, whose ``portal_meta`` holds its width and height: what is stored is the re-encoded file."""
    width, height = validate_png(uploaded, exact=exact, square_between=square_between)
    try:
        data = png_reencode(uploaded.read())
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("The PNG image is damaged and cannot be read."), code="damaged") from error
    finally:
        uploaded.seek(0)
    cleaned = SimpleUploadedFile(uploaded.name, data, content_type="image/png")
    cleaned.portal_meta = {"width": width, "height": height}
    return cleaned


def validate_pdf(uploaded) -> None:
    """Refuse an upload that is not a complete PDF document within the size limit."""
    try:
        size = _measured_size(uploaded)
        _refuse_if_larger(size, pdf_max_bytes(), _("A PDF document"))
        head = uploaded.read(8)
        if not head.startswith(b"%PDF-"):
            raise _not_a(_("PDF document"), head)
        uploaded.seek(max(0, size - 1024))
        if b"%%EOF" not in uploaded.read():
            raise ValidationError(
                _("The PDF document is incomplete (it has no end-of-file marker); save it again and upload it."),
                code="damaged",
            )
    finally:
        uploaded.seek(0)


def validate_zip(uploaded) -> None:
    """Refuse an upload that is not a sound zip archive within the size limits."""
    try:
        _refuse_if_larger(_measured_size(uploaded), package_max_bytes(), _("A package"))
        head = uploaded.read(8)
        uploaded.seek(0)
        if not zipfile.is_zipfile(uploaded):
            raise _not_a(_("zip archive"), head)
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
            _refuse_if_larger(expanded, package_max_uncompressed_bytes(), _("An unpacked package"))
            broken = archive.testzip()
        if broken:
            raise ValidationError(
                _("The zip archive is damaged: “%(name)s” cannot be read."), code="damaged", params={"name": broken}
            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError, OSError) as error:
        raise ValidationError(
            _("The zip archive is damaged, encrypted or uses an unsupported compression."), code="damaged"
        ) from error
    finally:
        uploaded.seek(0)


# -- Preview audience CSV ----------------------------------------------------------------------------------------

AudienceKind = Literal["email", "subscription"]
_AUDIENCE_TYPES = {"email": "Email", "subscription": "SubscriptionId"}
_AUDIENCE_VALUE_COLUMNS = {"id", "email", "emailaddress", "subscriptionid", "azuresubscriptionid", "subscription"}
_AUDIENCE_HEADER_WORDS = _AUDIENCE_VALUE_COLUMNS | {"type", "description", "name"}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _header_word(cell: str) -> str:
    return re.sub(r"[\s_-]", "", cell).lower()


def _audience_rows(uploaded) -> list[tuple[int, list[str]]]:
    _refuse_if_larger(_measured_size(uploaded), audience_csv_max_bytes(), _("A preview audience file"))
    try:
        text = uploaded.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("Save the file as CSV UTF-8 and upload it again."), code="encoding") from error
    finally:
        uploaded.seek(0)
    reader = csv.reader(io.StringIO(text))
    try:
        return [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise ValidationError(_("The file is not a readable CSV file."), code="csv") from error


def _audience_column(first_row: list[str]) -> int | None:
    """Return the column of the entries when the first row is a header; None when there is no header."""
    words = [_header_word(cell) for cell in first_row]
    if not words or not all(word in _AUDIENCE_HEADER_WORDS for word in words if word):
        return None
    return next((index for index, word in enumerate(words) if word in _AUDIENCE_VALUE_COLUMNS), 0)


def _audience_value(row: list[str], column: int | None) -> str:
    if column is None:
        # Without a header: a single column of entries, or rows that start with their type ("Email,a@b.example").
        column = 1 if len(row) > 1 and _header_word(row[0]) in _AUDIENCE_HEADER_WORDS else 0
    value = row[column].strip() if column < len(row) else ""
    if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS):
        value = value[1:]  # written by audience_csv_render so spreadsheets do not run it as a formula
    return value.lower()


def _audience_entry_is_valid(value: str, kind: AudienceKind) -> bool:
    try:
        (EmailValidator() if kind == "email" else validate_guid)(value)
    except ValidationError:
        return False
    return True


def _audience_entries(rows, column: int | None, kind: AudienceKind) -> tuple[list[str], list[ValidationError]]:
    entries, errors = [], []
    for line, row in rows:
        value = _audience_value(row, column)
        if not _audience_entry_is_valid(value, kind):
            errors.append(
                ValidationError(
                    _("Line %(line)d: “%(value)s” is not a valid %(what)s."),
                    code="invalid_entry",
                    params={
                        "line": line,
                        "value": value,
                        "what": _("email address") if kind == "email" else _("Azure subscription ID"),
                    },
                )
            )
        elif value not in entries:
            entries.append(value)
    return entries, errors


def audience_csv_parse(uploaded, *, kind: AudienceKind) -> list[str]:
    """Return the distinct emails or subscription IDs of a preview audience CSV, refusing bad rows."""
    if kind not in _AUDIENCE_TYPES:
        raise ValueError(f"Unknown audience kind: {kind!r}")
    rows = _audience_rows(uploaded)
    column = _audience_column(rows[0][1]) if rows else None
    entries, errors = _audience_entries(rows[1:] if column is not None else rows, column, kind)
    if errors:
        raise ValidationError(errors)
    if not entries:
        empty = _("The file lists no email addresses.") if kind == "email" else _("The file lists no subscription IDs.")
        raise ValidationError(empty, code="empty")
    if len(entries) > PREVIEW_AUDIENCE_MAX:
        raise ValidationError(
            _("The file lists %(count)d entries; a preview audience may have at most %(max)d."),
            code="too_many",
            params={"count": len(entries), "max": PREVIEW_AUDIENCE_MAX},
        )
    return entries


def audience_csv_render(entries, *, kind: AudienceKind) -> str:
    """Return the audience as a CSV with a `Type,Id,Description` header that audience_csv_parse reads back."""
    if kind not in _AUDIENCE_TYPES:
        raise ValueError(f"Unknown audience kind: {kind!r}")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Type", "Id", "Description"])
    for entry in entries:
        writer.writerow([_AUDIENCE_TYPES[kind], f"'{entry}" if entry.startswith(_FORMULA_STARTS) else entry, ""])
    return out.getvalue()
