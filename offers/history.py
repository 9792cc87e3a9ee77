"""The history of an offer: record an event with its actor."""

from accounts.actors import acting_label
from offers.models import Offer, OfferEvent


def history_record(
    offer: Offer, kind: str, *, actor=None, message: str = "", internal: bool = False, **data
) -> OfferEvent:
    """Record an event in the offer's history; an empty actor means the system.

    An action taken through the API names its token too (``data["api_token"]``): "API token <name>, created by …".
    """
    via = acting_label()
    if via and actor is not None:
        data.setdefault("api_token", via)
    return OfferEvent.objects.create(offer=offer, kind=kind, actor=actor, message=message, internal=internal, data=data)
