"""Customer leads: the lead record sent to a publisher's destination, and the test lead."""

import secrets

from django.utils import timezone
from django.utils.translation import gettext as _

from offers.models import Offer

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
