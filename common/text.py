"""Small text helpers shared by the apps (pure functions, no database)."""

import hashlib
import re

from django.utils.text import slugify
from unidecode import unidecode

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^a-z0-9 ]+")


def collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def normalize_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key for matching titles and names."""
    ascii_text = unidecode(text or "").lower()
    return collapse_spaces(_NON_WORD.sub(" ", ascii_text))


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:length]


def slug_base(text: str, max_length: int = 80) -> str:
    return slugify(unidecode(text or ""))[:max_length].strip("-") or "item"
