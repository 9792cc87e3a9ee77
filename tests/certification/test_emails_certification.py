"""Every email of the pipeline: both parts rendered from templates, the right recipients, once per key, over SMTP."""

import pytest
from django.conf import settings as django_settings

from certification.models import Finding
from certification.notifications import (
    notify_failure_report,
    notify_live,
    notify_signoff,
    notify_stop_sell,
    notify_system_error,
)
from offers.models import Plan
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_message
from tests.certification.test_reviews_queue import review_item_make
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policies")]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Members are created with passwords; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


NOTES = "Say what the service delivers & for whom, e.g. <b>SQL</b> migrations."
INTERNAL = "Second opinion from Sam: borderline."


@pytest.fixture
def submission(owner, manager, developer):
    item = review_item_make(account=owner.account, listing={"name": "R&D <Tools>: 3-Wk Proof of Concept"})
    item.internal_comment = INTERNAL
    item.save()
    return item.submission


def _finding(submission, policies, **fields) -> Finding:
    step = submission.steps.first()
    defaults = {"source": Finding.Source.AUTOMATED, "code": "x", "message": "Something is wrong."}
    return Finding.objects.create(submission=submission, step=step, **{**defaults, **fields})


def _message(key: str) -> OutboxMessage:
    return OutboxMessage.objects.get(key=key)


def test_the_failure_report_lists_each_failed_policy_with_finding_place_link_and_notes(submission, policies):
    _finding(
        submission,
        policies,
        source=Finding.Source.REVIEWER,
        code="review.content",
        policy=policies["100.1.1"],
        message=policies["100.1.1"].gist,
        page="offer_listing",
        field="name",
        review_notes=NOTES,
    )
    _finding(submission, policies, code="links.broken", policy=policies["100.5"], message="A link does not answer.",
             page="offer_listing", field="contact_1_email", severity="warning")  # fmt: skip

    notify_failure_report(submission)

    report = _message(f"submission:{submission.pk}:failure-report")
    offer = submission.offer
    fix_url = f"{django_settings.SITE_URL}/offers/{offer.pk}/pages/offer_listing/#id_name"
    text, html = report.body_text, report.body_html
    assert "Policy 100.1.1 Title" in text
    assert f"Finding: {policies['100.1.1'].gist}" in text
    assert f"Review notes: {NOTES}" in text
    assert "Where: Offer listing > Name" in text
    assert f"Fix it: {fix_url}" in text
    assert "Policy 100.5 Offer information (warning, does not block publishing)" in text
    assert "resubmit as many times as you need" in text
    assert "<" not in text.replace("<Tools>", "").replace("<b>SQL</b>", "")  # plain text, values as typed
    assert f'<a href="{fix_url}">Offer listing \u203a Name</a>' in html
    assert "&lt;b&gt;SQL&lt;/b&gt;" in html  # notes are escaped in HTML
    assert "Attention needed" in html
    assert "resubmit as many times as you need" in html
    for part in (report.subject, text, html):
        assert INTERNAL not in part


def test_the_failure_report_goes_to_owners_and_managers_but_not_developers(submission, owner, manager, developer):
    notify_failure_report(submission)

    report = _message(f"submission:{submission.pk}:failure-report")
    assert report.recipients == sorted([owner.user.email, manager.user.email])
    assert developer.user.email not in report.recipients


def test_subjects_keep_the_name_as_typed_and_html_bodies_escape_it(submission):
    notify_live(submission)

    live = _message(f"submission:{submission.pk}:live")
    assert live.subject == "R&D <Tools>: 3-Wk Proof of Concept is live in the marketplace"
    assert "R&D <Tools>: 3-Wk Proof of Concept" in live.body_text
    assert "R&amp;D &lt;Tools&gt;" in live.body_html
    assert "<Tools>" not in live.body_html


def test_a_step_failed_on_our_side_sends_the_system_error_notice_under_its_own_key(submission, policies, owner):
    operator = UserFactory(is_staff=True, is_superuser=True, email="otto@portal.example")
    _finding(
        submission,
        policies,
        source=Finding.Source.SYSTEM,
        code="system.step_failed",
        message="Lead management could not be completed because of a problem on our side.",
    )

    notify_failure_report(submission)

    notice = _message(f"submission:{submission.pk}:system-error")
    assert owner.user.email in notice.recipients
    assert "problem on our side" in notice.subject
    assert "This is not a problem with your offer." in notice.body_text
    assert "Review and publish" in notice.body_html
    alert = _message(f"submission:{submission.pk}:system-error:operators")
    assert alert.recipients == [operator.email]
    assert f"/admin/certification/submission/{submission.pk}/change/" in alert.body_text
    assert OutboxMessage.objects.filter(key=f"submission:{submission.pk}:failure-report").exists()


def test_a_publisher_failure_sends_no_system_error_notice(submission, policies):
    _finding(submission, policies, policy=policies["100.5"])

    notify_failure_report(submission)

    assert not OutboxMessage.objects.filter(key__startswith=f"submission:{submission.pk}:system-error").exists()


def test_the_sign_off_request_has_the_preview_links_and_the_go_live_link(submission):
    links = [("Azure Marketplace preview", "http://127.0.0.1:8000/marketplace/preview/azure_marketplace/t0k/")]

    notify_signoff(submission, links)

    signoff = _message(f"submission:{submission.pk}:signoff")
    overview = f"{django_settings.SITE_URL}/offers/{submission.offer.pk}/"
    assert signoff.subject.startswith("Preview ready")
    assert f"- Azure Marketplace preview: {links[0][1]}" in signoff.body_text
    assert f"Go live: {overview}" in signoff.body_text
    assert f'<a href="{links[0][1]}">Azure Marketplace preview</a>' in signoff.body_html
    assert f'href="{overview}"' in signoff.body_html
    assert ">Go live</a>" in signoff.body_html


def test_the_live_confirmation_says_the_offer_is_live_with_its_overview_link(submission):
    notify_live(submission)

    live = _message(f"submission:{submission.pk}:live")
    assert '"Live"' in live.body_text
    assert f"/offers/{submission.offer.pk}/" in live.body_text
    assert "<strong>Live</strong>" in live.body_html


def test_the_stop_sell_confirmations_of_an_offer_and_of_a_plan(submission):
    offer = submission.offer
    plan = Plan.objects.create(offer=offer, plan_id="poc-basic", data={"name": "Basic PoC"})

    notify_stop_sell(offer, key="offer:stop")
    notify_stop_sell(offer, key="plan:stop", plan=plan)

    whole, one = _message("offer:stop"), _message("plan:stop")
    assert whole.subject == f"{offer.alias} is no longer available in the marketplace"
    assert "Not available in the marketplace" in whole.body_text
    assert "Existing customers keep their purchases." in whole.body_html
    assert one.subject == f"Plan poc-basic of {offer.alias} is no longer sold"
    assert "Basic PoC" in one.body_text
    assert "<code>poc-basic</code>" in one.body_html


def test_the_same_report_is_queued_once_however_often_it_is_asked_for(submission, policies):
    _finding(submission, policies, policy=policies["100.5"])

    notify_failure_report(submission)
    notify_failure_report(submission)
    notify_system_error(submission, [])
    notify_system_error(submission, [])

    assert OutboxMessage.objects.filter(key=f"submission:{submission.pk}:failure-report").count() == 1
    assert OutboxMessage.objects.filter(key=f"submission:{submission.pk}:system-error").count() == 1


def test_a_message_delivered_twice_reaches_the_smtp_server_once_with_both_parts(submission, policies, smtp_sink):
    _finding(submission, policies, policy=policies["100.5"])
    notify_failure_report(submission)
    report = _message(f"submission:{submission.pk}:failure-report")

    outbox_deliver_message(message_id=report.pk)
    outbox_deliver_message(message_id=report.pk)  # a redelivered task

    received = smtp_sink.wait_for(1, timeout=5)
    assert len(received) == 1
    message = received[0]["message"]
    assert sorted(received[0]["to"]) == report.recipients
    assert message["Subject"] == report.subject
    parts = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
    assert "Policy 100.5 Offer information" in parts["text/plain"]
    assert "<strong>Offer information</strong>" in parts["text/html"]
    report.refresh_from_db()
    assert (report.state, report.attempts) == (OutboxMessage.State.SENT, 1)


def test_a_refused_delivery_is_recorded_and_left_pending_for_the_retry(submission, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    notify_live(submission)
    live = _message(f"submission:{submission.pk}:live")

    with pytest.raises(ConnectionRefusedError):
        outbox_deliver_message(message_id=live.pk)

    live.refresh_from_db()
    assert (live.state, live.attempts) == (OutboxMessage.State.PENDING, 1)
    assert live.last_error
