"""The Offer listing page of every offer type: limits, uploads, counts, sanitising and completeness."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from offers.pages import OfferState, PageStatus
from offers.samples import pdf_upload, png_upload
from offers.samples.listing import page_data
from offers.services import page_save
from tests.offers.factories import OfferFactory, OfferPageFactory, page_form

pytestmark = pytest.mark.django_db

KEY = "offer_listing"
ALL_TYPES = ["saas", "azure_application", "azure_vm", "consulting"]
APP_TYPES = ["saas", "azure_application", "azure_vm"]
CONSULTING_NAME = "Data Migration: 3-Wk Proof of Concept"


def draft(offer_type, data=None, files=None):
    """Bind the page as a draft save does (nothing required)."""
    return page_form(OfferFactory(offer_type=offer_type), KEY, data or {}, files=files, complete=False)


def completed(offer_type, *, drop=(), offer=None, **changes):
    """Bind the sample page for completeness, with some values dropped or changed."""
    data, files = page_data(offer_type, KEY)
    data.update(changes)
    for name in drop:
        data.pop(name, None)
        files.pop(name, None)
    return page_form(offer or OfferFactory(offer_type=offer_type), KEY, data, files=files, complete=True)


def errors_of(form, field):
    form.is_valid()
    return form.errors.get(field, [])


def jpeg_named_png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    ("offer_type", "field", "value", "accepted"),
    [
        ("saas", "name", "Contoso Expense Insights™ ©®", True),
        ("saas", "name", "Contoso Expense Insights 🚀", False),
        ("azure_vm", "name", "N" * 200, True),
        ("azure_vm", "name", "N" * 201, False),
        ("consulting", "name", CONSULTING_NAME, True),
        ("consulting", "name", "Data Migration Proof of Concept", False),
        ("consulting", "name", "Very Long Data Estate Migration: 3-Wk Proof of Concept", False),
        ("saas", "search_results_summary", "S" * 100, True),
        ("saas", "search_results_summary", "S" * 101, False),
        ("saas", "search_results_summary", "First line\nSecond line", False),
        ("azure_application", "search_results_summary", "Expense <b>management</b>", False),
        ("consulting", "search_results_summary", "S" * 200, True),
        ("consulting", "search_results_summary", "S" * 201, False),
        ("azure_application", "short_description", "D" * 256, True),
        ("azure_application", "short_description", "D" * 257, False),
        ("azure_vm", "short_description", "Runs in <em>your</em> subscription", False),
        ("saas", "getting_started_instructions", "G" * 3000, True),
        ("saas", "getting_started_instructions", "G" * 3001, False),
        ("saas", "search_keyword_1", "K" * 50, True),
        ("consulting", "search_keyword_3", "K" * 51, False),
        ("saas", "privacy_policy_url", "https://contoso.example/privacy", True),
        ("saas", "privacy_policy_url", "http://contoso.example/privacy", False),
        ("azure_vm", "useful_link_5_title", "T" * 255, True),
        ("azure_vm", "useful_link_5_title", "T" * 256, False),
        ("azure_vm", "useful_link_1_url", "https://contoso.example/docs", True),
        ("azure_vm", "useful_link_1_url", "http://contoso.example/docs", False),
        ("saas", "support_url", "https://contoso.example/support", True),
        ("saas", "support_url", "ftp://contoso.example/support", False),
        ("saas", "support_email", "support@contoso.example", True),
        ("saas", "support_email", "support at contoso", False),
        ("azure_application", "support_phone", "+1 (425) 555-0100 ext. 12", True),
        ("azure_application", "support_phone", "call reception", False),
        ("azure_application", "engineering_phone", "555", False),
        ("azure_application", "engineering_email", "not-an-email", False),
        ("consulting", "contact_2_email", "jordan@contoso.example", True),
        ("consulting", "contact_2_email", "jordan", False),
        ("consulting", "contact_1_phone", "+44 20 7946 0018", True),
        ("consulting", "contact_1_phone", "ring me", False),
        ("saas", "screenshot_1_caption", "One line caption", True),
        ("saas", "screenshot_1_caption", "C" * 101, False),
        ("saas", "video_1_url", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", True),
        ("consulting", "video_4_url", "https://vimeo.com/76979871", True),
        ("saas", "video_1_url", "https://contoso.example/video.mp4", False),
    ],
)
def test_a_typed_value_is_checked_against_its_limit_even_in_a_draft(offer_type, field, value, accepted):
    form = draft(offer_type, {field: value})
    assert (not errors_of(form, field)) is accepted


@pytest.mark.parametrize(
    ("offer_type", "limit"), [("saas", 5000), ("azure_application", 5000), ("azure_vm", 5000), ("consulting", 2000)]
)
def test_the_description_limit_applies_to_the_sanitised_html(offer_type, limit):
    body = "x" * (limit - len("<p></p>"))
    assert not errors_of(draft(offer_type, {"description": f"<p>{body}</p>"}), "description")
    assert errors_of(draft(offer_type, {"description": f"<p>{body}x</p>"}), "description")
    padded = f"<p>{body}</p><script>{'y' * 500}</script>"
    assert not errors_of(draft(offer_type, {"description": padded}), "description")


def test_a_description_is_saved_without_script_event_handlers_or_javascript_links(owner):
    offer = OfferFactory(account=owner.account)
    html = (
        '<p onclick="steal()">Track <b>every</b> receipt.</p><script>alert(1)</script>'
        '<p><a href="javascript:alert(2)">Run</a> <a href="https://contoso.example/docs">Docs</a></p>'
    )
    form = page_form(offer, KEY, {"description": html}, complete=False)
    assert form.is_valid(), form.errors
    saved = page_save(offer=offer, key=KEY, form=form, by=owner.user).data["description"]
    assert "<script" not in saved
    assert "alert" not in saved
    assert "onclick" not in saved
    assert "javascript:" not in saved
    assert "<b>every</b>" in saved
    assert 'href="https://contoso.example/docs"' in saved


@pytest.mark.parametrize(
    ("field", "upload", "accepted"),
    [
        ("large_logo", lambda: png_upload(216, 216), True),
        ("large_logo", lambda: png_upload(350, 350), True),
        ("large_logo", lambda: png_upload(215, 215), False),
        ("large_logo", lambda: png_upload(351, 351), False),
        ("large_logo", lambda: png_upload(300, 250), False),
        ("screenshot_3", lambda: png_upload(1280, 720), True),
        ("screenshot_3", lambda: png_upload(1280, 719), False),
        ("video_2_thumbnail", lambda: png_upload(1280, 720), True),
        ("video_2_thumbnail", lambda: png_upload(1920, 1080), False),
        ("document_2_file", lambda: pdf_upload(name="guide.pdf"), True),
        ("document_2_file", lambda: SimpleUploadedFile("guide.pdf", b"Just some text, not a PDF."), False),
        ("document_2_file", lambda: png_upload(300, 300, name="guide.pdf"), False),
    ],
)
@pytest.mark.parametrize("offer_type", ["saas", "consulting"])
def test_an_upload_is_checked_for_what_it_is_and_its_size(offer_type, field, upload, accepted):
    form = draft(offer_type, files={field: upload()})
    assert (not errors_of(form, field)) is accepted


def test_a_renamed_jpeg_is_refused_as_the_logo_because_it_is_not_a_png():
    form = draft("azure_application", files={"large_logo": jpeg_named_png()})
    assert form.errors["large_logo"] == ["The file is not a PNG image: its contents are a JPEG image."]


def test_a_screenshot_one_pixel_short_is_refused_with_its_size():
    form = draft("saas", files={"screenshot_1": png_upload(1280, 719)})
    message = errors_of(form, "screenshot_1")[0]
    assert message.startswith("The image is 1280")
    assert "719 px" in message


def test_a_supporting_document_that_is_not_a_pdf_is_refused():
    form = draft("consulting", files={"document_1_file": SimpleUploadedFile("terms.pdf", b"PK\x03\x04zip")})
    assert "not a PDF" in errors_of(form, "document_1_file")[0]


def test_the_consulting_summary_must_differ_from_the_name():
    form = draft("consulting", {"name": CONSULTING_NAME, "search_results_summary": CONSULTING_NAME.upper()})
    assert errors_of(form, "search_results_summary") == ["The search results summary must differ from the name."]
    assert not errors_of(completed("consulting"), "search_results_summary")


@pytest.mark.parametrize("offer_type", ALL_TYPES)
def test_a_draft_with_missing_required_values_is_saved_but_the_page_is_incomplete(offer_type):
    values = {"name": CONSULTING_NAME if offer_type == "consulting" else "Contoso Expense Insights"}
    assert draft(offer_type, values).is_valid()
    incomplete = page_form(OfferFactory(offer_type=offer_type), KEY, values, complete=True)
    assert not incomplete.is_valid()
    assert {"search_results_summary", "description", "large_logo"} <= set(incomplete.errors)


@pytest.mark.parametrize("offer_type", ALL_TYPES)
def test_the_sample_makes_the_page_complete(offer_type):
    form = completed(offer_type)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("offer_type", ALL_TYPES)
def test_the_saved_sample_with_its_stored_files_is_still_complete(owner, offer_type):
    offer = OfferFactory(account=owner.account, offer_type=offer_type)
    data, files = page_data(offer_type, KEY)
    form = page_form(offer, KEY, data, files=files, complete=False)
    assert form.is_valid(), form.errors
    saved = page_save(offer=offer, key=KEY, form=form, by=owner.user).data
    assert isinstance(saved["large_logo"], int)
    assert offer.files.count() == len(files)
    state = OfferState(offer)
    page = state.page_state(offer.type_spec.page(KEY))
    assert page.status == PageStatus.COMPLETE, page.errors


@pytest.mark.parametrize(
    ("offer_type", "field"),
    [
        ("saas", "privacy_policy_url"),
        ("azure_vm", "support_url"),
        ("azure_application", "engineering_email"),
        ("azure_application", "short_description"),
        ("consulting", "contact_2_phone"),
        ("consulting", "large_logo"),
    ],
)
def test_a_required_value_is_needed_for_completeness(offer_type, field):
    assert errors_of(completed(offer_type, drop=[field]), field)


@pytest.mark.parametrize(
    ("offer_type", "kept", "accepted"),
    [
        ("saas", 1, True),
        ("saas", 0, False),
        ("consulting", 1, True),
        ("consulting", 0, False),
        ("azure_application", 0, True),
        ("azure_vm", 0, True),
    ],
)
def test_the_minimum_number_of_screenshots_depends_on_the_offer_type(offer_type, kept, accepted):
    dropped = [f"screenshot_{n}{suffix}" for n in range(kept + 1, 6) for suffix in ("", "_caption")]
    assert (not errors_of(completed(offer_type, drop=dropped), "screenshot_1")) is accepted


@pytest.mark.parametrize(("offer_type", "accepted"), [("saas", True), ("azure_vm", True), ("consulting", False)])
def test_only_consulting_needs_a_supporting_document(offer_type, accepted):
    form = completed(offer_type, drop=["document_1_name", "document_1_file"])
    assert (not errors_of(form, "document_1_file")) is accepted


@pytest.mark.parametrize(
    ("dropped", "field"),
    [
        ("screenshot_2_caption", "screenshot_2_caption"),
        ("screenshot_2", "screenshot_2"),
        ("document_1_name", "document_1_name"),
        ("document_1_file", "document_1_file"),
        ("video_1_name", "video_1_name"),
        ("video_1_url", "video_1_url"),
        ("video_1_thumbnail", "video_1_thumbnail"),
        ("useful_link_2_title", "useful_link_2_title"),
        ("useful_link_2_url", "useful_link_2_url"),
    ],
)
def test_a_half_filled_group_is_accepted_as_a_draft_but_is_incomplete(dropped, field):
    data, files = page_data("saas", KEY)
    data.pop(dropped, None)
    files.pop(dropped, None)
    assert draft("saas", data, files).is_valid()
    assert errors_of(completed("saas", drop=[dropped]), field)


@pytest.mark.parametrize(("sold_through_microsoft", "accepted"), [(True, False), (False, True)])
def test_getting_started_instructions_are_required_only_when_sold_through_microsoft(sold_through_microsoft, accepted):
    offer = OfferFactory(offer_type="saas")
    OfferPageFactory(offer=offer, key="offer_setup", data={"sell_through_microsoft": sold_through_microsoft})
    form = completed("saas", offer=offer, drop=["getting_started_instructions"])
    assert (not errors_of(form, "getting_started_instructions")) is accepted


@pytest.mark.parametrize(
    ("offer_type", "present", "absent"),
    [
        ("saas", {"getting_started_instructions", "privacy_policy_url"}, {"short_description", "contact_1_name"}),
        ("azure_application", {"short_description", "engineering_name"}, {"getting_started_instructions"}),
        ("azure_vm", {"short_description", "useful_link_5_url"}, {"contact_2_email"}),
        (
            "consulting",
            {"contact_1_name", "contact_2_phone", "document_3_file"},
            {"privacy_policy_url", "engineering_name", "support_url", "useful_link_1_title", "short_description"},
        ),
    ],
)
def test_each_offer_type_asks_for_its_own_fields(offer_type, present, absent):
    fields = set(draft(offer_type).fields)
    assert present <= fields
    assert not absent & fields
    assert {"video_4_thumbnail", "screenshot_5_caption", "search_keyword_3"} <= fields
