"""Lead transport: send one lead to the destination of an Offer setup page (HTTPS POST or email)."""

import smtplib

from django.core.mail import send_mail
from django.utils.translation import gettext as _

from outbox.outbound import OutboundResult, outbound_request


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
