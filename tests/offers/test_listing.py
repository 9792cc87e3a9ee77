"""The one renderer of a snapshot into a listing, as the storefront and the reviewer's dossier read it."""

import pytest
from django.urls import reverse

from certification.reviews import review_dossier
from offers.labels import location_labels
from offers.listing import ActionKind, listing_build, price_label
from storefront.listing import signed_file_url
from tests.certification.test_reviews_queue import review_item_make
from tests.storefront.factories import (
    SELL_THROUGH_MICROSOFT,
    live_offer,
    new_offer,
    saas_plan,
    snapshot_data,
    snapshot_store,
)

pytestmark = pytest.mark.django_db

LOGO, SCREENSHOT, PACKAGE = 7, 8, 9
FILES = {
    str(LOGO): {"name": "logo.png", "content_type": "image/png"},
    str(SCREENSHOT): {"name": "board.png", "content_type": "image/png"},
    str(PACKAGE): {"name": "app.zip", "content_type": "application/zip"},
}


def with_files(data: dict) -> dict:
    """Return snapshot data whose listing uses a logo, a screenshot and (as a thumbnail) a package."""
    data["files"] = FILES
    data["pages"]["offer_listing"].update(
        large_logo=LOGO,
        screenshot_1=SCREENSHOT,
        screenshot_1_caption="The board",
        screenshot_2=404,  # not a file of the snapshot
        screenshot_2_caption="Missing",
    )
    return data


def file_link(file_id: int) -> str:
    return f"/files/{file_id}/"


def test_a_saas_snapshot_sold_through_microsoft_renders_its_name_cheapest_price_and_buy_action():
    offer = new_offer()
    data = snapshot_data(
        offer, name="Insight Board", setup=SELL_THROUGH_MICROSOFT, plans=[saas_plan(price_p1m="49.00")]
    )
    snapshot = snapshot_store(offer, data)

    listing = listing_build(snapshot, publisher="Contoso", file_url=file_link, statuses=None)

    assert (listing.name, listing.publisher, listing.type_label) == (
        "Insight Board",
        "Contoso",
        "Software as a Service (SaaS)",
    )
    assert listing.action.kind == ActionKind.BUY
    assert price_label(data) == "From $49.00 / month"
    assert [plan.plan_id for plan in listing.plans] == ["standard"]


def test_a_consulting_snapshot_renders_its_price_duration_and_contact_action():
    offer = new_offer(offer_type="consulting")
    snapshot = snapshot_store(offer, snapshot_data(offer, name="Data Migration: 3-Wk Assessment"))

    listing = listing_build(snapshot, publisher="Contoso", file_url=file_link, statuses=None)

    assert listing.action.kind == ActionKind.CONTACT
    assert (listing.consulting["price"], listing.consulting["duration"]) == ("$15,000.00", "3 weeks")
    assert listing.plans == []


def test_files_are_linked_by_the_callers_file_url_and_only_when_they_are_files_of_the_snapshot():
    offer = new_offer()
    snapshot = snapshot_store(offer, with_files(snapshot_data(offer, name="Insight Board")))

    listing = listing_build(snapshot, publisher="Contoso", file_url=file_link, statuses=None)

    assert listing.logo_url == "/files/7/"
    assert listing.screenshots == [("/files/8/", "The board")]


def test_a_file_the_caller_does_not_link_keeps_its_id_but_shows_no_address():
    offer = new_offer()
    snapshot = snapshot_store(offer, with_files(snapshot_data(offer, name="Insight Board")))

    listing = listing_build(snapshot, publisher="Contoso", file_url=lambda file_id: "", statuses=None)

    assert listing.logo.file_id == LOGO
    assert listing.logo_url == ""
    assert [shot.file_id for shot in listing.screenshot_files] == [SCREENSHOT]
    assert listing.screenshots == []


def test_the_storefront_page_and_the_reviewers_dossier_show_the_same_rendered_listing(client):
    offer = live_offer(name="Insight Board", keywords=("dashboards", "kpi"))
    snapshot = offer.live_snapshot
    snapshot.data = with_files(snapshot.data)
    snapshot.save()
    item = review_item_make(offer=offer)
    item.submission.snapshot = snapshot
    item.submission.save()

    shown = client.get(reverse("storefront:offer", args=[offer.pk])).context["listing"]
    dossier = review_dossier(item, file_url=file_link)["listing"]

    assert dossier["name"] == shown.name == "Insight Board"
    assert (dossier["summary"], dossier["description"]) == (shown.summary, shown.description)
    assert dossier["keywords"] == shown.keywords == ["dashboards", "kpi"]
    assert (dossier["logo_id"], dossier["logo_url"]) == (str(LOGO), "/files/7/")
    assert shown.logo_url == signed_file_url(snapshot.pk, LOGO)  # the storefront links the same file its own way
    assert dossier["screenshots"] == [{"file_id": str(SCREENSHOT), "url": "/files/8/", "caption": "The board"}]
    assert [caption for _url, caption in shown.screenshots] == ["The board"]
    assert ("Support", shown.support_url) in dossier["links"]


def test_the_dossier_without_a_file_url_leaves_file_addresses_to_its_caller():
    item = review_item_make(listing={"large_logo": LOGO})
    item.submission.snapshot.data["files"] = FILES
    item.submission.snapshot.save()

    listing = review_dossier(item)["listing"]

    assert (listing["logo_id"], listing["logo_url"]) == (str(LOGO), "")
    assert listing["name"] == item.submission.snapshot.data["pages"]["offer_listing"]["name"]


def test_location_labels_use_the_editors_page_titles_and_field_labels():
    plans = [saas_plan("standard", name="Standard")]

    assert location_labels("consulting", "offer_listing", "name") == ("Offer listing", "Name")
    assert location_labels("saas", "plan:standard", "", plans)[0] == "Plan Standard"
    assert location_labels("unknown", "page", "field") == ("page", "field")
