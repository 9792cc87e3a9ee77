"""Images are stored re-encoded: only their pixels reach storage, never bytes appended after the image or hidden in
its chunks (a zip appended to a PNG logo is gone before the malware scan ever runs)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops, PngImagePlugin

from offers.models import OfferFile
from offers.samples import png_upload
from offers.services import page_save
from offers.validators import clean_png, png_reencode
from tests.offers.factories import OfferFactory, page_form

pytestmark = pytest.mark.django_db

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
IEND = b"IEND\xaeB`\x82"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("eicar.com", EICAR)
    return buffer.getvalue()


def _png(width=300, height=300) -> bytes:
    return png_upload(width, height).read()


def _pixels(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGBA")


@pytest.mark.parametrize("offer_type", ["saas", "azure_application", "azure_vm", "consulting"])
def test_a_logo_with_an_appended_zip_is_stored_without_the_trailing_bytes(owner, offer_type):
    offer = OfferFactory(account=owner.account, offer_type=offer_type)
    hostile = SimpleUploadedFile("logo.png", _png() + _zip(), content_type="image/png")
    form = page_form(offer, "offer_listing", {}, files={"large_logo": hostile}, complete=False)
    assert form.is_valid(), form.errors

    page = page_save(offer=offer, key="offer_listing", form=form, by=owner.user)

    stored = OfferFile.objects.get(pk=page.data["large_logo"])
    content = stored.file.open("rb").read()
    assert content.endswith(IEND)
    assert b"PK\x03\x04" not in content
    assert stored.size == len(content)
    assert (stored.width, stored.height) == (300, 300)


def test_re_encoding_keeps_every_pixel():
    original = _png()
    assert ImageChops.difference(_pixels(png_reencode(original + _zip())), _pixels(original)).getbbox() is None


def test_re_encoding_drops_text_chunks_that_could_carry_a_payload():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", EICAR.decode())
    buffer = io.BytesIO()
    Image.new("RGB", (216, 216), (10, 20, 30)).save(buffer, format="PNG", pnginfo=info)

    assert EICAR not in png_reencode(buffer.getvalue())


def test_re_encoding_keeps_transparency():
    buffer = io.BytesIO()
    Image.new("RGBA", (216, 216), (10, 20, 30, 0)).save(buffer, format="PNG")

    with Image.open(io.BytesIO(png_reencode(buffer.getvalue()))) as image:
        assert image.getpixel((0, 0))[3] == 0


def test_the_cleaned_upload_keeps_its_name_and_measures():
    cleaned = clean_png(SimpleUploadedFile("brand.png", _png(216, 216) + b"trailing"), square_between=(216, 350))

    assert cleaned.name == "brand.png"
    assert cleaned.portal_meta == {"width": 216, "height": 216}
    assert cleaned.read().endswith(IEND)


def test_a_png_of_the_wrong_size_is_still_refused():
    with pytest.raises(ValidationError):
        clean_png(SimpleUploadedFile("brand.png", _png(100, 100)), square_between=(216, 350))
