"""Lead management validation and registration: the MSFT_TEST_ lead reaches the destination, once per key."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from certification.checks.base import StepContext
from certification.checks.leads import check_lead_management, submission_test_lead_id
from certification.steps import has_leads as leads_applies
from offers.demo import offer_fill_all
from offers.snapshots import snapshot_build
from outbox.models import OutboxMessage
from outbox.services import outbox_send_now
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db


def _context(owner, setup: dict, *, send_now=outbox_send_now, submission_id=9, phase="automated_validation"):
    offer = OfferFactory(account=owner.account, offer_type="consulting", offer_id="lead-check")
    offer_fill_all(offer, owner.user)
    snapshot = snapshot_build(offer)
    snapshot["pages"]["offer_setup"].update(setup)
    return StepContext(
        submission_id=submission_id,
        snapshot=snapshot,
        account=owner.account,
        offer=offer,
        phase=phase,
        step_key="lead_management",
        extra={"lead_send_now": send_now} if send_now else {},
    )


def _https(endpoint) -> dict:
    return {"leads_destination": "https", "leads_https_url": endpoint.url("/leads")}


def test_the_endpoint_receives_the_test_lead_as_json_and_the_check_passes(owner, https_endpoint):
    assert check_lead_management(_context(owner, _https(https_endpoint))) == []
    [received] = https_endpoint.received("POST", "/leads")
    assert received["json"]["leadId"].startswith("MSFT_TEST_")
    assert received["json"]["offerId"] == "lead-check"
    assert received["headers"]["Content-Type"] == "application/json"


def test_running_the_check_twice_through_the_outbox_sends_the_lead_once(owner, https_endpoint):
    ctx = _context(owner, _https(https_endpoint))
    assert check_lead_management(ctx) == []
    assert check_lead_management(ctx) == []
    assert len(https_endpoint.received("POST", "/leads")) == 1
    message = OutboxMessage.objects.get(key=f"{ctx.key}:test-lead")
    assert (message.channel, message.state, message.attempts) == ("lead_https", "sent", 1)


def test_a_rerun_sends_the_same_lead_id(owner, https_endpoint):
    ctx = _context(owner, _https(https_endpoint))
    https_endpoint.status = 500
    assert check_lead_management(ctx)  # refused: the outbox records the failure, nothing is sent yet
    https_endpoint.status = 200
    assert check_lead_management(ctx) == []  # the re-run sends the lead again, under the same key
    ids = [request["json"]["leadId"] for request in https_endpoint.received("POST", "/leads")]
    assert ids == [submission_test_lead_id(9, "automated_validation")] * 2


def test_each_phase_of_a_submission_has_its_own_test_lead():
    assert submission_test_lead_id(9, "automated_validation") == submission_test_lead_id(9, "automated_validation")
    assert submission_test_lead_id(9, "automated_validation") != submission_test_lead_id(9, "publish")
    assert submission_test_lead_id(9, "publish") != submission_test_lead_id(10, "publish")


def test_an_endpoint_answering_500_fails_on_the_https_url_field(owner, https_endpoint):
    https_endpoint.status = 500
    [finding] = check_lead_management(_context(owner, _https(https_endpoint)))
    assert (finding.code, finding.policy, finding.page, finding.field) == (
        "leads.not_delivered",
        "100.5",
        "offer_setup",
        "leads_https_url",
    )
    assert "500" in finding.message


def test_a_plain_http_endpoint_is_refused_without_a_request_reaching_it(owner, http_endpoint):
    setup = {"leads_destination": "https", "leads_https_url": http_endpoint.url("/leads")}
    [finding] = check_lead_management(_context(owner, setup))
    assert finding.field == "leads_https_url"
    assert http_endpoint.requests == []


def test_an_email_destination_receives_the_test_lead_by_email(owner, smtp_sink):
    setup = {"leads_destination": "email", "leads_email": "sales@contoso.example", "leads_https_url": ""}
    assert check_lead_management(_context(owner, setup)) == []
    [message] = smtp_sink.wait_for(1)
    assert message["to"] == ["sales@contoso.example"]
    assert "MSFT_TEST_" in message["message"]["Subject"]


def test_an_email_that_cannot_be_sent_fails_on_the_email_field(owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    setup = {"leads_destination": "email", "leads_email": "sales@contoso.example", "leads_https_url": ""}
    [finding] = check_lead_management(_context(owner, setup))
    assert (finding.field, finding.policy) == ("leads_email", "100.5")


def test_the_check_needs_a_send_function_wired_by_the_pipeline(owner, https_endpoint):
    with pytest.raises(ImproperlyConfigured):
        check_lead_management(_context(owner, _https(https_endpoint), send_now=None))


def test_the_step_applies_only_with_a_leads_destination():
    assert leads_applies({"pages": {"offer_setup": {"leads_destination": "https"}}})
    assert not leads_applies({"pages": {"offer_setup": {"leads_destination": ""}}})
