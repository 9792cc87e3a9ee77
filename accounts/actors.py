"""The API token an action is taken with, for the length of one API request, so history names it as the actor."""

import contextvars
from contextlib import contextmanager

from accounts.models import ApiToken

_acting_token: contextvars.ContextVar[ApiToken | None] = contextvars.ContextVar("acting_token", default=None)


@contextmanager
def acting_with(token: ApiToken):
    """Within the block, history records the actions as taken with the token (``acting_label``)."""
    reset = _acting_token.set(token)
    try:
        yield token
    finally:
        _acting_token.reset(reset)


def acting_label() -> str:
    """Return how history names the token the current action is taken with, or "" (not through the API)."""
    token = _acting_token.get()
    return token.actor_label if token is not None else ""
