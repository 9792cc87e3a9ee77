"""One offer driven through the API alone: create, fill every page (uploads included), validate, publish, a
reviewer decides in admin, sign off (Go live), Live, stop sell."""

import pytest

from certification.models import ReviewItem, Submission
from certification.reviews import review_decide
from certification.services import stop_sell_complete_due
from offers.models import Offer, OfferEvent
from tests.api.support import BASE, page_put, sample
from tests.certification.support import drive

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policies")]


def _drive_and_read(api, offer_pk, number):
    submission = Submission.objects.get(offer_id=offer_pk, number=number)
    drive(submission.pk)
    return api.get(f"{BASE}/offers/{offer_pk}/submissions/{number}/").json()


def test_an_offer_goes_from_creation_to_live_and_stops_selling_through_the_api_alone(
    api, owner, reviewer, https_endpoint
):
    created = api.post(f"{BASE}/offers/", {"offer_type": "consulting", "offer_id": "api-poc", "alias": "API PoC"})
    assert created.status_code == 201, created.content
    offer_pk = created.json()["id"]

    pages = api.get(f"{BASE}/offers/{offer_pk}/pages/").json()
    assert [p["status"] for p in pages] == ["not_started"] * len(pages)
    for key in ("offer_setup", "properties", "offer_listing", "pricing_availability"):
        data, files = sample("consulting", key, https_endpoint)
        response = page_put(api, offer_pk, key, data, files)
        assert response.status_code == 200, (key, response.content)
        if files:  # the uploads were stored through the editor's byte checks and the page names them by id
            assert {f["content_type"] for f in response.json()["files"]} >= {"image/png", "application/pdf"}
    review = api.get(f"{BASE}/offers/{offer_pk}/review/").json()
    assert review["ready"] is True, review["pages"]

    validated = api.post(f"{BASE}/offers/{offer_pk}/validate/").json()
    assert validated["valid"] is True, validated
    assert [c["key"] for c in validated["checks"]] == ["malware_scan"]

    published = api.post(
        f"{BASE}/offers/{offer_pk}/publish/", {"notes_for_certification": "Sign in as demo@contoso.example"}
    )
    assert published.status_code == 202, published.content
    number = published.json()["number"]
    status = _drive_and_read(api, offer_pk, number)
    assert status["state"] == Submission.State.WAITING_REVIEW

    # A reviewer approves in admin (the admin's decision service), and the pipeline goes on to the preview.
    item = ReviewItem.objects.get(submission__offer_id=offer_pk, state=ReviewItem.State.OPEN)
    review_decide(item_id=item.pk, decision="approve", by=reviewer)
    status = _drive_and_read(api, offer_pk, number)
    assert status["state"] == Submission.State.WAITING_SIGNOFF
    assert status["offer_status"] == Offer.Status.PREVIEW
    assert status["preview_links"]

    assert api.post(f"{BASE}/offers/{offer_pk}/go-live/").status_code == 202
    status = _drive_and_read(api, offer_pk, number)
    assert status["state"] == Submission.State.COMPLETED
    assert api.get(f"{BASE}/offers/{offer_pk}/").json()["status"] == Offer.Status.LIVE

    assert api.post(f"{BASE}/offers/{offer_pk}/stop-selling/").json()["status"] == Offer.Status.PENDING_STOP_SELL
    stop_sell_complete_due()
    assert api.get(f"{BASE}/offers/{offer_pk}/").json()["status"] == Offer.Status.NOT_AVAILABLE


def test_a_removed_offer_is_compared_with_its_last_listing_and_republished(api, owner, reviewer, https_endpoint):
    from certification.services import offer_stop_selling
    from tests.certification.support import complete_offer, publish_to_live

    offer = complete_offer(owner, "consulting", https_endpoint)
    publish_to_live(offer, owner, reviewer)
    offer_stop_selling(offer_id=offer.pk, by=owner.user)
    stop_sell_complete_due()
    page_put(api, offer.pk, "offer_listing", {"search_results_summary": "A new summary."}, method="patch")
    compared = api.get(f"{BASE}/offers/{offer.pk}/compare/").json()
    assert compared["against"] == "live"
    assert [c["field"] for c in compared["changes"]] == ["search_results_summary"]
    republished = api.post(f"{BASE}/offers/{offer.pk}/republish/")
    assert republished.status_code == 202
    assert api.get(f"{BASE}/offers/{offer.pk}/").json()["status"] == Offer.Status.PUBLISH_IN_PROGRESS


def test_history_names_the_token_and_its_creator_as_the_actor(api, owner):
    offer_pk = api.post(f"{BASE}/offers/", {"offer_type": "consulting", "offer_id": "named", "alias": "Named"}).json()[
        "id"
    ]
    event = OfferEvent.objects.get(offer_id=offer_pk, kind="offer_created")
    label = f"API token GitHub Actions, created by {owner.user.get_full_name() or owner.user.email}"
    assert event.actor == owner.user
    assert event.data["api_token"] == label
    history = api.get(f"{BASE}/offers/{offer_pk}/history/").json()
    assert history["results"][0]["actor"] == label


def test_the_history_page_of_the_browser_shows_the_token_as_the_actor(api, owner, client):
    offer_pk = api.post(f"{BASE}/offers/", {"offer_type": "consulting", "offer_id": "seen", "alias": "Seen"}).json()[
        "id"
    ]
    client.force_login(owner.user)
    page = client.get(f"/offers/{offer_pk}/history/")
    assert b"API token GitHub Actions, created by" in page.content


def test_a_rejection_is_read_as_a_structured_failure_report(api, owner, reviewer, https_endpoint):
    from tests.certification.support import complete_offer

    offer = complete_offer(owner, "consulting", https_endpoint)
    number = api.post(f"{BASE}/offers/{offer.pk}/publish/").json()["number"]
    _drive_and_read(api, offer.pk, number)
    item = ReviewItem.objects.get(submission__offer=offer, state=ReviewItem.State.OPEN)
    review_decide(
        item_id=item.pk,
        decision="reject",
        by=reviewer,
        citations=[("100.1.1", "Say what the service delivers.")],
        internal_comment="Never shown to the publisher.",
    )
    report = api.get(f"{BASE}/offers/{offer.pk}/submissions/{number}/report/")
    assert report.status_code == 200
    finding = report.json()["findings"][0]
    assert finding["policy"]["number"] == "100.1.1"
    assert finding["policy"]["title"]
    assert isinstance(finding["policy"]["version"], int)
    assert finding["reviewer_notes"] == "Say what the service delivers."
    assert {"page", "page_title", "field", "field_label", "message", "fix_url"} <= set(finding)
    assert b"Never shown" not in report.content
    assert api.get(f"{BASE}/offers/{offer.pk}/").json()["status"] == Offer.Status.ATTENTION_NEEDED


def test_cancel_returns_a_publishing_offer_to_where_it_was(api, owner, https_endpoint):
    from tests.certification.support import complete_offer

    offer = complete_offer(owner, "consulting", https_endpoint)
    api.post(f"{BASE}/offers/{offer.pk}/publish/")
    response = api.post(f"{BASE}/offers/{offer.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["state"] == Submission.State.CANCELLED
    assert api.get(f"{BASE}/offers/{offer.pk}/").json()["status"] == Offer.Status.DRAFT


def test_a_page_saved_through_the_api_is_in_the_history_with_the_token(api, owner, https_endpoint):
    offer_pk = api.post(f"{BASE}/offers/", {"offer_type": "consulting", "offer_id": "saved", "alias": "Saved"}).json()[
        "id"
    ]
    page_put(api, offer_pk, "offer_setup", *sample("consulting", "offer_setup", https_endpoint))
    event = OfferEvent.objects.get(offer_id=offer_pk, kind="page_saved")
    assert event.message == "Offer setup saved through the API"
    assert event.data["api_token"].startswith("API token GitHub Actions, created by")
