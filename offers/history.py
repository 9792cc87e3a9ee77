"""The history of an offer: record an event with its actor."""

from offers.models import Offer, OfferEvent


def history_record(
    offer: Offer, kind: str, *, actor=None, message: str = "", internal: bool = False, **data
) -> OfferEvent:
    """Record an event in the offer's history; an empty actor means the system."""
    return OfferEvent.objects.create(offer=offer, kind=kind, actor=actor, message=message, internal=internal, data=data)
