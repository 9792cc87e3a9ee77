"""The history of a publisher account: record an event with its actor."""

from accounts.models import AccountEvent, PublisherAccount


def account_event_record(
    account: PublisherAccount, kind: str, *, actor=None, message: str = "", internal: bool = False, **data
) -> AccountEvent:
    """Record an event in the account's history; an empty actor means the system."""
    return AccountEvent.objects.create(
        account=account, kind=kind, actor=actor, message=str(message), internal=internal, data=data
    )
