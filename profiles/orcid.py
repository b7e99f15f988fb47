"""ORCID iD parsing and checksum (ISO 7064 MOD 11-2); pure code, no database."""

from __future__ import annotations

import re

from django import forms

# Where an iD on a record must have come from to prove anything: an import or an administrator.
# One typed by the profile's owner ("owner") or of unknown origin ("") is only their word.
IDENTITY_SOURCES = frozenset({"import", "admin"})

_ORCID = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/", "https://sandbox.orcid.org/")


def orcid_checksum(base_digits: str) -> str:
    """The check character for the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize_orcid(value: str) -> str | None:
    """``0000-0002-1825-0097`` from an iD or its URL in any common spelling; None if invalid."""
    text = (value or "").strip()
    for prefix in _PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
            break
    match = _ORCID.match(text.upper())
    if not match:
        return None
    digits = "".join(match.groups())
    if orcid_checksum(digits[:15]) != digits[15]:
        return None
    return "-".join(match.groups())


def orcid_cleaned(value: str) -> str:
    """The iD in its canonical form ("" when blank), or a form error naming the checksum."""
    if not value:
        return ""
    normalized = normalize_orcid(value)
    if normalized is None:
        raise forms.ValidationError(
            "Enter an ORCID iD like 0000-0002-1825-0097 (its last character is a checksum)."
        )
    return normalized
