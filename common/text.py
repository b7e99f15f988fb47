"""Small text helpers shared by the apps (pure functions, no database)."""

import hashlib
import re
from functools import lru_cache

from anyascii import anyascii
from django.utils.text import slugify

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
# From here on Unicode holds the CJK scripts, whose characters are whole syllables.
_SYLLABIC_FROM = 0x2E80


def collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1 << 14)
def _char_to_ascii(ch: str) -> str:
    ascii_text = anyascii(ch)
    if ord(ch) >= _SYLLABIC_FROM and len(ascii_text) > 1:
        return f" {ascii_text} "  # `王磊` -> ` Wang  Lei `: one word per syllable
    return ascii_text


def to_ascii(text: str) -> str:
    """Transliterate to ASCII (anyascii, ISC licensed): `Gödel` -> `Godel`, `王磊` -> `Wang Lei`."""
    if not text or text.isascii():
        return text or ""
    return "".join(ch if ch.isascii() else _char_to_ascii(ch) for ch in text)


def normalize_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key for matching titles and names."""
    ascii_text = to_ascii(text or "").lower()
    return collapse_spaces(_NON_WORD.sub(" ", ascii_text))


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:length]


def slug_base(text: str, max_length: int = 80, *, hash_when_cut: bool = False) -> str:
    """A slug for text, at most max_length long. With hash_when_cut, a slug that had to be cut
    ends in a short hash of the whole text, so two long names sharing a beginning stay apart."""
    slug = slugify(to_ascii(text or "")).strip("-")
    if len(slug) <= max_length or not hash_when_cut:
        return slug[:max_length].strip("-") or "item"
    if len(slug) > max_length:
        suffix = short_hash(text)
        slug = f"{slug[: max_length - len(suffix) - 1].strip('-')}-{suffix}"
    return slug or "item"
