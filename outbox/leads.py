"""Leads as outbox messages: a lead to an HTTPS endpoint POSTs its JSON payload; to an email address, it is an email."""

from django.utils.translation import gettext as _

from outbox.models import OutboxMessage


def lead_message_fields(setup: dict, payload: dict) -> dict | None:
    """Return the outbox row of a lead to the destination of an Offer setup page, or None when it names none.

    An HTTPS destination gets the payload POSTed as JSON; an email destination gets an email whose subject and
    text are rendered here, once, from the payload.
    """
    destination = setup.get("leads_destination")
    if destination == "https" and setup.get("leads_https_url"):
        return {
            "channel": OutboxMessage.Channel.LEAD_HTTPS,
            "recipients": [setup["leads_https_url"]],
            "subject": f"Lead {payload.get('leadId', '')}",
            "payload": payload,
        }
    if destination == "email" and setup.get("leads_email"):
        lines = [f"{key}: {value}" for key, value in payload.items() if key != "customer"]
        lines += [f"customer.{key}: {value}" for key, value in payload["customer"].items()]
        return {
            "channel": OutboxMessage.Channel.EMAIL,
            "recipients": [setup["leads_email"]],
            "subject": _("New lead %(id)s for %(offer)s") % {"id": payload["leadId"], "offer": payload["offerId"]},
            "body_text": "\n".join(lines),
            "payload": payload,
        }
    return None
