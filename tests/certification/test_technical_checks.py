"""Technical validation checks on complete sample offers, and helpers the other technical check tests share."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certification.checks.base import StepContext
from certification.checks.functionality import check_functionality
from certification.checks.malware import check_malware
from certification.checks.network import check_network_destinations
from certification.checks.package import check_package
from offers.demo import offer_fill_all
from offers.models import OfferFile
from offers.samples.plans import CREATE_UI_DEFINITION, MAIN_TEMPLATE
from offers.services import offer_file_store
from offers.snapshots import snapshot_build
from tests.offers.factories import OfferFactory, OfferPageFactory

pytestmark = pytest.mark.django_db

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
ZIP = "application/zip"


def technical_context(snapshot: dict, offer=None) -> StepContext:
    """Return the context a technical validation step gives its check."""
    return StepContext(
        submission_id=7, snapshot=snapshot, account=None, offer=offer, phase="certification", step_key="technical"
    )


def complete_offer(owner, offer_type: str):
    """Return an offer of the type with every page filled from the samples through the real forms."""
    offer = OfferFactory(account=owner.account, offer_type=offer_type)
    offer_fill_all(offer, owner.user)
    return offer


def zip_bytes(members: dict, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """Return a zip of the members; dicts are written as JSON, a ZipInfo key keeps its attributes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for member, content in members.items():
            archive.writestr(member, json.dumps(content) if isinstance(content, dict) else content)
    return buffer.getvalue()


def app_package(**members) -> bytes:
    """Return a valid Azure Application package with members added or replaced (None removes one)."""
    contents = {"mainTemplate.json": MAIN_TEMPLATE, "createUiDefinition.json": CREATE_UI_DEFINITION, **members}
    return zip_bytes({name: content for name, content in contents.items() if content is not None})


def mark_encrypted(package: bytes, name: str) -> bytes:
    """Set the "encrypted" flag of a member in its local and central headers (zipfile cannot write one)."""
    data = bytearray(package)
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        name_length = int.from_bytes(data[offset + 28 : offset + 30], "little")
        if data[offset + 46 : offset + 46 + name_length] == name.encode():
            local = int.from_bytes(data[offset + 42 : offset + 46], "little")
            data[offset + 8] |= 0x1
            data[local + 6] |= 0x1
        offset = data.find(b"PK\x01\x02", offset + 4)
    return bytes(data)


def store_file(offer, content: bytes, *, name: str, content_type: str) -> OfferFile:
    """Store bytes as a file of the offer, whatever the record claims they are."""
    return offer_file_store(
        offer, SimpleUploadedFile(name, content, content_type=content_type), content_type=content_type
    )


def snapshot_with_page_file(owner, content: bytes, *, name: str, content_type: str, field: str = "large_logo"):
    """Return the snapshot of a SaaS offer whose Offer listing page uses the stored bytes in ``field``."""
    offer = OfferFactory(account=owner.account, offer_type="saas")
    stored = store_file(offer, content, name=name, content_type=content_type)
    OfferPageFactory(offer=offer, key="offer_listing", data={field: stored.pk})
    return snapshot_build(offer)


def azure_app_snapshot(owner, package: bytes, *, name: str = "package.zip") -> dict:
    """Return the snapshot of a complete Azure Application whose plan uses ``package``."""
    offer = complete_offer(owner, "azure_application")
    stored = store_file(offer, package, name=name, content_type=ZIP)
    plan = offer.plans.get()
    plan.data = {**plan.data, "package": stored.pk}
    plan.save(update_fields=["data"])
    return snapshot_build(offer)


OFFER_TYPES = ["saas", "azure_application", "azure_vm", "consulting"]


@pytest.mark.parametrize("offer_type", OFFER_TYPES)
def test_a_clean_sample_offer_has_no_malware(owner, offer_type):
    snapshot = snapshot_build(complete_offer(owner, offer_type))
    assert snapshot["files"]
    assert check_malware(technical_context(snapshot)) == []


@pytest.mark.parametrize("offer_type", OFFER_TYPES)
def test_a_clean_sample_offer_has_only_public_https_destinations(owner, offer_type, settings):
    settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS = []
    snapshot = snapshot_build(complete_offer(owner, offer_type))
    assert check_network_destinations(technical_context(snapshot)) == []


@pytest.mark.parametrize("offer_type", OFFER_TYPES)
def test_a_clean_sample_offer_has_sound_packages(owner, offer_type):
    snapshot = snapshot_build(complete_offer(owner, offer_type))
    assert check_package(technical_context(snapshot)) == []


@pytest.mark.parametrize("offer_type", ["azure_application", "azure_vm", "consulting"])
def test_a_clean_sample_offer_has_a_consistent_technical_configuration(owner, offer_type):
    snapshot = snapshot_build(complete_offer(owner, offer_type))
    assert check_functionality(technical_context(snapshot)) == []


def test_the_sample_arm_test_drive_package_passes_the_package_check(owner):
    from offers.demo import offer_fill_page
    from offers.samples.misc import page_data

    offer = complete_offer(owner, "azure_application")
    data, _files = page_data("azure_application", "offer_setup")
    offer_fill_page(offer, "offer_setup", owner.user, data={**data, "test_drive": "on"}, files={})
    offer_fill_page(offer, "test_drive", owner.user)
    snapshot = snapshot_build(offer)
    assert snapshot["pages"]["test_drive"]["arm_template"]
    assert check_package(technical_context(snapshot)) == []
    assert check_malware(technical_context(snapshot)) == []
