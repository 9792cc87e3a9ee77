"""Lead management validation and registration: a test lead reaches the configured destination once."""

import hashlib
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from certification.checks.base import Finding, StepContext, unverified_finding
from offers.leads import TEST_LEAD_PREFIX, lead_test_payload
from outbox.outbound import OutboundResult

POLICY = "100.5"
PAGE = "offer_setup"
SEND_NOW = "lead_send_now"  # ctx.extra key: (*, key, setup, payload) -> OutboundResult, sent once per key

LeadSendNow = Callable[..., OutboundResult]


def submission_test_lead_id(submission_id: int, phase: str) -> str:
    """Return the test lead's id: the same for every run of one submission's phase, so a re-run sends no new lead."""
    number = int(hashlib.sha256(f"{submission_id}:{phase}".encode()).hexdigest(), 16) % 10**9
    return f"{TEST_LEAD_PREFIX}{number:09d}"


def check_lead_management(ctx: StepContext) -> list[Finding]:
    """Deliver a test lead to the destination on the Offer setup page; refused or unreachable is a finding."""
    send_now: LeadSendNow | None = ctx.extra.get(SEND_NOW)
    if send_now is None:
        raise ImproperlyConfigured("check_lead_management needs ctx.extra['lead_send_now'] (send once per key).")
    setup = ctx.page(PAGE)
    destination = setup.get("leads_destination") or ""
    field = {"https": "leads_https_url", "email": "leads_email"}.get(destination, "leads_destination")
    payload = lead_test_payload(ctx.offer, lead_id=submission_test_lead_id(ctx.submission_id, ctx.phase))
    result = send_now(key=f"{ctx.key}:test-lead", setup=setup, payload=payload)
    if result.ok:
        return []
    if ctx.unverified(result):
        what = _("The test lead %(lead)s to your customer leads destination") % {"lead": payload["leadId"]}
        return [unverified_finding("leads.unverified", what, policy=POLICY, page=PAGE, field=field)]
    return [
        Finding(
            "leads.not_delivered",
            _("Your customer leads destination did not accept the test lead %(lead)s: %(detail)s")
            % {"lead": payload["leadId"], "detail": result.detail},
            policy=POLICY,
            page=PAGE,
            field=field,
        )
    ]
