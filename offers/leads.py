"""Customer leads: the lead record sent to a publisher's destination, and sending a test lead."""

import secrets
import smtplib

from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from offers.models import Offer
from offers.outbound import OutboundResult, outbound_request

TEST_LEAD_PREFIX = "MSFT_TEST_"


def lead_payload(offer: Offer, *, lead_id: str, customer: dict, description: str = "") -> dict:
    """Return the JSON document of one lead, as the destination receives it."""
    return {
        "leadId": lead_id,
        "offerId": offer.offer_id,
        "offerType": offer.offer_type,
        "publisher": offer.account.name,
        "createdAt": timezone.now().isoformat(),
        "customer": customer,
        "description": description,
    }


def lead_test_id() -> str:
    return f"{TEST_LEAD_PREFIX}{secrets.randbelow(10**9):09d}"


def lead_test_payload(offer: Offer, lead_id: str | None = None) -> dict:
    return lead_payload(
        offer,
        lead_id=lead_id or lead_test_id(),
        customer={"name": "Test Lead", "email": "test.lead@marketplace.example", "company": "Marketplace"},
        description=_("A test lead to validate your lead destination. No action is needed."),
    )


def lead_deliver(setup: dict, payload: dict) -> OutboundResult:
    """Deliver a lead to the destination configured on the Offer setup page (HTTPS POST or email)."""
    destination = setup.get("leads_destination")
    if destination == "https" and setup.get("leads_https_url"):
        return outbound_request("POST", setup["leads_https_url"], json=payload)
    if destination == "email" and setup.get("leads_email"):
        lines = [f"{key}: {value}" for key, value in payload.items() if key != "customer"]
        lines += [f"customer.{key}: {value}" for key, value in payload["customer"].items()]
        try:
            send_mail(
                subject=_("New lead %(id)s for %(offer)s") % {"id": payload["leadId"], "offer": payload["offerId"]},
                message="\n".join(lines),
                from_email=None,
                recipient_list=[setup["leads_email"]],
            )
        except (OSError, smtplib.SMTPException) as error:
            return OutboundResult(False, None, _("The lead email could not be sent (%(error)s).") % {"error": error})
        return OutboundResult(True, None, _("The lead was emailed to %(email)s.") % {"email": setup["leads_email"]})
    return OutboundResult(False, None, _("No customer leads destination is configured."))
