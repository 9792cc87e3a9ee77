"""Go live is offered exactly when the sign-off step waits; a click that arrives before is explained, not refused."""

import pytest
from django.urls import reverse

from certification.models import ReviewItem, Step, Submission
from certification.pipeline import submission_advance
from certification.reviews import review_decide
from certification.services import submission_start
from offers.models import Offer
from tests.certification.support import complete_offer
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policies")]


@pytest.fixture
def between_preview_and_signoff(owner, https_endpoint):
    """An offer whose preview was just created: Preview, while its sign-off step has not begun to wait."""
    reviewer = UserFactory(is_staff=True)
    offer = complete_offer(owner, "consulting", https_endpoint)
    submission = submission_start(offer_id=offer.pk, by=owner.user)
    for _attempt in range(40):
        item = ReviewItem.objects.filter(submission=submission, state=ReviewItem.State.OPEN).first()
        if item is not None:
            review_decide(item_id=item.pk, decision="approve", by=reviewer)
        submission_advance(submission_id=submission.pk)
        if Offer.objects.get(pk=offer.pk).status == Offer.Status.PREVIEW:
            break
    submission.refresh_from_db()
    assert submission.state == Submission.State.RUNNING
    assert submission.steps.get(key="publisher_signoff").state == Step.State.PENDING
    return offer, submission


def _status_panel(client, offer) -> str:
    return client.get(reverse("certification:status", args=[offer.pk])).content.decode()


def _go_live(client, offer):
    return client.post(reverse("certification:go-live", args=[offer.pk]), {"confirmed": "yes"}, follow=True)


def test_before_the_sign_off_step_waits_the_overview_offers_no_go_live_and_keeps_refreshing(
    owner_client, between_preview_and_signoff
):
    offer, _submission = between_preview_and_signoff
    panel = _status_panel(owner_client, offer)
    assert 'data-testid="go-live"' not in panel
    assert 'data-testid="go-live-pending"' in panel
    assert 'hx-trigger="every 2s"' in panel


def test_a_go_live_click_before_the_sign_off_step_waits_is_explained_and_changes_nothing(
    owner_client, between_preview_and_signoff
):
    offer, submission = between_preview_and_signoff
    response = _go_live(owner_client, offer)
    [message] = list(response.context["messages"])
    assert message.level_tag == "info"
    assert "Go live appears on this page in a moment" in message.message
    submission.refresh_from_db()
    assert submission.state == Submission.State.RUNNING
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PREVIEW


def test_once_the_sign_off_step_waits_the_overview_offers_go_live_and_it_is_taken(
    owner_client, between_preview_and_signoff
):
    offer, submission = between_preview_and_signoff
    submission_advance(submission_id=submission.pk)  # the sign-off step begins to wait
    panel = _status_panel(owner_client, offer)
    assert 'data-testid="go-live"' in panel
    assert 'hx-trigger="every 2s"' not in panel
    _go_live(owner_client, offer)
    submission.refresh_from_db()
    assert submission.state == Submission.State.RUNNING
    assert submission.steps.get(key="publisher_signoff").state == Step.State.SUCCEEDED
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PUBLISH_IN_PROGRESS
