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


def history_system_events(offer: Offer, events: list[tuple[str, str, dict]]) -> list[OfferEvent]:
    """Record several events of the system (no actor) in the offer's history in one INSERT, in the order given:
    ``(kind, message, data)`` each (the pipeline's "step succeeded" and the next "step started")."""
    return OfferEvent.objects.bulk_create(
        OfferEvent(offer=offer, kind=kind, actor=None, message=message, internal=False, data=data)
        for kind, message, data in events
    )
