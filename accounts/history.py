"""The history of a publisher account: record an event with its actor."""

from accounts.actors import acting_label
from accounts.models import AccountEvent, PublisherAccount


def account_event_record(
    account: PublisherAccount, kind: str, *, actor=None, message: str = "", internal: bool = False, **data
) -> AccountEvent:
    """Record an event in the account's history; an empty actor means the system.

    An action taken through the API names its token too (``data["api_token"]``).
    """
    via = acting_label()
    if via and actor is not None:
        data.setdefault("api_token", via)
    return AccountEvent.objects.create(
        account=account, kind=kind, actor=actor, message=str(message), internal=internal, data=data
    )
