"""ROR ids (Research Organization Registry): parsing and checksum; pure code, no database.

A ROR id is `0`, six Crockford base32 characters and a two-digit checksum computed from the
number those characters encode (``98 - n * 100 mod 97``, ISO 7064 MOD 97-10), e.g. ``00f54p054``.
"""

from __future__ import annotations

import re

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_ROR = re.compile(r"^0([0-9a-hjkmnp-tv-z]{6})(\d{2})$")
_PREFIXES = ("https://ror.org/", "http://ror.org/", "ror.org/", "ror:")


def ror_checksum(encoded: str) -> str:
    """The two check digits of the six base32 characters of a ROR id."""
    number = 0
    for char in encoded:
        number = number * 32 + _CROCKFORD.index(char)
    return f"{98 - (number * 100) % 97:02d}"


def normalize_ror(value: str | None) -> str | None:
    """``00f54p054`` from a ROR id or its URL in any common spelling; None if invalid."""
    text = (value or "").strip().lower()
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    match = _ROR.match(text.rstrip("/"))
    if not match or ror_checksum(match.group(1)) != match.group(2):
        return None
    return match.group(0)


def ror_url(ror_id: str) -> str:
    return f"https://ror.org/{ror_id}"
