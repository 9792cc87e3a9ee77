"""The editor's stored files: shown and served through the portal and the storage API, to the account's members."""

import pytest
from django.urls import reverse

from offers.samples import pdf_upload, png_upload
from offers.services import offer_file_store
from tests.offers.factories import OfferFactory, OfferPageFactory

pytestmark = pytest.mark.django_db


def _logo(offer):
    return offer_file_store(offer, png_upload(216, 216, name="contoso-logo.png"), content_type="image/png")


def test_the_editor_shows_a_stored_logo_by_the_portals_file_address(owner_client, owner):
    offer = OfferFactory(account=owner.account, offer_type="saas")
    logo = _logo(offer)
    OfferPageFactory(offer=offer, key="offer_listing", data={"large_logo": logo.pk})

    page = owner_client.get(reverse("offers:page", args=[offer.pk, "offer_listing"])).content.decode()

    assert f'src="{reverse("offers:file", args=[offer.pk, logo.pk])}"' in page
    assert "/media/" not in page


def test_a_stored_image_is_served_inline_from_the_storage_to_a_member(owner_client, owner):
    offer = OfferFactory(account=owner.account)
    logo = _logo(offer)

    response = owner_client.get(reverse("offers:file", args=[offer.pk, logo.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"].startswith("private")
    assert b"".join(response.streaming_content) == logo.file.open("rb").read()


def test_a_stored_pdf_is_served_as_a_download_with_its_uploaded_name(owner_client, owner):
    offer = OfferFactory(account=owner.account)
    pdf = offer_file_store(offer, pdf_upload(name="overview.pdf"), content_type="application/pdf")

    response = owner_client.get(reverse("offers:file", args=[offer.pk, pdf.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="overview.pdf"'


def test_a_file_asked_for_under_another_offer_of_the_account_is_not_found(owner_client, owner):
    offer, other = OfferFactory(account=owner.account), OfferFactory(account=owner.account)
    logo = _logo(offer)
    assert owner_client.get(reverse("offers:file", args=[other.pk, logo.pk])).status_code == 404


def test_a_file_missing_from_the_storage_is_not_found(owner_client, owner):
    offer = OfferFactory(account=owner.account)
    logo = _logo(offer)
    logo.file.storage.delete(logo.file.name)
    assert owner_client.get(reverse("offers:file", args=[offer.pk, logo.pk])).status_code == 404
