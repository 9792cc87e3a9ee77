"""Signers: the headers a webhook carries, computed when it is sent (signatures and tokens expire).

An app that sends webhooks registers a signer by name in its ``AppConfig.ready()``; the outbox row names its signer
and carries what it needs in ``meta``. The outbox knows no secrets of its own.
"""

from collections.abc import Callable

from outbox.models import OutboxMessage

Signer = Callable[[OutboxMessage, bytes], dict[str, str]]

_SIGNERS: dict[str, Signer] = {}


class UnknownSigner(LookupError):
    """A message names a signer no app registered."""


def signer_register(name: str, sign: Signer) -> None:
    """Register ``sign(message, body) -> headers`` under ``name``; registering the same name again replaces it."""
    _SIGNERS[name] = sign


def signer_headers(message: OutboxMessage, body: bytes) -> dict[str, str]:
    """Return the headers the message's signer computes for this body; none for a message without a signer."""
    if not message.signer:
        return {}
    try:
        sign = _SIGNERS[message.signer]
    except KeyError:
        raise UnknownSigner(message.signer) from None
    return sign(message, body)
