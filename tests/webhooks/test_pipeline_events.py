"""The pipeline emits its webhook events where they happen, in order per offer, with the data receivers need."""

import pytest
from django.core.exceptions import PermissionDenied

from certification.models import Finding, ReviewItem
from certification.reviews import review_claim, review_decide
from certification.services import offer_stop_selling, stop_sell_complete_due, submission_start
from offers.models import Offer
from tests.certification.support import complete_offer, drive, publish_to_live, publish_to_preview
from tests.factories import UserFactory
from tests.webhooks.factories import WebhookEndpointFactory
from webhooks.models import WebhookDelivery

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policies")]


@pytest.fixture
def consulting(owner, https_endpoint):
    return complete_offer(owner, "consulting", https_endpoint)


@pytest.fixture
def endpoint(owner):
    return WebhookEndpointFactory(account=owner.account)


def _events(endpoint, *types) -> list[dict]:
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).select_related("message").order_by("message_id")
    return [d.message.payload for d in deliveries if not types or d.event_type in types]


def _types(endpoint) -> list[str]:
    return [p["type"] for p in _events(endpoint)]


def test_an_offer_published_to_live_emits_its_events_in_order_in_one_group(owner, consulting, endpoint, reviewer):
    submission = publish_to_live(consulting, owner, reviewer)

    types = _types(endpoint)
    milestones = [
        t for t in types if t in ("submission.started", "review.decided", "submission.waiting_signoff", "offer.live")
    ]
    assert milestones == ["submission.started", "review.decided", "submission.waiting_signoff", "offer.live"]
    statuses = [(p["data"]["from"], p["data"]["to"]) for p in _events(endpoint, "offer.status_changed")]
    assert statuses == [
        ("draft", "publish_in_progress"),
        ("publish_in_progress", "preview"),
        ("preview", "publish_in_progress"),
        ("publish_in_progress", "live"),
    ]
    assert types.index("submission.started") < types.index("submission.step_changed")
    assert types[-1] == "offer.live"
    groups = set(WebhookDelivery.objects.filter(endpoint=endpoint).values_list("message__group", flat=True))
    assert groups == {f"webhook:{endpoint.pk}:offer:{consulting.pk}"}
    live = _events(endpoint, "offer.live")[0]["data"]
    assert live["offer"]["status"] == Offer.Status.LIVE
    assert live["submission"]["number"] == submission.number


def test_every_step_change_is_an_event_with_the_step_and_its_states(owner, consulting, endpoint):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    drive(submission.pk)

    changes = [p["data"]["step"] for p in _events(endpoint, "submission.step_changed")]
    first = submission.steps.order_by("order").first()
    assert changes[0] == {
        "order": first.order,
        "phase": first.phase,
        "key": first.key,
        "name": first.name,
        "from": "pending",
        "to": "running",
    }
    assert changes[1]["to"] == "succeeded"
    assert changes[-1]["to"] == "waiting"  # the content review


def test_the_waiting_signoff_event_carries_the_preview_links(owner, consulting, endpoint, reviewer):
    publish_to_preview(consulting, owner, reviewer)

    [waiting] = _events(endpoint, "submission.waiting_signoff")
    assert waiting["data"]["preview_links"]
    assert all("/marketplace/preview/" in link["url"] for link in waiting["data"]["preview_links"])


def test_a_rejection_emits_the_claim_the_decision_and_the_failure_report(owner, consulting, endpoint, reviewer):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    drive(submission.pk)
    item = ReviewItem.objects.get(submission=submission, state=ReviewItem.State.OPEN)

    review_claim(item_id=item.pk, reviewer=reviewer)
    review_decide(
        item_id=item.pk,
        decision="reject",
        by=reviewer,
        citations=[("100.1.1", "Say what the service delivers.")],
        internal_comment="never for the publisher",
    )

    types = _types(endpoint)
    assert types.index("review.claimed") < types.index("review.decided") < types.index("submission.failed")
    [claimed] = _events(endpoint, "review.claimed")
    assert claimed["data"]["review"]["level"] == ReviewItem.Level.CONTENT
    assert set(claimed["data"]["review"]) == {"level", "claimed_at"}  # never who claimed it
    [decided] = _events(endpoint, "review.decided")
    assert decided["data"]["review"]["decision"] == ReviewItem.State.REJECTED
    [failed] = _events(endpoint, "submission.failed")
    [finding] = failed["data"]["report"]["findings"]
    policy = Finding.objects.get(submission=submission).policy
    assert finding["policy"] == {"number": "100.1.1", "title": policy.title, "version": policy.version}
    assert finding["reviewer_notes"] == "Say what the service delivers."
    assert (finding["page"], finding["field"]) == ("offer_listing", "name")
    assert finding["page_title"]
    assert finding["field_label"]
    assert finding["message"]
    assert "never for the publisher" not in str(failed)


def test_stop_sell_completed_is_emitted_when_the_removal_completes(owner, consulting, endpoint, reviewer):
    publish_to_live(consulting, owner, reviewer)
    offer_stop_selling(offer_id=consulting.pk, by=owner.user)
    assert not _events(endpoint, "stop_sell.completed")

    stop_sell_complete_due()

    [completed] = _events(endpoint, "stop_sell.completed")
    assert completed["data"]["offer"]["status"] == Offer.Status.NOT_AVAILABLE
    assert completed["data"]["plan"] is None


def test_an_action_that_is_refused_emits_nothing(owner, consulting, endpoint):
    developer = UserFactory()
    with pytest.raises(PermissionDenied):
        submission_start(offer_id=consulting.pk, by=developer)
    assert not WebhookDelivery.objects.exists()
