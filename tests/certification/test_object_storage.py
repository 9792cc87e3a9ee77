"""Uploads in object storage (Azurite): the web process and a worker on another machine, each with its own empty
media folder, read the same files; the filesystem default keeps working for one machine (the rest of the suite)."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse

from certification.checks.malware import check_malware
from certification.checks.package import check_package
from certification.models import Finding, ReviewItem, Submission
from certification.reviews import review_decide
from certification.services import submission_start
from offers.models import Offer, OfferFile
from portal.celery import app
from storefront.listing import signed_file_url
from tests.certification.support import complete_offer
from tests.certification.test_technical_checks import (
    EICAR,
    app_package,
    azure_app_snapshot,
    snapshot_with_page_file,
    technical_context,
)
from tests.factories import UserFactory
from tests.object_storage import ROOT

ADMIN = "operators@portal.example"


def _files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.mark.django_db
def test_an_upload_is_stored_in_the_container_and_nothing_in_the_media_folder(azure_media, azurite, owner, settings):
    snapshot = snapshot_with_page_file(owner, b"\x89PNG bytes", name="logo.png", content_type="image/png")
    [record] = snapshot["files"].values()

    assert azurite.blob_names(azure_media) == {record["path"]}
    assert _files(Path(settings.MEDIA_ROOT)) == []
    with default_storage.open(record["path"], "rb") as handle:
        assert handle.read() == b"\x89PNG bytes"


@pytest.mark.django_db
def test_the_malware_scan_reads_a_package_from_object_storage_and_finds_eicar_inside(azure_media, owner):
    snapshot = azure_app_snapshot(owner, app_package(**{"scripts/readme.txt": EICAR}))

    findings = check_malware(technical_context(snapshot))

    assert [(f.code, f.field) for f in findings] == [("malware.detected", "package")]
    assert "scripts/readme.txt" in findings[0].message


@pytest.mark.django_db
def test_the_scans_temporary_copy_of_an_object_is_removed_after_the_scan(azure_media, owner, tmp_path, monkeypatch):
    snapshot = azure_app_snapshot(owner, app_package(**{"scripts/readme.txt": EICAR}))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    assert check_malware(technical_context(snapshot))
    assert list(scratch.iterdir()) == []


@pytest.mark.django_db
def test_the_package_analysis_reads_a_sound_package_from_object_storage(azure_media, owner):
    snapshot = azure_app_snapshot(owner, app_package())
    assert check_package(technical_context(snapshot)) == []


@pytest.mark.django_db
def test_an_object_missing_from_storage_is_a_finding_that_names_no_host(
    azure_media, azurite, owner, settings, mailoutbox
):
    settings.ADMINS = [(ADMIN, ADMIN)]
    snapshot = snapshot_with_page_file(owner, b"\x89PNG bytes", name="logo.png", content_type="image/png")
    [record] = snapshot["files"].values()
    default_storage.delete(record["path"])

    [finding] = check_malware(technical_context(snapshot))

    assert finding.code == "malware.unreadable"
    assert finding.system
    assert "logo.png could not be scanned for malware on our side" in finding.message
    for detail in ("127.0.0.1", str(azurite.port), azure_media, record["path"], "Blob"):
        assert detail not in finding.message
    [alert] = [m for m in mailoutbox if ADMIN in m.to]
    assert "BlobNotFound" in alert.body  # the storage's own error reaches the operators


# -- a second machine: a real worker process with its own, empty media folder ------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def second_machine(transactional_db, azurite, azure_media, settings, celery_queue, https_endpoint, smtp_sink, tmp_path):
    """Start `celery worker` in its own process, configured only by its environment, as on another machine.

    It shares the database, the broker and the Azurite container with this test (the web process), and has a
    media folder of its own, empty. Yields that folder; the worker is stopped before the database is flushed.
    """
    media = tmp_path / "worker-media"
    media.mkdir()
    name = f"second-machine-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    environment = {
        **os.environ,
        **azurite.environment(azure_media),
        "MEDIA_ROOT": str(media),
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": celery_queue,  # what the worker enqueues stays on this session's queues
        "PIPELINE_FIRST_QUEUE": settings.PIPELINE_FIRST_QUEUE,
        "EMAIL_URL": f"smtp://{smtp_sink.host}:{smtp_sink.port}",
        "OUTBOUND_CA_BUNDLE": str(settings.OUTBOUND_CA_BUNDLE),
        "OUTBOUND_ALLOWED_PRIVATE_NETWORKS": ",".join(settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS),
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-n", name]
    command += ["--pool", "threads", "--concurrency", "2", "--without-mingle", "--without-gossip"]
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the worker did not start: {log.read_text(errors='replace')[-3000:]}")
        yield media
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _wait_until(condition, *, what: str, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _approve_when_queued(submission, level, reviewer) -> None:
    def open_item():
        return ReviewItem.objects.filter(submission=submission, level=level, state=ReviewItem.State.OPEN).first()

    item = _wait_until(open_item, what=f"the {level} review")
    review_decide(item_id=item.pk, decision="approve", by=reviewer)


@pytest.mark.usefixtures("policies")
def test_a_worker_with_its_own_empty_media_folder_takes_a_submission_with_uploads_to_preview(
    second_machine, live_server, azurite, azure_media, owner, https_endpoint, smtp_sink, client, settings
):
    web_media = Path(settings.MEDIA_ROOT)
    reviewer = UserFactory(is_staff=True)
    offer = complete_offer(owner, "azure_application", https_endpoint)  # images, documents, packages, ARM template
    uploads = set(OfferFile.objects.filter(offer=offer).values_list("file", flat=True))
    assert len(uploads) >= 4
    assert azurite.blob_names(azure_media) == uploads

    submission = submission_start(offer_id=offer.pk, by=owner.user)
    _approve_when_queued(submission, ReviewItem.Level.CONTENT, reviewer)
    _approve_when_queued(submission, ReviewItem.Level.TECHNICAL, reviewer)
    _wait_until(lambda: Offer.objects.get(pk=offer.pk).status == Offer.Status.PREVIEW, what="Preview")
    _wait_until(lambda: [m for m in smtp_sink.messages if "Preview ready" in m["message"]["Subject"]], what="email")

    submission.refresh_from_db()
    assert submission.state == Submission.State.WAITING_SIGNOFF  # the sign-off request went out with it
    assert not Finding.objects.filter(submission=submission, severity=Finding.Severity.CRITICAL).exists()
    succeeded = set(submission.steps.filter(state="succeeded").values_list("key", flat=True))
    assert {"malware_scan", "network_destinations", "package_analysis"} <= succeeded  # each read every upload
    assert _files(second_machine) == []  # the worker read every upload from the container
    assert _files(web_media) == []  # and the web process stored none on its disk

    # the web process serves the same files from the container: the storefront's and the editor's addresses
    snapshot = submission.snapshot
    logo_id = next(k for k, r in snapshot.data["files"].items() if r["content_type"] == "image/png")
    with urllib.request.urlopen(live_server.url + signed_file_url(snapshot.pk, logo_id)) as response:
        served = response.read()
    assert served == default_storage.open(snapshot.data["files"][logo_id]["path"], "rb").read()
    client.force_login(owner.user)
    editor_file = client.get(reverse("offers:file", args=[offer.pk, int(logo_id)]))
    assert b"".join(editor_file.streaming_content) == served
