"""Operators in admin: staff groups, re-drive and cancel through services, the policy catalogue, the outbox."""

import importlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certification.models import Policy, ReviewItem, Step, Submission
from certification.operations import staff_groups_ensure
from certification.services import submission_start
from offers.models import Offer
from outbox.models import OutboxMessage
from tests.certification.support import drive
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policies")]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Members are created with passwords; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _staff(group: str, email: str):
    user = UserFactory(is_staff=True, email=email)
    user.groups.add(staff_groups_ensure()[group])
    return user


@pytest.fixture
def operator(db):
    return _staff("Operators", "otto@portal.example")


@pytest.fixture
def operator_client(operator):
    browser = Client()
    browser.force_login(operator)
    return browser


@pytest.fixture
def reviewer_client(db):
    browser = Client()
    browser.force_login(_staff("Reviewers", "rita@portal.example"))
    return browser


def _stalled(submission: Submission) -> Step:
    step = submission.steps.order_by("order").first()
    stale = timezone.now() - timedelta(hours=1)
    Step.objects.filter(pk=step.pk).update(state=Step.State.RUNNING, run_token="dead", attempts=1, heartbeat_at=stale)
    return step


def _change(submission, view: str = "change") -> str:
    return reverse(f"admin:certification_submission_{view}", args=[submission.pk])


def _whole_change_form(**data) -> dict:
    """Return a change form POST that Django's change view accepts: empty management forms of the inlines."""
    for prefix in ("steps", "findings", "review_items"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def test_the_migration_creates_the_reviewers_and_operators_groups():
    Group.objects.filter(name__in=["Reviewers", "Operators"]).delete()  # a flush by a transactional test, or not
    migration = importlib.import_module("certification.migrations.0005_staff_groups")
    state = MigrationExecutor(connection).loader.project_state(("certification", "0005_staff_groups"))

    migration.groups_create(state.apps, None)

    reviewers = Group.objects.get(name="Reviewers")
    operators = Group.objects.get(name="Operators")
    codenames = set(reviewers.permissions.values_list("codename", flat=True))
    assert {"view_contentreviewitem", "claim_contentreviewitem", "decide_technicalreviewitem"} <= codenames
    assert {"view_submission", "view_policy", "view_offer"} <= codenames
    assert not reviewers.permissions.filter(content_type__app_label="offers").exclude(codename__startswith="view_")
    assert not reviewers.permissions.filter(codename__in=["change_submission", "change_policy"]).exists()
    assert {"change_policy", "add_policy", "change_submission", "change_outboxmessage"} <= set(
        operators.permissions.values_list("codename", flat=True)
    )


def test_an_operator_re_drives_a_stalled_submission_like_the_watchdog(
    operator_client, owner, consulting, django_capture_on_commit_callbacks
):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    step = _stalled(submission)

    with django_capture_on_commit_callbacks() as callbacks:
        response = operator_client.post(
            reverse("admin:certification_submission_changelist"),
            {"action": "redrive_submissions", "_selected_action": [submission.pk]},
        )

    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.state, step.run_token) == (Step.State.PENDING, "")
    assert len(callbacks) == 1  # the advance task, handed over on commit
    assert consulting.events.filter(kind="redriven", internal=True).exists()


def test_the_re_drive_button_runs_the_operator_service(operator_client, owner, consulting):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    step = _stalled(submission)

    page = operator_client.get(_change(submission)).content.decode()
    assert f'formaction="{_change(submission, "redrive")}"' in page

    response = operator_client.post(_change(submission, "redrive"))

    assert response.url == _change(submission)
    step.refresh_from_db()
    assert step.state == Step.State.PENDING


def test_a_submission_waiting_for_a_reviewer_is_not_re_driven(operator_client, owner, consulting):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    drive(submission.pk)

    response = operator_client.post(
        reverse("admin:certification_submission_changelist"),
        {"action": "redrive_submissions", "_selected_action": [submission.pk]},
        follow=True,
    )

    assert "Only a running submission can be re-driven" in response.content.decode()


def test_the_operator_sees_only_cancel_among_the_transitions_and_it_runs_the_service(
    operator_client, owner, consulting
):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    drive(submission.pk)
    submission.refresh_from_db()
    assert submission.state == Submission.State.WAITING_REVIEW

    page = operator_client.get(_change(submission)).content.decode()
    assert 'value="cancel"' in page
    assert f'formaction="{_change(submission, "cancel")}"' in page
    assert "Cancel publishing" in page
    for hidden in ("resume", "fail", "wait_for_signoff", "complete"):
        assert f'value="{hidden}"' not in page

    response = operator_client.post(_change(submission, "cancel"))

    assert response.url == _change(submission)
    submission.refresh_from_db()
    consulting.refresh_from_db()
    assert submission.state == Submission.State.CANCELLED
    assert consulting.status == Offer.Status.DRAFT
    assert ReviewItem.objects.get(submission=submission).state == ReviewItem.State.CANCELLED
    assert consulting.events.filter(kind="cancelled", message__contains="operators").exists()
    assert 'value="cancel"' not in operator_client.get(_change(submission)).content.decode()  # no longer cancellable


def test_an_operator_cancels_from_the_submission_page_and_the_offer_returns_to_its_previous_status(
    operator_client, owner, consulting
):
    Offer.objects.filter(pk=consulting.pk).update(status=Offer.Status.ATTENTION_NEEDED)
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    drive(submission.pk)

    response = operator_client.post(_change(submission, "cancel"), follow=True)

    assert "Cancelled: 1 submission(s)." in response.content.decode()
    submission.refresh_from_db()
    assert submission.state == Submission.State.CANCELLED
    assert Offer.objects.get(pk=consulting.pk).status == Offer.Status.ATTENTION_NEEDED
    assert consulting.events.filter(kind="cancelled", actor__email="otto@portal.example").exists()


def test_cancelling_a_submission_that_is_no_longer_cancellable_is_refused(operator_client, owner, consulting):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    drive(submission.pk)
    operator_client.post(_change(submission, "cancel"))

    response = operator_client.post(_change(submission, "cancel"), follow=True)

    assert f"#{submission.pk}: " in response.content.decode()
    submission.refresh_from_db()
    assert submission.state == Submission.State.CANCELLED


def test_a_bare_transition_posted_to_admin_changes_nothing(operator_client, owner, consulting):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    drive(submission.pk)

    operator_client.post(_change(submission), {"_fsm_transition_to": "fail"})
    whole = operator_client.post(_change(submission), _whole_change_form(_fsm_transition_to="resume"), follow=True)
    assert "This transition is not started from admin." in whole.content.decode()
    operator_client.post(reverse("admin:certification_submission_transition", args=[submission.pk, "resume"]))

    submission.refresh_from_db()
    assert submission.state == Submission.State.WAITING_REVIEW
    assert Offer.objects.get(pk=consulting.pk).status == Offer.Status.PUBLISH_IN_PROGRESS


def test_a_reviewer_can_read_a_submission_but_not_operate_it(reviewer_client, owner, consulting):
    submission = submission_start(offer_id=consulting.pk, by=owner.user)
    drive(submission.pk)

    page = reviewer_client.get(_change(submission))
    assert page.status_code == 200
    assert 'value="cancel"' not in page.content.decode()
    assert reviewer_client.post(_change(submission), {"_fsm_transition_to": "cancel"}).status_code == 403
    assert reviewer_client.post(_change(submission, "cancel")).status_code == 403
    assert reviewer_client.post(_change(submission, "redrive")).status_code == 403
    submission.refresh_from_db()
    assert submission.state == Submission.State.WAITING_REVIEW


def test_editing_a_policy_gist_bumps_its_version_and_a_flag_does_not(operator_client):
    policy = Policy.objects.get(number="100.1.1")
    url = reverse("admin:certification_policy_change", args=[policy.pk])
    form = {"section": policy.section_id, "title": policy.title, "gist": policy.gist, "active": "on"}

    operator_client.post(url, {**form, "gist": "The name says what the offer is, without keyword padding."})
    policy.refresh_from_db()
    assert policy.version == 2

    retired = {name: value for name, value in form.items() if name != "active"}
    operator_client.post(url, {**retired, "gist": policy.gist})  # a retired policy, same wording
    policy.refresh_from_db()
    assert (policy.version, policy.active) == (2, False)


def test_a_reviewer_cannot_edit_the_policy_catalogue(reviewer_client):
    policy = Policy.objects.get(number="100.1.1")
    url = reverse("admin:certification_policy_change", args=[policy.pk])
    response = reviewer_client.post(url, {"section": policy.section_id, "title": "Changed", "gist": "x"})
    assert response.status_code == 403
    policy.refresh_from_db()
    assert policy.title == "Title"


def test_an_operator_sends_a_failed_email_again(operator_client, django_capture_on_commit_callbacks):
    failed = OutboxMessage.objects.create(key="x:failed", recipients=["a@b.example"], state="failed", subject="s")
    sent = OutboxMessage.objects.create(key="x:sent", recipients=["a@b.example"], state="sent", subject="s")

    with django_capture_on_commit_callbacks() as callbacks:
        operator_client.post(
            reverse("admin:outbox_outboxmessage_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
        )

    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.state, sent.state) == ("pending", "sent")
    assert len(callbacks) == 1
