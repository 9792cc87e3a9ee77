"""Tests of the listing value and upload validators."""

import contextlib
import io
import zipfile
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from offers.constants import LOGO_SIZE_RANGE, SCREENSHOT_SIZE
from offers.validators import (
    audience_csv_parse,
    audience_csv_render,
    sanitize_description,
    validate_consulting_name,
    validate_guid,
    validate_https_url,
    validate_identifier,
    validate_listing_name,
    validate_pdf,
    validate_plain_text,
    validate_png,
    validate_sas_uri,
    validate_single_line,
    validate_version,
    validate_zip,
    video_provider,
)

# -- Building uploads in memory ------------------------------------------------------------------------------------


def image_upload(size, *, image_format="PNG", name="image.png", content_type="image/png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 120, 212)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def pdf_upload(content=b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"):
    return SimpleUploadedFile("guide.pdf", content, content_type="application/pdf")


def zip_bytes(files=None, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in (files or {"mainTemplate.json": b"{}", "createUiDefinition.json": b"{}"}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_upload(content=None):
    return SimpleUploadedFile("package.zip", content or zip_bytes(), content_type="application/zip")


def csv_upload(text, encoding="utf-8"):
    return SimpleUploadedFile("audience.csv", text.encode(encoding), content_type="text/csv")


def messages(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.messages)


# -- Description HTML ----------------------------------------------------------------------------------------------


def test_a_description_keeps_the_allowed_formatting():
    html = "<h2>Why</h2><p><b>Fast</b>, <strong>safe</strong>, <i>calm</i> <em>and</em> <u>simple</u>.<br></p>"
    html += "<h3>List</h3><ul><li>one</li></ul><ol><li>two</li></ol><h4>End</h4>"
    assert sanitize_description(html) == html


def test_a_script_element_is_removed_with_its_content():
    assert sanitize_description("<p>Hello</p><script>alert('x')</script>") == "<p>Hello</p>"


def test_a_style_element_is_removed_with_its_content():
    assert sanitize_description("<style>p { color: red }</style><p>Hello</p>") == "<p>Hello</p>"


def test_event_handler_attributes_are_stripped():
    cleaned = sanitize_description('<p onclick="steal()">Hi <b onmouseover="steal()">there</b></p>')
    assert cleaned == "<p>Hi <b>there</b></p>"


def test_a_javascript_link_keeps_its_text_but_loses_its_href():
    cleaned = sanitize_description('<a href="javascript:alert(1)">Click</a>')
    assert "javascript" not in cleaned
    assert "href" not in cleaned
    assert ">Click</a>" in cleaned


@pytest.mark.parametrize(
    "href",
    [
        "http://contoso.example",
        "data:text/html;base64,PHNjcmlwdD4=",
        "/relative",
        "//contoso.example",
        "java&#x73;cript:x",
    ],
)
def test_a_link_that_is_not_https_loses_its_href(href):
    cleaned = sanitize_description(f'<a href="{href}">Docs</a>')
    assert "href" not in cleaned
    assert "Docs" in cleaned


def test_an_https_link_is_kept_and_marked_noopener_noreferrer_nofollow():
    cleaned = sanitize_description('<a href="https://contoso.example/docs" target="_blank">Docs</a>')
    assert cleaned == '<a href="https://contoso.example/docs" rel="noopener noreferrer nofollow">Docs</a>'


def test_tags_outside_the_allowed_subset_are_stripped_but_their_text_is_kept():
    cleaned = sanitize_description('<h1>Title</h1><div class="x"><span>Body</span><img src="x.png"></div>')
    assert cleaned == "TitleBody"


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


_DANGEROUS_FRAGMENTS = st.sampled_from(
    [
        "<script>",
        "</script>",
        "<SCRIPT src=x>",
        "<a href='javascript:alert(1)'>",
        '<a href="JaVaScRiPt:alert(1)">',
        "<img src=x onerror=alert(1)>",
        '<p onclick="x()">',
        "<svg onload=alert(1)>",
        "<iframe src=javascript:alert(1)>",
        "<a href=https://ok.example onmouseover=x()>",
        "<!--",
        "-->",
        "<",
        ">",
        '"',
        "'",
        "=",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(), _DANGEROUS_FRAGMENTS), max_size=12).map("".join))
def test_a_sanitised_description_never_holds_a_script_an_event_handler_or_a_javascript_link(html):
    cleaned = sanitize_description(html)
    collector = _TagCollector()
    collector.feed(cleaned)
    collector.close()
    assert "<script" not in cleaned.lower()
    for _tag, attrs in collector.tags:
        for name, value in attrs:
            assert not name.lower().startswith("on")
            assert "javascript:" not in (value or "").lower()
            assert name != "href" or value.startswith("https://")


# -- Plain text ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["Fast & simple", "2 < 3 and 5 > 4", "I <3 data", ""])
def test_plain_text_is_accepted(value):
    validate_plain_text(value)


@pytest.mark.parametrize("value", ["<b>Bold</b>", "Text<br>more", "a </p> b", "<!-- hidden -->", "<a href=x>x</a>"])
def test_text_with_html_tags_is_refused(value):
    with pytest.raises(ValidationError, match="plain text"):
        validate_plain_text(value)


def test_a_single_line_is_accepted():
    validate_single_line("One line of summary, with punctuation.")


@pytest.mark.parametrize("value", ["one\ntwo", "one\r\ntwo", "one\rtwo", "one\u2028two"])
def test_text_with_a_line_break_is_refused_as_more_than_one_line(value):
    with pytest.raises(ValidationError, match="single line"):
        validate_single_line(value)


# -- Listing names -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Contoso Analytics™", "Contoso© Suite®", "Contoso™\ufe0f", "Café Ünïcödé 数据 — v2 (Pro)", "A → B"],
)
def test_a_listing_name_with_trademark_signs_or_letters_of_any_script_is_accepted(name):
    validate_listing_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "Contoso 😀",
        "Contoso 🇺🇸",  # a flag: two regional indicators
        "Contoso 👩‍💻",  # a ZWJ sequence
        "Contoso 👍🏽",  # a skin tone modifier
        "Contoso ❤️",
        "Contoso ⭐",
        "Contoso 1️⃣",  # a keycap sequence
        "Contoso 🏴󠁧󠁢󠁳󠁣󠁴󠁿",  # a tag sequence
        "Contoso ✅",
    ],
)
def test_a_listing_name_with_emoji_is_refused(name):
    with pytest.raises(ValidationError, match="emoji") as refused:
        validate_listing_name(name)
    assert "™" in messages(refused)


@pytest.mark.parametrize(
    "name",
    [
        "Data Migration: 3-Wk Proof of Concept",
        "Azure Readiness: 2-Hr Briefing",
        "Copilot Adoption: 1-Day Workshop",
        "Security Review: 4-Hour Assessment",
        "SAP on Azure: 6-Week Implementation",
        "Cloud Cost: 10-Days assessment",
    ],
)
def test_a_consulting_name_in_the_form_name_duration_type_is_accepted(name):
    validate_consulting_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "Data Migration",
        "Data Migration: Proof of Concept",
        "Data Migration: 3-Wk Consultation",
        "Data Migration 3-Wk Workshop",
        ": 3-Wk Workshop",
        "Data Migration: three-Wk Workshop",
        "Data Migration: 3-Months Workshop",
    ],
)
def test_a_consulting_name_not_in_the_form_name_duration_type_is_refused(name):
    with pytest.raises(ValidationError, match="Name: Duration Type"):
        validate_consulting_name(name)


# -- Identifiers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["contoso-saas_01", "a", "x" * 50])
def test_an_identifier_of_lower_case_letters_digits_hyphens_and_underscores_is_accepted(value):
    validate_identifier(value)


@pytest.mark.parametrize("value", ["Contoso", "has space", "dots.not.allowed", "abc\n", "ünï", "a/b"])
def test_an_identifier_with_other_characters_is_refused(value):
    with pytest.raises(ValidationError, match="lower-case letters"):
        validate_identifier(value)


def test_an_identifier_longer_than_fifty_characters_is_refused_with_its_length():
    with pytest.raises(ValidationError, match="51 characters"):
        validate_identifier("x" * 51)


def test_an_empty_identifier_is_refused():
    with pytest.raises(ValidationError, match="Enter an ID"):
        validate_identifier("")


# -- Addresses ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["https://contoso.example/privacy", "https://contoso.com:8443/a?b=c#d"])
def test_an_absolute_https_url_is_accepted(url):
    validate_https_url(url)


@pytest.mark.parametrize("url", ["http://contoso.com", "ftp://contoso.com", "contoso.com", "javascript:alert(1)", ""])
def test_a_url_that_is_not_https_is_refused(url):
    with pytest.raises(ValidationError, match="https://"):
        validate_https_url(url)


@pytest.mark.parametrize("url", ["https://", "https:///path", "https://exa mple.com", "https://[::1"])
def test_an_https_url_without_a_valid_host_is_refused(url):
    with pytest.raises(ValidationError):
        validate_https_url(url)


@pytest.mark.parametrize("value", ["72f988bf-86f1-41af-91ab-2d7cd011db47", "72F988BF-86F1-41AF-91AB-2D7CD011DB47"])
def test_a_guid_is_accepted(value):
    validate_guid(value)


@pytest.mark.parametrize(
    "value",
    ["72f988bf86f141af91ab2d7cd011db47", "{72f988bf-86f1-41af-91ab-2d7cd011db47}", "not-a-guid", "", "72f988bf-86f1"],
)
def test_a_value_that_is_not_a_guid_is_refused(value):
    with pytest.raises(ValidationError, match="GUID"):
        validate_guid(value)


@pytest.mark.parametrize("value", ["1.0.0", "10.20.300"])
def test_a_three_part_version_is_accepted(value):
    validate_version(value)


@pytest.mark.parametrize("value", ["1.0", "1.0.0.0", "v1.0.0", "1.0.0-beta", "1.0.0\n", "\u0661.\u0660.\u0660", ""])
def test_a_version_that_is_not_three_numbers_is_refused(value):
    with pytest.raises(ValidationError, match="three numbers"):
        validate_version(value)


SAS = "https://contoso.blob.core.windows.net/vhds/os.vhd?sv=2022-11-02&sr=b&sp=r&se=2030-01-01T00%3A00%3A00Z&sig=abc%3D"


def test_a_sas_uri_with_a_signature_and_an_expiry_is_accepted():
    validate_sas_uri(SAS)


def test_a_sas_uri_over_http_is_refused():
    with pytest.raises(ValidationError, match="https://"):
        validate_sas_uri(SAS.replace("https://", "http://"))


@pytest.mark.parametrize(
    ("missing", "uri"), [("sig", SAS.replace("&sig=abc%3D", "")), ("se", SAS.replace("se=", "x="))]
)
def test_a_sas_uri_without_its_signature_or_expiry_is_refused_naming_what_is_missing(missing, uri):
    with pytest.raises(ValidationError, match=f"no {missing} parameter"):
        validate_sas_uri(uri)


@pytest.mark.parametrize(
    ("url", "provider"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
        ("https://youtube.com/watch?v=dQw4w9WgXcQ&t=10", "youtube"),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube"),
        ("https://vimeo.com/76979871", "vimeo"),
        ("https://player.vimeo.com/video/76979871", "vimeo"),
    ],
)
def test_a_youtube_or_vimeo_address_names_its_provider(url, provider):
    assert video_provider(url) == provider


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch",
        "https://www.youtube.com/channel/UC123",
        "https://youtu.be/",
        "https://vimeo.com/channels/staffpicks",
        "https://player.vimeo.com/video/abc",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "http://youtu.be/dQw4w9WgXcQ",
        "javascript:alert(1)",
    ],
)
def test_any_other_video_address_is_refused(url):
    with pytest.raises(ValidationError, match="YouTube or Vimeo"):
        video_provider(url)


# -- PNG uploads ----------------------------------------------------------------------------------------------------


def test_a_png_of_the_exact_size_is_accepted_and_its_size_returned():
    assert validate_png(image_upload(SCREENSHOT_SIZE), exact=SCREENSHOT_SIZE) == (1280, 720)


def test_a_jpeg_renamed_to_png_is_refused_as_not_a_png():
    upload = image_upload(SCREENSHOT_SIZE, image_format="JPEG", name="screenshot.png", content_type="image/png")
    with pytest.raises(ValidationError, match="not a PNG image") as refused:
        validate_png(upload, exact=SCREENSHOT_SIZE)
    assert "JPEG" in messages(refused)


def test_a_text_file_named_png_is_refused_as_not_a_png():
    upload = SimpleUploadedFile("logo.png", b"hello, I am text", content_type="image/png")
    with pytest.raises(ValidationError, match="not a PNG image"):
        validate_png(upload)


def test_a_screenshot_of_the_wrong_size_is_refused_naming_both_sizes():
    with pytest.raises(ValidationError) as refused:
        validate_png(image_upload((800, 600)), exact=SCREENSHOT_SIZE)
    assert messages(refused) == "The image is 800×600 px; it must be exactly 1280×720 px."  # noqa: RUF001


@pytest.mark.parametrize("side", [216, 300, 350])
def test_a_square_logo_within_the_allowed_range_is_accepted(side):
    assert validate_png(image_upload((side, side)), square_between=LOGO_SIZE_RANGE) == (side, side)


@pytest.mark.parametrize("side", [215, 351])
def test_a_square_logo_outside_the_allowed_range_is_refused(side):
    with pytest.raises(ValidationError, match="between 216×216 and 350×350 px"):  # noqa: RUF001
        validate_png(image_upload((side, side)), square_between=LOGO_SIZE_RANGE)


def test_a_logo_that_is_not_square_is_refused():
    with pytest.raises(ValidationError, match="300×250 px; it must be square"):  # noqa: RUF001
        validate_png(image_upload((300, 250)), square_between=LOGO_SIZE_RANGE)


def test_a_truncated_png_is_refused_as_damaged():
    content = image_upload((300, 300)).read()
    with pytest.raises(ValidationError, match="damaged"):
        validate_png(SimpleUploadedFile("logo.png", content[: len(content) // 2]))


def test_an_image_over_the_configured_size_limit_is_refused(settings):
    settings.OFFER_IMAGE_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="An image may be at most 100"):
        validate_png(image_upload((300, 300)))


@pytest.mark.parametrize("size", [(1280, 720), (10, 10)])
def test_a_png_upload_is_rewound_after_it_is_checked(size):
    upload = image_upload(size)
    upload.read(5)
    with contextlib.suppress(ValidationError):
        validate_png(upload, exact=SCREENSHOT_SIZE)
    assert upload.tell() == 0


# -- PDF uploads ----------------------------------------------------------------------------------------------------


def test_a_pdf_document_is_accepted_and_rewound():
    upload = pdf_upload()
    validate_pdf(upload)
    assert upload.tell() == 0


def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name():
    upload = SimpleUploadedFile("guide.pdf", b"<html><body>Guide</body></html>", content_type="application/pdf")
    with pytest.raises(ValidationError, match="not a PDF document"):
        validate_pdf(upload)
    assert upload.tell() == 0


def test_a_png_renamed_to_pdf_is_refused_naming_what_it_is():
    upload = SimpleUploadedFile("guide.pdf", image_upload((10, 10)).read(), content_type="application/pdf")
    with pytest.raises(ValidationError, match="its contents are a PNG image"):
        validate_pdf(upload)


def test_a_pdf_without_an_end_of_file_marker_is_refused_as_incomplete():
    with pytest.raises(ValidationError, match="incomplete"):
        validate_pdf(pdf_upload(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"))


def test_a_pdf_over_the_configured_size_limit_is_refused(settings):
    settings.OFFER_PDF_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="A PDF document may be at most 10"):
        validate_pdf(pdf_upload())


# -- Zip uploads ----------------------------------------------------------------------------------------------------


def test_a_zip_archive_is_accepted_and_rewound():
    upload = zip_upload()
    validate_zip(upload)
    assert upload.tell() == 0


def test_a_file_that_is_not_a_zip_is_refused_whatever_its_name():
    upload = SimpleUploadedFile("package.zip", b"not an archive at all", content_type="application/zip")
    with pytest.raises(ValidationError, match="not a zip archive"):
        validate_zip(upload)
    assert upload.tell() == 0


def test_a_zip_with_a_corrupted_member_is_refused_naming_the_member():
    content = bytearray(zip_bytes({"mainTemplate.json": b'{"resources": []}'}, compression=zipfile.ZIP_STORED))
    content[content.index(b"resources")] ^= 0xFF
    with pytest.raises(ValidationError, match=r"mainTemplate\.json"):
        validate_zip(zip_upload(bytes(content)))


def test_a_zip_over_the_configured_size_limit_is_refused(settings):
    settings.OFFER_PACKAGE_MAX_BYTES = 20
    with pytest.raises(ValidationError, match="A package may be at most 20"):
        validate_zip(zip_upload())


def test_a_zip_that_unpacks_beyond_the_configured_limit_is_refused(settings):
    settings.OFFER_PACKAGE_MAX_UNCOMPRESSED_BYTES = 10_000
    with pytest.raises(ValidationError, match="An unpacked package may be at most"):
        validate_zip(zip_upload(zip_bytes({"zeros.bin": bytes(100_000)})))


# -- Preview audience CSV -------------------------------------------------------------------------------------------

GUIDS = [f"{n:08x}-86f1-41af-91ab-2d7cd011db47" for n in range(12)]


def test_a_single_column_of_emails_is_trimmed_lower_cased_and_de_duplicated():
    upload = csv_upload(" Ana@Contoso.com \nbo@contoso.com\nana@contoso.com\n\n")
    assert audience_csv_parse(upload, kind="email") == ["ana@contoso.com", "bo@contoso.com"]


def test_a_partner_center_export_with_a_type_id_description_header_is_read():
    upload = csv_upload("Type,Id,Description\nEmail,ana@contoso.com,Tester\nEmail,bo@contoso.com,\n")
    assert audience_csv_parse(upload, kind="email") == ["ana@contoso.com", "bo@contoso.com"]


def test_a_single_column_with_a_header_is_read():
    upload = csv_upload("\ufeffSubscription ID\n" + "\n".join(GUIDS[:2]))
    assert audience_csv_parse(upload, kind="subscription") == GUIDS[:2]


def test_subscription_ids_that_are_not_guids_are_refused_by_line_number():
    upload = csv_upload(f"Type,Id,Description\nSubscriptionId,{GUIDS[0]},\nSubscriptionId,nope,\n")
    with pytest.raises(ValidationError, match="Line 3: “nope” is not a valid Azure subscription ID"):
        audience_csv_parse(upload, kind="subscription")


def test_every_bad_row_is_listed_with_its_line_number():
    upload = csv_upload("ana@contoso.com\nnot-an-email\nbo@contoso.com\nalso bad@\n")
    with pytest.raises(ValidationError) as refused:
        audience_csv_parse(upload, kind="email")
    assert refused.value.messages == [
        "Line 2: “not-an-email” is not a valid email address.",
        "Line 4: “also bad@” is not a valid email address.",
    ]


def test_a_csv_with_more_than_ten_entries_is_refused():
    upload = csv_upload("\n".join(f"user{n}@contoso.com" for n in range(11)))
    with pytest.raises(ValidationError, match="11 entries; a preview audience may have at most 10"):
        audience_csv_parse(upload, kind="email")


def test_a_csv_with_exactly_ten_entries_is_accepted():
    upload = csv_upload("\n".join(GUIDS[:10]))
    assert len(audience_csv_parse(upload, kind="subscription")) == 10


def test_a_csv_with_only_a_header_is_refused_as_empty():
    with pytest.raises(ValidationError, match="no email addresses"):
        audience_csv_parse(csv_upload("Type,Id,Description\n"), kind="email")


def test_a_csv_that_is_not_utf8_is_refused():
    with pytest.raises(ValidationError, match="UTF-8"):
        audience_csv_parse(csv_upload("jürgen@contoso.com", encoding="latin-1"), kind="email")


def test_an_audience_csv_upload_is_rewound_after_it_is_read():
    upload = csv_upload("ana@contoso.com\n")
    audience_csv_parse(upload, kind="email")
    assert upload.tell() == 0


@pytest.mark.parametrize(
    ("kind", "entries"),
    [
        ("email", ["ana@contoso.com", "=cmd@contoso.com", "-o'brien@contoso.com"]),
        ("subscription", GUIDS[:10]),
    ],
)
def test_a_rendered_audience_csv_reads_back_to_the_same_entries(kind, entries):
    rendered = audience_csv_render(entries, kind=kind)
    assert audience_csv_parse(csv_upload(rendered), kind=kind) == entries


def test_a_rendered_entry_that_a_spreadsheet_would_run_as_a_formula_is_quoted():
    rendered = audience_csv_render(["=cmd@contoso.com"], kind="email")
    assert rendered.splitlines() == ["Type,Id,Description", "Email,'=cmd@contoso.com,"]
