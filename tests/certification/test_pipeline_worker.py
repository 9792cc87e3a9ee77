"""The pipeline through a real Celery worker on Redis and PostgreSQL, with local endpoint servers."""

import time

import pytest
from django.core.files.storage import default_storage

from certification.models import Finding, ReviewItem, Submission
from certification.reviews import review_decide
from certification.services import publish_go_live, submission_start
from offers.models import Offer, OfferFile
from outbox.models import OutboxMessage
from tests.certification.support import complete_offer
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("policies")]

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def wait_until(condition, *, timeout=40.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def offer_status(offer):
    return Offer.objects.get(pk=offer.pk).status


def open_item(submission, level):
    return ReviewItem.objects.filter(submission=submission, level=level, state=ReviewItem.State.OPEN).first()


def test_a_saas_offer_with_leads_and_test_drive_goes_from_publish_to_live_on_the_worker(
    celery_worker, owner, https_endpoint, smtp_sink
):
    reviewer = UserFactory(is_staff=True)
    offer = complete_offer(owner, "saas", https_endpoint)
    assert offer.pages.get(key="offer_setup").data["test_drive"] is True
    submission = submission_start(offer_id=offer.pk, by=owner.user)

    content = wait_until(lambda: open_item(submission, ReviewItem.Level.CONTENT), what="the content review")
    review_decide(item_id=content.pk, decision="approve", by=reviewer)
    technical = wait_until(lambda: open_item(submission, ReviewItem.Level.TECHNICAL), what="the technical review")
    review_decide(item_id=technical.pk, decision="approve", by=reviewer)
    wait_until(lambda: offer_status(offer) == Offer.Status.PREVIEW, what="Preview")
    signoff = wait_until(
        lambda: [m for m in smtp_sink.messages if "Preview ready" in m["message"]["Subject"]], what="the sign-off email"
    )
    assert "/marketplace/preview/" in signoff[0]["message"].get_body(("plain",)).get_content()

    publish_go_live(offer_id=offer.pk, by=owner.user)
    wait_until(lambda: offer_status(offer) == Offer.Status.LIVE, what="Live")
    wait_until(lambda: [m for m in smtp_sink.messages if "is live" in m["message"]["Subject"]], what="the live email")

    submission.refresh_from_db()
    assert submission.state == Submission.State.COMPLETED
    assert not Finding.objects.filter(submission=submission).exists()
    paths = [(r["method"], r["path"].split("?")[0]) for r in https_endpoint.requests]
    assert ("GET", "/expense-insights/activate") in paths  # the landing page was probed
    assert ("POST", "/expense-insights/api/marketplace-webhook") in paths  # and the connection webhook
    leads = [r["json"]["leadId"] for r in https_endpoint.received("POST") if (r["json"] or {}).get("leadId")]
    assert len(leads) == 2  # one per phase: automated validation and publish
    assert all(lead.startswith("MSFT_TEST_") for lead in leads)
    assert submission.steps.filter(key="test_drive_provisioning", state="succeeded").count() == 2


def test_a_failing_offer_reaches_attention_needed_then_a_fixed_resubmission_reaches_preview(
    celery_worker, owner, https_endpoint, smtp_sink
):
    reviewer = UserFactory(is_staff=True)
    offer = complete_offer(owner, "saas", https_endpoint)
    setup = offer.pages.get(key="technical_configuration")
    good_webhook = setup.data["connection_webhook"]
    setup.data["connection_webhook"] = "https://127.0.0.1:9/unreachable"
    setup.save()
    listing = offer.pages.get(key="offer_listing")
    screenshot = OfferFile.objects.get(pk=listing.data["screenshot_1"])
    clean_bytes = default_storage.open(screenshot.file.name, "rb").read()
    with default_storage.open(screenshot.file.name, "wb") as handle:
        handle.write(EICAR)

    first = submission_start(offer_id=offer.pk, by=owner.user)
    wait_until(lambda: offer_status(offer) == Offer.Status.ATTENTION_NEEDED, what="Attention needed")
    codes = set(Finding.objects.filter(submission=first).values_list("code", flat=True))
    assert any(code.endswith("webhook_unreachable") for code in codes)
    report = wait_until(
        lambda: [m for m in smtp_sink.messages if "did not pass certification" in m["message"]["Subject"]],
        what="the report",
    )
    assert "connection webhook" in report[0]["message"].get_body(("plain",)).get_content().lower()

    # fix both and resubmit: the webhook answers and the screenshot is clean again
    setup.data["connection_webhook"] = good_webhook
    setup.save()
    with default_storage.open(screenshot.file.name, "wb") as handle:
        handle.write(clean_bytes)
    second = submission_start(offer_id=offer.pk, by=owner.user)
    for level in (ReviewItem.Level.CONTENT, ReviewItem.Level.TECHNICAL):
        item = wait_until(lambda level=level: open_item(second, level), what=f"the {level} review")
        review_decide(item_id=item.pk, decision="approve", by=reviewer)
    wait_until(lambda: offer_status(offer) == Offer.Status.PREVIEW, what="Preview")
    assert not Finding.objects.filter(submission=second).exists()
    # sign-off runs in the task after the one that reached Preview: wait for its message like the others
    wait_until(
        lambda: OutboxMessage.objects.filter(key=f"submission:{second.pk}:signoff").exists(), what="the sign-off"
    )


def test_eicar_in_a_screenshot_is_reported_on_that_field_through_the_worker(celery_worker, owner, https_endpoint):
    offer = complete_offer(owner, "consulting", https_endpoint)
    listing = offer.pages.get(key="offer_listing")
    screenshot = OfferFile.objects.get(pk=listing.data["screenshot_1"])
    with default_storage.open(screenshot.file.name, "wb") as handle:
        handle.write(EICAR)
    submission = submission_start(offer_id=offer.pk, by=owner.user)
    wait_until(lambda: offer_status(offer) == Offer.Status.ATTENTION_NEEDED, what="Attention needed")
    finding = Finding.objects.get(submission=submission, code="malware.detected")
    assert (finding.page, finding.field) == ("offer_listing", "screenshot_1")
