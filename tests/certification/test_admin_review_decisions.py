"""Working a review item in admin: the dossier, the decision with citations, and what publishers never see."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from certification import reviews
from certification.models import Finding, ReviewItem, Submission
from certification.operations import staff_groups_ensure
from certification.reviews import AUTO_RULE_LISTING_UNCHANGED
from certification.services import submission_start
from offers.models import Offer, OfferPage
from outbox.models import OutboxMessage
from tests.certification.support import approve_open_reviews, complete_offer, drive
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policies")]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Members are created with passwords; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


INTERNAL = "Borderline; asked Sam for a second opinion."


@pytest.fixture
def reviewer(db):
    user = UserFactory(is_staff=True, email="rita@portal.example")
    user.groups.add(staff_groups_ensure()["Reviewers"])
    return user


@pytest.fixture
def reviewer_client(reviewer):
    """A browser of its own, so that it can sit beside the publisher's owner_client."""
    reviewer_browser = Client()
    reviewer_browser.force_login(reviewer)
    return reviewer_browser


@pytest.fixture
def consulting(owner, https_endpoint):
    return complete_offer(owner, "consulting", https_endpoint)


def _publish(offer, owner, notes=None) -> Submission:
    submission = submission_start(offer_id=offer.pk, by=owner.user, notes=notes)
    drive(submission.pk)
    submission.refresh_from_db()
    return submission


def _item_url(item, view: str = "review") -> str:
    return reverse(f"admin:certification_contentreviewitem_{view}", args=[item.pk])


def _decide_url(item) -> str:
    return _item_url(item, "decide")


def _claimed(reviewer_client, submission) -> ReviewItem:
    item = ReviewItem.objects.get(submission=submission, state=ReviewItem.State.OPEN)
    reviewer_client.post(_item_url(item, "claim"))
    return item


def _decision(decision: str, *citations, internal: str = "") -> dict:
    data = {
        "decision-decision": decision,
        "decision-internal_comment": internal,
        "citations-TOTAL_FORMS": "3",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "10",
    }
    for n, (policy, notes) in enumerate(citations):
        data[f"citations-{n}-policy"] = policy
        data[f"citations-{n}-notes"] = notes
    return data


def _rename(offer, name: str) -> None:
    page = OfferPage.objects.get(offer=offer, key="offer_listing")
    page.data = {**page.data, "name": name}
    page.save()


def test_the_item_shows_the_listing_files_notes_findings_and_history(reviewer_client, owner, consulting):
    submission = _publish(consulting, owner, notes="Sign in with the demo tenant; the PoC plan is in the PDF.")
    item = ReviewItem.objects.get(submission=submission)
    listing = submission.snapshot.data["pages"]["offer_listing"]

    page = reviewer_client.get(_item_url(item)).content.decode()

    assert listing["name"] in page
    assert "<h3>Deliverables</h3>" in page  # the description rendered as sanitised HTML
    assert "Sign in with the demo tenant" in page
    assert 'data-testid="findings"' in page
    assert 'data-testid="earlier-decisions"' in page
    assert "this is its first review" in page
    logo_url = reverse("admin:certification_contentreviewitem_file", args=[item.pk, str(listing["large_logo"])])
    assert logo_url in page
    logo = reviewer_client.get(logo_url)
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")
    assert "review_queued" in page  # the offer's history


def test_a_file_that_is_not_in_the_submission_is_not_served(reviewer_client, owner, consulting):
    item = ReviewItem.objects.get(submission=_publish(consulting, owner))
    url = reverse("admin:certification_contentreviewitem_file", args=[item.pk, "999999"])
    assert reviewer_client.get(url).status_code == 404


def test_the_review_page_is_served_at_its_own_url_and_the_change_link_leads_there(reviewer_client, owner, consulting):
    item = ReviewItem.objects.get(submission=_publish(consulting, owner))

    response = reviewer_client.get(_item_url(item))

    assert response.status_code == 200
    assert _item_url(item) == f"/admin/certification/contentreviewitem/{item.pk}/review/"
    assert response.templates[0].name == "admin/certification/review_item.html"
    assert 'data-testid="review-item"' in response.content.decode()
    change = reviewer_client.get(_item_url(item, "change"))
    assert (change.status_code, change.url) == (302, _item_url(item))


def test_staff_without_the_view_permission_get_403_on_the_review_page(client, owner, consulting):
    item = ReviewItem.objects.get(submission=_publish(consulting, owner))
    client.force_login(UserFactory(is_staff=True))

    assert client.get(_item_url(item)).status_code == 403
    assert client.get(_item_url(item, "change")).status_code == 403
    assert client.post(_item_url(item, "claim")).status_code == 403
    assert client.post(_decide_url(item), _decision("approve")).status_code == 403


def test_claim_release_and_decide_take_only_posts(reviewer_client, owner, consulting):
    item = ReviewItem.objects.get(submission=_publish(consulting, owner))

    for view in ("claim", "release", "decide"):
        assert reviewer_client.get(_item_url(item, view)).status_code == 405
    item.refresh_from_db()
    assert item.claimed_by is None


def test_the_decision_form_posts_to_the_decide_view(reviewer_client, owner, consulting):
    item = _claimed(reviewer_client, _publish(consulting, owner))

    page = reviewer_client.get(_item_url(item)).content.decode()

    assert f'action="{_decide_url(item)}"' in page
    assert f'action="{_item_url(item, "release")}"' in page


def test_deciding_needs_a_claim(reviewer_client, owner, consulting):
    submission = _publish(consulting, owner)
    item = ReviewItem.objects.get(submission=submission)

    reviewer_client.post(_decide_url(item), _decision("approve"))

    item.refresh_from_db()
    assert item.state == ReviewItem.State.OPEN


def test_a_rejection_without_a_citation_is_refused_in_the_form(reviewer_client, owner, consulting):
    item = _claimed(reviewer_client, _publish(consulting, owner))

    response = reviewer_client.post(_decide_url(item), _decision("reject", internal="no citation"))

    assert response.status_code == 400
    assert "Cite at least one policy" in response.content.decode()
    item.refresh_from_db()
    assert item.state == ReviewItem.State.OPEN


def test_a_citation_without_review_notes_is_refused(reviewer_client, owner, consulting):
    item = _claimed(reviewer_client, _publish(consulting, owner))

    response = reviewer_client.post(_decide_url(item), _decision("reject", ("100.1.1", "")))

    assert response.status_code == 400
    assert "Write review notes" in response.content.decode()


def test_an_error_the_review_service_raises_is_shown_on_the_form(reviewer_client, owner, consulting, monkeypatch):
    item = _claimed(reviewer_client, _publish(consulting, owner))

    def refuse(**kwargs):
        raise ValidationError({"citations": "Unknown policy: 100.1.1"})

    monkeypatch.setattr(reviews, "review_decide", refuse)
    response = reviewer_client.post(_decide_url(item), _decision("reject", ("100.1.1", "Rename it.")))

    assert response.status_code == 400
    assert "Unknown policy: 100.1.1" in response.content.decode()
    item.refresh_from_db()
    assert item.state == ReviewItem.State.OPEN


def test_a_rejection_reaches_the_publisher_without_the_internal_comments(
    reviewer_client, owner, owner_client, consulting
):
    submission = _publish(consulting, owner)
    item = _claimed(reviewer_client, submission)

    response = reviewer_client.post(
        _decide_url(item),
        _decision("reject", ("100.1.1", "Say what the service delivers in the name."), internal=INTERNAL),
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.internal_comment) == (ReviewItem.State.REJECTED, INTERNAL)
    assert Offer.objects.get(pk=consulting.pk).status == Offer.Status.ATTENTION_NEEDED
    finding = Finding.objects.get(submission=submission, source=Finding.Source.REVIEWER)
    assert (finding.policy.number, finding.review_notes) == ("100.1.1", "Say what the service delivers in the name.")

    overview = owner_client.get(reverse("certification:overview", args=[consulting.pk])).content.decode()
    assert "Attention needed" in overview
    assert "100.1.1" in overview
    assert "Say what the service delivers in the name." in overview
    history = owner_client.get(reverse("certification:history", args=[consulting.pk])).content.decode()
    report = OutboxMessage.objects.get(key=f"submission:{submission.pk}:failure-report")
    assert "Say what the service delivers in the name." in report.body_text
    assert "Offer listing" in report.body_text
    assert "Name" in report.body_text
    for seen_by_publisher in (overview, history, report.subject, report.body_text, report.body_html):
        assert "second opinion" not in seen_by_publisher


def test_the_resubmission_keeps_its_place_and_shows_the_earlier_rejection(reviewer_client, owner, consulting):
    first = _publish(consulting, owner)
    item = _claimed(reviewer_client, first)
    reviewer_client.post(_decide_url(item), _decision("reject", ("100.1.1", "Rename it."), internal=INTERNAL))
    _rename(consulting, "SQL to Azure Migration: 3-Wk Proof of Concept")

    second = _publish(consulting, owner)

    again = ReviewItem.objects.get(submission=second)
    item.refresh_from_db()
    assert again.resubmission
    assert again.queued_since == item.queued_since
    page = reviewer_client.get(_item_url(again)).content.decode()
    assert 'data-testid="resubmission"' in page
    assert "Rename it." in page
    assert "second opinion" in page


def test_the_item_shows_the_fields_changed_since_the_last_approved_snapshot(
    reviewer, reviewer_client, owner, consulting
):
    first = _publish(consulting, owner)
    approve_open_reviews(first.pk, reviewer)
    _rename(consulting, "SQL to Azure Migration: 3-Wk Proof of Concept")

    second = _publish(consulting, owner)

    item = ReviewItem.objects.get(submission=second, level=ReviewItem.Level.CONTENT)
    assert item.state == ReviewItem.State.OPEN  # the listing changed: no automatic approval
    page = reviewer_client.get(_item_url(item)).content.decode()
    assert f"Compared with submission #{first.number}" in page
    assert "SQL to Azure Migration: 3-Wk Proof of Concept" in page
    assert 'class="review-change-changed"><td>Offer listing</td><td>Name</td>' in page


def test_an_automatic_approval_and_its_rule_are_visible_on_the_item(reviewer, reviewer_client, owner, consulting):
    approve_open_reviews(_publish(consulting, owner).pk, reviewer)

    second = _publish(consulting, owner)

    item = ReviewItem.objects.get(submission=second, level=ReviewItem.Level.CONTENT)
    assert item.auto_rule == AUTO_RULE_LISTING_UNCHANGED
    page = reviewer_client.get(reverse("admin:certification_reviewitem_review", args=[item.pk])).content.decode()
    assert AUTO_RULE_LISTING_UNCHANGED in page
    assert 'data-testid="auto-rule"' in page
    listed = reviewer_client.get(reverse("admin:certification_reviewitem_changelist") + "?decided=rule")
    assert [i.pk for i in listed.context["cl"].result_list] == [item.pk]


def test_a_reviewer_who_may_only_claim_cannot_decide(client, owner, consulting):
    claimer = UserFactory(is_staff=True)
    claimer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_contentreviewitem", "claim_contentreviewitem"])
    )
    client.force_login(claimer)
    item = _claimed(client, _publish(consulting, owner))
    assert 'data-testid="submit-decision"' not in client.get(_item_url(item)).content.decode()

    response = client.post(_decide_url(item), _decision("approve"))

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.state == ReviewItem.State.OPEN


def test_a_reviewer_cannot_edit_an_offer(reviewer_client, consulting):
    change = reverse("admin:offers_offer_change", args=[consulting.pk])
    assert reviewer_client.get(change).status_code == 200  # reading is allowed
    response = reviewer_client.post(change, {"alias": "Renamed by a reviewer"})
    assert response.status_code == 403
    editor = reviewer_client.get(reverse("offers:page", args=[consulting.pk, "offer_listing"]))
    assert editor.status_code in (302, 403, 404)
    consulting.refresh_from_db()
    assert consulting.alias == "consulting offer"
    assert not staff_groups_ensure()["Reviewers"].permissions.filter(codename__startswith="change_").exists()
