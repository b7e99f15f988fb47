"""Author-name normalisation and comparison (pure: plain strings in, plain values out).

A written name is decoded (LaTeX accent escapes), split into given names and a family name by a
small parser of our own ("Last, First" order, particles such as ``van der``, suffixes,
organisations), transliterated with anyascii and reduced to a :class:`ParsedName`: given-name
tokens (full names or one-letter initials) and a family name. Two names can refer to the same
person only when their family names agree and their given-name sequences are compatible
(``T. B.`` ~ ``Tatsunori`` ~ ``Tatsunori B.``).

Every routine here makes a bounded number of passes over its input (no backtracking regular
expressions): names come from untrusted imports and are cleaned inside web requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from common.text import collapse_spaces, normalize_key, to_ascii
from common.text import latex_to_unicode as _decode_latex

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
_MARKER_CHARS = frozenset("*\u2020\u2021\u00a7\u00b6#\u2217")
_LATEX_HINT = re.compile(r"[\\{}]")
_INITIALS_ONLY = re.compile(r"^[A-Z]{1,3}$")
_NON_LETTER = re.compile(r"[^a-z]+")
_ROMAN_AND_SUFFIXES = frozenset({"II", "III", "IV", "JR", "SR"})
# Capitalised particles read as part of the family name inside a name (`Jean-Claude Van Damme`);
# the first word is always a given name (`De Cheng`, `Da Chen`, `Van Anh Nguyen`, `Bin Wang`).
_INNER_PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "das", "la", "le",
    "ter", "ten",
})  # fmt: skip
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_TITLES = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms"})
# A word that makes an author-list entry an organisation, not a person (`The ATLAS Collaboration`).
_ORGANISATION_WORDS = frozenset({
    "collaboration", "consortium", "team", "group", "project", "initiative", "network",
    "laboratory", "lab", "labs", "inc", "ltd", "llc", "corporation", "corp", "company",
    "university", "institute", "committee", "council", "society", "association", "foundation",
    "organization", "organisation", "alliance", "working", "taskforce", "contributors",
})  # fmt: skip
# Entries of an author list that name nobody: stray separators and list words.
_NOT_NAMES = frozenset({"and", "&", "et al", "et al.", "others", "and others", "et. al."})


def latex_to_unicode(text: str) -> str:
    """Decode LaTeX accent escapes (``G{\\"o}del`` -> ``Gödel``); other text is left alone."""
    if not text or not _LATEX_HINT.search(text):
        return text or ""
    return _decode_latex(text)


def clean_display_name(name: str) -> str:
    """The name as we show it: LaTeX decoded, whitespace collapsed, stray punctuation trimmed."""
    text = collapse_spaces(latex_to_unicode(name or "")).strip(" ,;·")
    return strip_markers(text).strip(" ,;·")


def strip_markers(text: str) -> str:
    """Drop trailing footnote markers (`*`, `†`, optionally after spaces) and affiliation numbers
    (`1,2`), scanning once from the right: a regular expression for this backtracked
    exponentially on names ending in long digit runs."""
    end = len(text)
    while end:
        ch = text[end - 1]
        if ch in _MARKER_CHARS:
            while end and text[end - 1] in _MARKER_CHARS:
                end -= 1
            while end and text[end - 1].isspace():
                end -= 1
        elif ch.isdecimal():
            while end and text[end - 1].isdecimal():
                end -= 1
            if end >= 2 and text[end - 1] == "," and text[end - 2].isdecimal():
                end -= 1  # `1,2`: the comma between two affiliation numbers
        else:
            break
    return text[:end]


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

    @cached_property  # parsed names are cached and compared millions of times in a big import
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
    return [word for word in _NON_LETTER.split(to_ascii(text).lower()) if word]


def _given_tokens(given: str) -> tuple[str, ...]:
    """Split given names into tokens: `J.R.R.` -> j r r, `Jean-Pierre` -> jean pierre, `TB` -> t b."""
    tokens: list[str] = []
    for word in given.split():
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


def _has_letter(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def is_name_entry(name: str) -> bool:
    """Whether an author-list entry names anyone: not a stray `:`, `,`, `;` or `and`."""
    text = clean_display_name(name)
    return _has_letter(text) and text.lower() not in _NOT_NAMES


def is_organisation(text: str) -> bool:
    """Whether a cleaned author-list entry is an organisation (`The ATLAS Collaboration`)."""
    words = text.split()
    return len(words) > 1 and any(word.lower().strip(".,") in _ORGANISATION_WORDS for word in words)


def _is_suffix(word: str) -> bool:
    return word.lower().strip(".") in _SUFFIXES


@dataclass(frozen=True)
class _Parts:
    """A name split into words as written: given names, family name, suffix."""

    given: list[str]
    family: list[str]
    suffix: str


def _family_start(words: list[str]) -> int:
    """Index of the first family-name word of a name in natural order (at least 1 when possible).

    The family name is the last word plus the particles right before it (`van der Maaten`,
    `de Rijke`); the first word always stays a given name, even if it looks like a particle."""
    start = len(words) - 1
    while start > 1:
        word = words[start - 1]
        lower = word.lower()
        lower_particle = word.islower() and lower in PARTICLES
        inner_particle = lower in _INNER_PARTICLES and word[:1].isupper() and len(word) > 1
        if not (lower_particle or inner_particle):
            break
        start -= 1
    return start


def _split_natural(words: list[str]) -> _Parts:
    suffix = ""
    if len(words) > 2 and _is_suffix(words[-1]):
        suffix, words = words[-1], words[:-1]
    if len(words) > 2 and words[0].lower().strip(".") in _TITLES:
        words = words[1:]  # `Dr. Jane Doe`
    if len(words) == 1:
        return _Parts(given=[], family=words, suffix=suffix)
    start = _family_start(words)
    return _Parts(given=words[:start], family=words[start:], suffix=suffix)


def _split_parts(text: str) -> _Parts:
    """Split a cleaned name into given names, family name and suffix, in one pass over it.

    `Smith, John` and `Smith, Jr., John` are family-first; `John Smith, Jr.` and `John Smith`
    natural order. Only words holding a letter or digit count: stray punctuation is dropped."""
    pieces = [piece.split() for piece in text.split(",")]
    pieces = [[w for w in piece if _has_letter(w) or any(c.isdigit() for c in w)] for piece in pieces]
    pieces = [piece for piece in pieces if piece]
    if not pieces:
        return _Parts(given=[], family=[], suffix="")
    suffixes = [piece[0] for piece in pieces[1:] if len(piece) == 1 and _is_suffix(piece[0])]
    rest = [
        piece
        for index, piece in enumerate(pieces)
        if index == 0 or not (len(piece) == 1 and _is_suffix(piece[0]))
    ]
    suffix = " ".join(suffixes)
    if len(rest) == 1:
        parts = _split_natural(rest[0])
        return _Parts(parts.given, parts.family, suffix or parts.suffix)
    family, given = rest[0], rest[1]
    # `Maaten, Laurens van der`: particles after the given names belong to the family name.
    cut = len(given)
    while cut > 1 and given[cut - 1].islower() and given[cut - 1] in PARTICLES:
        cut -= 1
    return _Parts(given=given[:cut], family=given[cut:] + family, suffix=suffix)


@lru_cache(maxsize=1 << 15)  # the same names come back in every author list
def parse_name(name: str) -> ParsedName:
    text = clean_display_name(name)
    if not text or not _has_letter(text) or text.lower() in _NOT_NAMES:
        return ParsedName(given=(), family="")  # `:`, `and`: nobody
    if is_organisation(text):
        return ParsedName(given=(), family=" ".join(_ascii_words(text)))
    if text.isupper() and len(text) > 3:
        text = text.title()  # `JOHN SMITH`: capitals are not initials here
    if "," not in text:
        text = _reorder_family_first(text)
    parts = _split_parts(text)
    family = " ".join(_ascii_words(" ".join(parts.family)))
    given = _given_tokens(" ".join(parts.given))
    if not family and given:
        family, given = given[-1], given[:-1]  # a family name of symbols only: use the last given
    suffix = " ".join(_ascii_words(parts.suffix))
    return ParsedName(given=given, family=family, suffix=suffix)


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
    if is_organisation(text):
        return text
    parts = _split_parts(text)
    if not parts.given or not parts.family:
        return text
    ordered = " ".join(parts.given + parts.family)
    return f"{ordered}, {parts.suffix}" if parts.suffix else ordered


def _tokens_match(first: str, second: str) -> bool:
    if first == second:
        return True
    if len(first) == 1:
        return second.startswith(first)
    if len(second) == 1:
        return first.startswith(second)
    return False


def _subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Whether every token of short matches, in order, some token of long.

    Greedy (each token takes the first fitting one) is exact here and takes one pass; the
    recursive search it replaces was exponential in the number of middle names."""
    position = 0
    for token in short:
        while position < len(long) and not _tokens_match(token, long[position]):
            position += 1
        if position == len(long):
            return False
        position += 1
    return True


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
