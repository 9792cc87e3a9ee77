"""Parse a JSON request body within a size and a nesting depth limit, refusing characters the database refuses.

Every view that reads a JSON body itself uses ``parse_json_body(request)``; it raises ``JsonBodyRefused`` (answer
400 with its message). The portal's middleware applies ``json_body_problem`` to every JSON request before any view
runs, so a view that reads JSON another way (Django REST framework's parser) is covered too.
"""

import json
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from safeinput.text import refused_character

JSON_BODY_MAX_BYTES = 1024 * 1024  # settings.JSON_BODY_MAX_BYTES overrides it
JSON_BODY_MAX_DEPTH = 32  # arrays and objects nested in each other; settings.JSON_BODY_MAX_DEPTH overrides it

# A JSON string (skipped whole, so brackets inside strings do not count), or one bracket.
_TOKEN = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[{]|[\]}]', re.DOTALL)


class JsonBodyRefused(ValueError):
    """The body is not acceptable JSON; ``code`` is stable (``too_large``, ``too_deep``, ``not_json``,
    ``refused_character``), the text says why in plain words."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def json_limits() -> tuple[int, int]:
    """Return (max bytes, max depth), read from settings at call time."""
    return (
        getattr(settings, "JSON_BODY_MAX_BYTES", JSON_BODY_MAX_BYTES),
        getattr(settings, "JSON_BODY_MAX_DEPTH", JSON_BODY_MAX_DEPTH),
    )


def json_depth(raw: bytes, *, stop_above: int | None = None) -> int:
    """Return how deeply arrays and objects nest in ``raw``, without parsing it (no recursion, linear time).

    With ``stop_above``, the count stops as soon as the depth passes it (a hostile body is refused at once).
    """
    if raw.count(b"[") + raw.count(b"{") <= (stop_above or 0):
        return raw.count(b"[") + raw.count(b"{")  # an upper bound already within the limit
    depth = deepest = 0
    for token in _TOKEN.finditer(raw):
        mark = token.group()[:1]
        if mark in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
            if stop_above is not None and deepest > stop_above:
                break
        elif mark in (b"]", b"}"):
            depth -= 1
    return deepest


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _strings(value: Any):
    """Yield every string of a parsed JSON value, keys included (iteratively: the depth is already bounded)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def json_loads_limited(raw: bytes | str, *, max_bytes: int | None = None, max_depth: int | None = None) -> Any:
    """Parse ``raw`` as JSON within the limits; raise JsonBodyRefused.

    Refused: more than ``max_bytes``; arrays and objects nested deeper than ``max_depth``; text that is not JSON
    (NaN and Infinity included, which PostgreSQL's jsonb refuses); a string holding NUL or a lone surrogate.
    """
    default_bytes, default_depth = json_limits()
    max_bytes = default_bytes if max_bytes is None else max_bytes
    max_depth = default_depth if max_depth is None else max_depth
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if len(data) > max_bytes:
        raise JsonBodyRefused(
            _("The JSON body is %(size)d bytes; at most %(limit)d are accepted.")
            % {"size": len(data), "limit": max_bytes},
            code="too_large",
        )
    if json_depth(data, stop_above=max_depth) > max_depth:
        raise JsonBodyRefused(
            _("The JSON body nests arrays and objects more than %(limit)d levels deep.") % {"limit": max_depth},
            code="too_deep",
        )
    try:
        value = json.loads(data, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise JsonBodyRefused(_("The body is not valid JSON."), code="not_json") from error
    for text in _strings(value):
        character = refused_character(text)
        if character:
            raise JsonBodyRefused(
                _("The JSON body holds the character %(character)s, which cannot be stored.")
                % {"character": character},
                code="refused_character",
            )
    return value


def parse_json_body(request, *, max_bytes: int | None = None, max_depth: int | None = None) -> Any:
    """Parse the request's body as JSON within the limits (settings by default); raise JsonBodyRefused.

    The declared Content-Length is judged before the body is read.
    """
    limit = json_limits()[0] if max_bytes is None else max_bytes
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise JsonBodyRefused(
            _("The JSON body is %(size)d bytes; at most %(limit)d are accepted.") % {"size": declared, "limit": limit},
            code="too_large",
        )
    return json_loads_limited(request.body, max_bytes=limit, max_depth=max_depth)


def json_body_problem(request) -> JsonBodyRefused | None:
    """Return what is wrong with a JSON request's body (size, depth, refused characters), or None.

    A body that is simply not JSON is left to the view, which answers it in its own words.
    """
    try:
        parse_json_body(request)
    except JsonBodyRefused as refused:
        return None if refused.code == "not_json" else refused
    return None
