"""Author-name normalisation and comparison (pure: plain strings in, plain values out).

A written name is decoded (LaTeX accent escapes), parsed with nameparser ("Last, First"
order, particles such as ``van der``, suffixes, titles), transliterated with unidecode and
reduced to a :class:`ParsedName`: given-name tokens (full names or one-letter initials) and
a family name. Two names can refer to the same person only when their family names agree
and their given-name sequences are compatible (``T. B.`` ~ ``Tatsunori`` ~ ``Tatsunori B.``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nameparser import HumanName
from pylatexenc.latex2text import LatexNodes2Text
from unidecode import unidecode

from common.text import collapse_spaces, normalize_key

# Lower-case words that belong to a family name without being its distinctive part; a
# blocking key drops them so that `L. van der Maaten` and `Laurens Maaten` meet.
PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "dei", "di", "da", "das", "dos", "du",
    "la", "le", "las", "los", "bin", "ibn", "al", "el", "ben", "ter", "ten", "zu", "af", "av",
    "y", "e", "degli", "dello", "delle", "d", "l", "st", "saint",
})  # fmt: skip
# Family names shared by very many researchers: an identical full name is weak evidence.
COMMON_FAMILY_NAMES = frozenset({
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
    "ma", "zhu", "hu", "guo", "he", "lin", "gao", "luo", "zheng", "liang", "xie", "song", "tang",
    "han", "feng", "deng", "cao", "peng", "zeng", "xiao", "tian", "dong", "pan", "yuan", "cai",
    "jiang", "yu", "du", "ye", "cheng", "wei", "su", "lu", "ding", "ren", "shen", "yao", "jin",
    "kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim",
    "nguyen", "tran", "le", "pham", "hoang", "phan", "vu", "dang", "bui", "do",
    "singh", "kumar", "sharma", "gupta", "patel", "shah", "khan", "ali", "ahmed", "das", "roy",
    "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez",
    "martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson", "taylor", "thomas",
    "moore", "martin", "white", "clark", "lewis", "walker", "hall", "young", "allen", "wright",
    "sato", "suzuki", "takahashi", "tanaka", "watanabe", "ito", "yamamoto", "nakamura",
    "muller", "schmidt", "schneider", "fischer", "weber", "meyer", "wagner", "silva", "santos",
})  # fmt: skip
# Footnote and affiliation markers glued to names in author lists (`Jane Doe*`, `Li Wei1,2`).
_MARKERS = re.compile(r"(?:[\s]*[*\u2020\u2021\u00a7\u00b6#\u2217]+|\d+(?:,\d+)*)+$")
_LATEX_HINT = re.compile(r"[\\{}]")
_INITIALS_ONLY = re.compile(r"^[A-Z]{1,3}$")
_NON_LETTER = re.compile(r"[^a-z]+")
_ROMAN_AND_SUFFIXES = frozenset({"II", "III", "IV", "JR", "SR"})
_latex = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


def latex_to_unicode(text: str) -> str:
    """Decode LaTeX accent escapes (``G{\\"o}del`` -> ``Gödel``); other text is left alone."""
    if not text or not _LATEX_HINT.search(text):
        return text or ""
    try:
        return _latex.latex_to_text(text)
    except Exception:  # malformed LaTeX: keep what was written rather than lose the name
        return text


def clean_display_name(name: str) -> str:
    """The name as we show it: LaTeX decoded, whitespace collapsed, stray punctuation trimmed."""
    text = collapse_spaces(latex_to_unicode(name or "")).strip(" ,;·")
    return _MARKERS.sub("", text).strip(" ,;·")


@dataclass(frozen=True)
class ParsedName:
    """A name reduced for comparison: lower-case ASCII given tokens and family name."""

    given: tuple[str, ...]  # first name then middle names; a one-letter token is an initial
    family: str  # particles kept, words separated by single spaces (`van der maaten`)
    suffix: str = ""  # `jr`, `iii`, ...

    @property
    def first_initial(self) -> str:
        return self.given[0][0] if self.given else ""

    @property
    def has_full_first_name(self) -> bool:
        return bool(self.given) and len(self.given[0]) > 1

    @property
    def family_key(self) -> str:
        """The distinctive part of the family name, particles dropped, no spaces."""
        words = self.family.split()
        kept = [word for word in words if word not in PARTICLES] or words
        return "".join(kept)

    @property
    def block_key(self) -> str:
        """Candidate blocking key: family name plus first initial (``hashimoto t``)."""
        return f"{self.family_key} {self.first_initial}".strip()

    @property
    def key(self) -> str:
        """Exact-match key in natural order: ``tatsunori b hashimoto``."""
        return " ".join([*self.given, self.family, *([self.suffix] if self.suffix else [])]).strip()

    @property
    def is_common(self) -> bool:
        return self.family_key in COMMON_FAMILY_NAMES


def _ascii_words(text: str) -> list[str]:
    return [word for word in _NON_LETTER.split(unidecode(text).lower()) if word]


def _given_tokens(first: str, middle: str) -> tuple[str, ...]:
    """Split given names into tokens: `J.R.R.` -> j r r, `Jean-Pierre` -> jean pierre, `TB` -> t b."""
    tokens: list[str] = []
    for word in f"{first} {middle}".split():
        bare = word.replace(".", "")
        if _INITIALS_ONLY.match(bare):
            tokens.extend(bare.lower())  # `TB`, `J.R.`: each capital is an initial
            continue
        for piece in re.split(r"[.\-\u2010\u2011]+", word):
            tokens.extend(_ascii_words(piece))
    return tuple(tokens)


def _reorder_family_first(text: str) -> str:
    """`Smith J` / `Hashimoto TB` (family name then initials, no comma) -> `J Smith`.

    Only for two words with at most two capitals at the end: `Jin Ho KIM` keeps its order.
    """
    words = text.split()
    if len(words) != 2 or words[-1].upper().strip(".") in _ROMAN_AND_SUFFIXES:
        return text
    initials = words[-1].replace(".", "")
    if len(initials) <= 2 and _INITIALS_ONLY.match(initials) and not _INITIALS_ONLY.match(words[0]):
        return f"{words[-1]} {words[0]}"
    return text


def _split_suffix_comma(text: str) -> str:
    """`Smith, Jr., John` -> `John Smith, Jr.` (nameparser reads the first form wrongly)."""
    pieces = [piece.strip() for piece in text.split(",")]
    if len(pieces) == 3 and pieces[1].lower().strip(".") in {"jr", "sr", "ii", "iii", "iv"}:
        return f"{pieces[2]} {pieces[0]}, {pieces[1]}"
    return text


@lru_cache(maxsize=1 << 15)  # the same names come back in every author list
def parse_name(name: str) -> ParsedName:
    text = clean_display_name(name)
    if not text:
        return ParsedName(given=(), family="")
    if text.isupper() and len(text) > 3:
        text = text.title()  # `JOHN SMITH`: capitals are not initials here
    if "," not in text:
        text = _reorder_family_first(text)
    text = _split_suffix_comma(text)
    human = HumanName(text)
    first, middle, last = human.first, human.middle, human.last
    if not last and first and not middle:
        return ParsedName(given=(), family=" ".join(_ascii_words(first)))  # a mononym (`Mausam`)
    if not last:
        last, middle = middle.split()[-1], " ".join(middle.split()[:-1])
    suffix = " ".join(_ascii_words(human.suffix))
    return ParsedName(given=_given_tokens(first, middle), family=" ".join(_ascii_words(last)), suffix=suffix)


def name_key(name: str) -> str:
    """Exact-match key in natural order: ``Hashimoto, Tatsunori B.`` -> ``tatsunori b hashimoto``."""
    parsed = parse_name(name)
    return parsed.key or normalize_key(clean_display_name(name))


def block_key(name: str) -> str:
    return parse_name(name).block_key


def natural_order(name: str) -> str:
    """Display form in given-then-family order (``Hashimoto, Tatsunori`` -> ``Tatsunori Hashimoto``)."""
    text = clean_display_name(name)
    if "," not in text:
        return _reorder_family_first(text)
    human = HumanName(_split_suffix_comma(text))
    if not human.last or not human.first:
        return text
    parts = [human.first, human.middle, human.last]
    ordered = " ".join(part for part in parts if part)
    return f"{ordered}, {human.suffix}" if human.suffix else ordered


def _tokens_match(first: str, second: str) -> bool:
    if first == second:
        return True
    if len(first) == 1:
        return second.startswith(first)
    if len(second) == 1:
        return first.startswith(second)
    return False


def _subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Whether every token of short matches, in order, some token of long."""
    if not short:
        return True
    if len(short) > len(long):
        return False
    if _tokens_match(short[0], long[0]) and _subsequence(short[1:], long[1:]):
        return True
    return _subsequence(short, long[1:])


def given_compatible(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """Given names that one person could write both ways: the first names agree (an initial
    agrees with any name it starts), and the shorter list of middle names fits in order into
    the longer one. ``Tatsunori B.`` ~ ``Tatsunori`` ~ ``T.``; ``Xiang Lisa`` !~ ``Xuechen``."""
    if not first or not second:
        return first == second
    if not _tokens_match(first[0], second[0]):
        # `Tzu-ming` written `Tzuming`: the same letters once the split is undone.
        full = all(len(token) > 1 for token in first + second)
        return full and "".join(first) == "".join(second)
    short, long = sorted((first[1:], second[1:]), key=len)
    return _subsequence(short, long)


def name_relation(first: ParsedName, second: ParsedName) -> str | None:
    """How two parsed names relate: ``exact`` (same full given names), ``full`` (same first name,
    middle names differ only by omission or initials), ``initial`` (a first name is only an
    initial), or None when they cannot be the same person."""
    if not first.family or first.family_key != second.family_key:
        return None
    if first.suffix and second.suffix and first.suffix != second.suffix:
        return None  # `John Smith Jr.` and `John Smith Sr.` are two people
    if not given_compatible(first.given, second.given):
        return None
    if not first.given:
        return "exact" if first.family == second.family else "initial"
    if not (first.has_full_first_name and second.has_full_first_name):
        return "initial"
    if first.given == second.given or "".join(first.given) == "".join(second.given):
        return "exact"
    return "full"


def names_compatible(first: str, second: str) -> bool:
    """Whether two written names could be the same person (``T. Hashimoto`` ~ ``Tatsunori B. Hashimoto``)."""
    return name_relation(parse_name(first), parse_name(second)) is not None
