"""The demo data of `make run` runs the real checks against the publisher sandbox, or says it did not run them."""

from io import StringIO

import pytest
from django.core.management import call_command

from certification.demo import DEMO_STATUSES
from certification.models import Finding, Step
from certification.services import publish_go_live
from offers.models import Offer
from tests.certification.support import drive

pytestmark = pytest.mark.django_db

CHECK_STEPS = ("purchase_flow", "lead_management", "content_checks", "functionality")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _load(monkeypatch, django_capture_on_commit_callbacks) -> list[int]:
    """Load the demo data, running what it hands over on commit; return the submissions sent to workers."""
    import certification.pipeline as pipeline

    handed_over = []

    class Advance:
        @staticmethod
        def apply_async(kwargs, countdown=0):
            handed_over.append(kwargs["submission_id"])

    monkeypatch.setattr(pipeline, "advance", Advance)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_data", stdout=StringIO())
    return handed_over


def _statuses() -> dict:
    return dict(Offer.objects.filter(offer_id__in=DEMO_STATUSES).values_list("offer_id", "status"))


def test_with_the_sandbox_the_demo_offers_reach_their_statuses_and_go_live_through_their_real_checks(
    publisher_sandbox, monkeypatch, django_capture_on_commit_callbacks
):
    handed_over = _load(monkeypatch, django_capture_on_commit_callbacks)

    assert _statuses() == DEMO_STATUSES
    assert not Finding.objects.filter(code="demo.not_run").exists()
    ran = Step.objects.filter(key__in=CHECK_STEPS, state=Step.State.SUCCEEDED)
    assert {step.key for step in ran} == set(CHECK_STEPS)
    assert {record["kind"] for record in publisher_sandbox.inbox.latest()} == {"lead", "webhook"}
    assert handed_over == []  # driven in the command: no task for the workers that would find nothing to do

    # The demo's Preview offer goes Live through Go live: the publish phase sends its own test lead to the sandbox.
    offer = Offer.objects.get(offer_id="contoso-data-platform")
    leads_before = _leads(publisher_sandbox)
    demo_owner = offer.account.memberships.get(user__email="owner@contoso.example").user
    drive(publish_go_live(offer_id=offer.pk, by=demo_owner).pk)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.LIVE
    assert _leads(publisher_sandbox) == leads_before + 1


def _leads(sandbox) -> int:
    return len([record for record in sandbox.inbox.latest() if record["kind"] == "lead"])


def test_without_a_sandbox_each_automated_check_is_recorded_as_not_run_never_as_passed(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.OUTBOUND_SANDBOX_URL = ""
    _load(monkeypatch, django_capture_on_commit_callbacks)

    assert _statuses() == DEMO_STATUSES
    checked = Step.objects.filter(key__in=CHECK_STEPS, state=Step.State.SUCCEEDED)
    assert checked.exists()
    for step in checked:
        assert step.findings.filter(code="demo.not_run", severity=Finding.Severity.WARNING).exists(), step.key
