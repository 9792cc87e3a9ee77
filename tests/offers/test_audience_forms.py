"""The Preview audience page: emails or subscription IDs, typed one per line or imported from a CSV file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from offers.forms.audience import EmailAudienceForm, SubscriptionAudienceForm, audience_csv_filename
from offers.pages import OfferState, PageStatus
from offers.samples.misc import page_data
from offers.services import page_save
from offers.validators import audience_csv_render
from tests.offers.factories import OfferFactory, page_form

pytestmark = pytest.mark.django_db

KEY = "preview_audience"
TYPES = ["saas", "azure_application", "azure_vm"]
GUIDS = [f"{n:08x}-1111-4222-8333-444455556666" for n in range(1, 12)]
EMAILS = [f"preview{n}@contoso.example" for n in range(1, 12)]


def audience_offer(offer_type="saas"):
    """Return an offer whose choices bring in the preview audience page (SaaS: sold through Microsoft)."""
    offer = OfferFactory(offer_type=offer_type)
    if offer_type == "saas":
        offer.pages.create(key="offer_setup", data={"sell_through_microsoft": True})
    return offer


def bound(offer_type="saas", data=None, *, files=None, complete=True, offer=None):
    return page_form(offer or audience_offer(offer_type), KEY, data or {}, files=files, complete=complete)


def csv_upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("audience.csv", text.encode(), content_type="text/csv")


def errors_of(form, field):
    form.is_valid()
    return form.errors.get(field, [])


@pytest.mark.parametrize("offer_type", TYPES)
def test_the_sample_makes_the_page_complete(offer_type):
    data, files = page_data(offer_type, KEY)
    form = bound(offer_type, data, files=files)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("offer_type", TYPES)
def test_the_saved_sample_is_still_complete_when_bound_back(offer_type):
    offer = audience_offer(offer_type)
    data, files = page_data(offer_type, KEY)
    form = bound(data=data, files=files, complete=False, offer=offer)
    assert form.is_valid(), form.errors
    page = page_save(offer=offer, key=KEY, form=form, by=None)
    assert isinstance(page.data["entries"], list)
    state = OfferState(offer)
    assert state.page_state(offer.type_spec.page(KEY)).status == PageStatus.COMPLETE


@pytest.mark.parametrize(
    ("offer_type", "form_class"), [("saas", EmailAudienceForm), ("azure_vm", SubscriptionAudienceForm)]
)
def test_each_offer_type_asks_for_its_kind_of_audience(offer_type, form_class):
    assert isinstance(bound(offer_type), form_class)


def test_a_saas_offer_not_sold_through_microsoft_has_no_preview_audience_page():
    offer = OfferFactory(offer_type="saas")
    offer.pages.create(key="offer_setup", data={"sell_through_microsoft": False})
    assert KEY not in [spec.key for spec in OfferState(offer).pages()]


def test_a_draft_without_entries_is_saved_but_incomplete():
    assert bound("saas", complete=False).is_valid()
    assert errors_of(bound("saas"), "entries")


@pytest.mark.parametrize(
    ("offer_type", "entry", "accepted"),
    [
        ("saas", "avery.howard@contoso.example", True),
        ("saas", GUIDS[0], False),
        ("saas", "avery.howard@", False),
        ("azure_application", GUIDS[0], True),
        ("azure_application", "avery.howard@contoso.example", False),
        ("azure_vm", GUIDS[0].upper(), True),
        ("azure_vm", "4c9a1f2e7b3d4e8a9f612d5c8b7a0e13", False),
    ],
)
def test_saas_takes_emails_and_azure_offers_take_subscription_guids(offer_type, entry, accepted):
    assert (errors_of(bound(offer_type, {"entries": entry}), "entries") == []) is accepted


def test_each_bad_line_is_named_in_the_error():
    form = bound("saas", {"entries": "good@contoso.example\nnot-an-email\n\nalso bad"})
    errors = errors_of(form, "entries")
    assert errors == [
        "Line 2: “not-an-email” is not a valid email address.",
        "Line 4: “also bad” is not a valid email address.",
    ]


def test_a_draft_with_a_bad_line_is_refused_too():
    assert errors_of(bound("azure_vm", {"entries": "not-a-guid"}, complete=False), "entries")


def test_entries_are_cleaned_to_a_list_without_duplicates_or_blank_lines():
    form = bound("saas", {"entries": " A@Contoso.example \n\na@contoso.example\nb@contoso.example\n"})
    assert form.is_valid(), form.errors
    assert form.page_values()["entries"] == ["a@contoso.example", "b@contoso.example"]


def test_the_saved_list_is_shown_one_per_line():
    form = bound("azure_application", {"entries": GUIDS[:2]})
    assert form["entries"].value() == "\n".join(GUIDS[:2])


@pytest.mark.parametrize(("count", "accepted"), [(10, True), (11, False)])
def test_at_most_ten_entries_may_be_typed(count, accepted):
    form = bound("azure_vm", {"entries": "\n".join(GUIDS[:count])}, complete=False)
    errors = errors_of(form, "entries")
    assert (errors == []) is accepted
    if not accepted:
        assert "at most 10" in errors[0]


def test_an_imported_csv_replaces_the_typed_entries():
    form = bound(
        "saas",
        {"entries": "old@contoso.example"},
        files={
            "import_csv": csv_upload("Type,Id,Description\nEmail,New1@contoso.example,\nEmail,new2@contoso.example,\n")
        },
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["entries"] == ["new1@contoso.example", "new2@contoso.example"]


def test_an_imported_csv_replaces_typed_lines_that_were_wrong():
    form = bound("azure_vm", {"entries": "not-a-guid"}, files={"import_csv": csv_upload("\n".join(GUIDS[:3]))})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["entries"] == GUIDS[:3]


def test_the_imported_file_is_not_kept_in_the_saved_values():
    offer = audience_offer("saas")
    form = bound(data={}, files={"import_csv": csv_upload("\n".join(EMAILS[:2]))}, complete=False, offer=offer)
    assert form.is_valid(), form.errors
    page = page_save(offer=offer, key=KEY, form=form, by=None)
    assert page.data == {"entries": EMAILS[:2]}


def test_a_csv_with_more_than_ten_entries_is_refused_on_the_import():
    form = bound("saas", {"entries": EMAILS[0]}, files={"import_csv": csv_upload("\n".join(EMAILS))}, complete=False)
    errors = errors_of(form, "import_csv")
    assert len(errors) == 1
    assert "at most 10" in errors[0]
    assert "entries" not in form.errors


@pytest.mark.parametrize(
    ("offer_type", "text", "message"),
    [
        ("saas", "Email\nok@contoso.example\nnot-an-email\n", "Line 3: “not-an-email” is not a valid email address."),
        (
            "azure_application",
            "SubscriptionId\nok@contoso.example\n",
            "Line 2: “ok@contoso.example” is not a valid Azure",
        ),
    ],
)
def test_a_csv_with_a_bad_row_is_refused_naming_its_line(offer_type, text, message):
    form = bound(offer_type, files={"import_csv": csv_upload(text)}, complete=False)
    assert message in errors_of(form, "import_csv")[0]


@pytest.mark.parametrize(
    ("form_class", "entries"), [(EmailAudienceForm, EMAILS[:3]), (SubscriptionAudienceForm, GUIDS[:3])]
)
def test_the_exported_csv_imports_back_to_the_same_entries(form_class, entries):
    offer_type = "saas" if form_class is EmailAudienceForm else "azure_vm"
    exported = audience_csv_render(entries, kind=form_class.csv_kind)
    form = bound(offer_type, files={"import_csv": csv_upload(exported)})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["entries"] == entries


def test_the_export_file_is_named_after_the_offer():
    assert audience_csv_filename(OfferFactory(offer_id="contoso-analytics")) == "contoso-analytics-preview-audience.csv"
