"""Small text helpers shared by the apps (pure functions, no database)."""

import hashlib
import re
import unicodedata
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


# LaTeX, as BibTeX and hand-written listings carry it in names and titles.
_ACCENT_MARKS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331",
}  # fmt: skip
_LATEX_SYMBOLS = {
    "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
}  # fmt: skip
# `\"o`, `\"{o}`, `{\"o}`, `\'{\i}`, `\c c`, `\v{s}`: one accent command and its base letter.
LATEX_ACCENT = re.compile(
    r"""\\(["'`^~=.])\s*(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij]|[A-Za-z]))"""
    r"|\\([uvHckrdb])(?:\s*\{\s*(\\[ij]|[A-Za-z])\s*\}|\s+([A-Za-z]))"
)
# A control word ends at `{}` or swallows one following space, as in LaTeX (`Stra\\ss e`).
_SYMBOL = re.compile(r"\\(ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i|j)(?![A-Za-z])(?:\{\}|\s)?")
_ESCAPED = re.compile(r"\\([&%$#_{}])")


def latex_accent_replace(match: re.Match[str]) -> str:
    """Replace one LaTeX accent command with the composed unicode letter."""
    command = match.group(1) or match.group(4)
    base = match.group(2) or match.group(3) or match.group(5) or match.group(6)
    if base in ("\\i", "\\j"):
        base = base[1]  # dotless i/j carry the accent in LaTeX; unicode composes on plain i/j
    return unicodedata.normalize("NFC", base + _ACCENT_MARKS[command])


def latex_to_unicode(text: str) -> str:
    """Decode LaTeX accents, letter macros and grouping braces outside math mode."""
    parts = re.split(r"(?<!\\)(\$[^$]*\$)", text)
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 1:
            out.append(part)  # math mode is kept as written
            continue
        part = LATEX_ACCENT.sub(latex_accent_replace, part)
        part = _SYMBOL.sub(lambda m: _LATEX_SYMBOLS[m.group(1)], part)
        part = part.replace("~", "\u00a0")
        part = re.sub(r"(?<!\\)[{}]", "", part)
        part = _ESCAPED.sub(r"\1", part)
        out.append(part)
    return unicodedata.normalize("NFC", "".join(out))
