"""Characters PostgreSQL refuses in text: NUL, and lone surrogates (not valid UTF-8, so never encodable)."""

import re

# NUL is refused by PostgreSQL's text and jsonb types; a lone surrogate (U+D800-U+DFFF) cannot be encoded in UTF-8.
_REFUSED = re.compile("[\x00\ud800-\udfff]")


def refused_character(value: str) -> str:
    """Return the first character of ``value`` that the database refuses, as ``U+0000``; "" when there is none."""
    found = _REFUSED.search(value)
    return f"U+{ord(found.group()):04X}" if found else ""
