"""The offer overview as the publisher reads it: a cancelled submission, warnings apart from errors."""

import re

import pytest
from django.urls import reverse

from certification.models import Finding, Step
from certification.services import submission_cancel, submission_start
from tests.certification.support import drive, publish_to_live

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policies")]


def overview(client, offer) -> str:
    return client.get(reverse("certification:overview", args=[offer.pk])).content.decode()


def badges(content: str) -> list[str]:
    return re.findall(r'data-testid="step-[a-z_]+-[a-z_]+">([^<]+)<', content)


def test_after_an_update_is_cancelled_the_overview_shows_that_submission_as_cancelled(
    owner_client, owner, consulting, reviewer
):
    publish_to_live(consulting, owner, reviewer)
    listing = consulting.pages.get(key="offer_listing")
    listing.data["name"] = "Data Move: 3-Wk Proof of Concept"  # a changed listing waits for a reviewer
    listing.save()
    update = submission_start(offer_id=consulting.pk, by=owner.user)
    drive(update.pk)
    submission_cancel(offer_id=consulting.pk, by=owner.user)

    content = overview(owner_client, consulting)
    assert re.search(r'data-testid="submission-state">Cancelled<', content)
    assert "Cancelled" in badges(content)
    assert "Skipped" not in badges(content)
    assert badges(content).count("Cancelled") == update.steps.filter(state=Step.State.SKIPPED).count()
    assert 'data-phase="certification">\n        <div class="fw-semibold"><i class="bi bi-slash-circle' in content


def test_a_warning_is_not_shown_as_an_error_and_says_it_does_not_block(owner_client, owner, consulting, reviewer):
    submission = publish_to_live(consulting, owner, reviewer)
    step = submission.steps.order_by("order").first()
    Finding.objects.create(
        submission=submission,
        step=step,
        code="content.link_unverified",
        severity=Finding.Severity.WARNING,
        message="The support link could not be verified: no network.",
    )

    content = overview(owner_client, consulting)
    [item] = re.findall(r'<li class="([^"]*)" data-severity="warning">([^<]*)', content)
    assert item == ("text-warning-emphasis", "The support link could not be verified: no network. ")
    assert "This does not block publishing." in content
    assert 'data-severity="critical"' not in content
