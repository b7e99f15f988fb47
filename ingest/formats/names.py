"""Person-name shape checks and the splitter for a title glued to its author list."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from common.text import LATEX_ACCENT, latex_accent_replace

from .canonical import clean_ws

# Lower-case name particles that may sit inside a name (`Laurens van der Maaten`).
PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "dei", "di", "da", "das", "dos", "du",
    "la", "le", "bin", "ibn", "al", "el", "ben", "ter", "ten", "zu", "y", "e", "af", "av",
})  # fmt: skip
SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"})
# Prefixes after which a capital is normal in a surname (McMillan, MacLeod, DeWitt, VanDyke).
CAMEL_PREFIXES = ("Mac", "Mc", "Fitz", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von")
APOSTROPHES = "'\u2019"
MAX_NAME_WORDS = 7
MAX_NAME_CHARS = 80
# How many comma-separated pieces, counted from the last non-name piece, may hold the glue.
MAX_GLUE_PIECES = 8
# Characters that end a title and are then glued to the first author (`Reflect?Shibani`).
CLOSING_PUNCT = frozenset('?!)]}"\u201d.')
# A first author starts with a given name or an initial, never with a particle.
FIRST_WORD_KINDS = ("plain", "camel", "initial")
# Splits scoring lower than this are refused: e.g. a lone capitalised word after a URL slash.
MIN_SCORE = 2


@dataclass(frozen=True)
class NameShape:
    """What a string looks like as a person name."""

    words: int  # given names and surnames, not counting particles, initials or suffixes
    camel: bool  # holds a word with an unexplained inner capital (`QuestionsPaul`)


def _segment_camel(segment: str) -> bool | None:
    """Check one capitalised piece of a name word; None if not name-like, else whether camel."""
    if len(segment) == 1 or segment[1].isupper():
        return None  # `LLaMA`, `RNNs`, `BERT`: acronyms are not names
    body = segment
    for prefix in CAMEL_PREFIXES:
        if body.startswith(prefix) and len(body) > len(prefix) and body[len(prefix)].isupper():
            body = body[len(prefix) :]
            break
    return any(body[j].isupper() and body[j - 1].islower() for j in range(1, len(body)))


# Lower-case elisions glued to a surname (`d'Alembert`, `al-Rashid`).
_ELISIONS = frozenset({"d", "l", "dell", "al", "el", "ad", "as", "bin", "ibn"})


@lru_cache(maxsize=1 << 16)  # names repeat a lot across a dump
def word_kind(word: str) -> str | None:
    """Classify one word of a name: particle, suffix, initial, plain, camel, or None."""
    if word in PARTICLES:
        return "particle"
    if word in SUFFIXES:
        return "suffix"
    letters = word.replace(".", "").replace("-", "")
    if letters and len(letters) <= 3 and letters.isalpha() and letters.isupper():
        if "." in word or len(letters) == 1:
            return "initial"  # `J.`, `J.R.`, `E` (as in `Rose E Wang`), `J.-P.`
        return None
    # Split on hyphens and apostrophes, remembering which separator precedes each piece.
    parts: list[tuple[str, str]] = []
    separator, current = "", ""
    for ch in word:
        if ch == "-" or ch in APOSTROPHES:
            parts.append((separator, current))
            separator, current = ch, ""
        else:
            current += ch
    parts.append((separator, current))
    camel = False
    for index, (_, segment) in enumerate(parts):
        if not segment.isalpha():
            return None
        followed_by_apostrophe = index + 1 < len(parts) and parts[index + 1][0] in APOSTROPHES
        if index == 0 and len(parts) > 1 and segment in _ELISIONS:
            continue
        if segment[0].islower():
            if index == 0:
                return None
            continue  # `Tzu-ming`, `Ng'ang'a`
        if not segment[0].isupper():
            continue  # caseless scripts carry no capitalisation signal
        if len(segment) == 1 and followed_by_apostrophe:
            continue  # `O'Brien`, `D'Amico`
        seg_camel = _segment_camel(segment)
        if seg_camel is None:
            return None
        camel = camel or seg_camel
    return "camel" if camel else "plain"


def name_shape(text: str) -> NameShape | None:
    """Return the shape of text if it looks like one person's name, else None."""
    if not text or len(text) > MAX_NAME_CHARS:
        return None
    words = text.split()
    if not 1 <= len(words) <= MAX_NAME_WORDS:
        return None
    kinds = [word_kind(w) for w in words]
    if None in kinds or not any(k in ("plain", "camel") for k in kinds):
        return None
    if kinds[-1] == "particle":
        return None
    # Particles and initials do not make a name long: `Ayşe A. van der Linde` has two words.
    core = sum(1 for k in kinds if k in ("plain", "camel"))
    return NameShape(words=core, camel="camel" in kinds)


@dataclass(frozen=True)
class TitleAuthors:
    """A title and author list recovered from glued text, with a confidence score."""

    title: str
    authors: list[str]
    score: int
    pos: int = 0  # where the first author starts in the text that was split


def _pieces(text: str) -> list[tuple[int, int, bool]]:
    """Split on commas into (start, end, had_and) spans, trimming spaces and a leading `and `."""
    spans: list[tuple[int, int, bool]] = []
    start = 0
    while True:
        comma = text.find(",", start)
        end = len(text) if comma < 0 else comma
        s, e = start, end
        while s < e and text[s] == " ":
            s += 1
        while e > s and text[e - 1] == " ":
            e -= 1
        had_and = spans != [] and text.startswith("and ", s)
        if had_and:
            s += 4
        spans.append((s, e, had_and))
        if comma < 0:
            break
        start = comma + 1
    # Two authors may be joined by a bare `and` (`Albert Gu and Tri Dao`).
    s, e, had_and = spans[-1]
    cut = text.rfind(" and ", s, e)
    if cut > s and name_shape(text[cut + 5 : e]):
        spans[-1] = (s, cut, had_and)
        spans.append((cut + 5, e, True))
    return spans


def _score(text: str, pos: int, first: NameShape) -> int:
    """Score a split of text at pos into title text[:pos] and a first author."""
    prev = text[pos - 1]
    score = 0
    if prev in CLOSING_PUNCT or (prev in APOSTROPHES and pos > 1 and text[pos - 2].islower()):
        score += 3
    elif prev.islower() or prev.isdigit():
        score += 1
    score += 0 if first.camel else 2
    if 2 <= first.words <= 4:
        score += 1
    elif first.words == 1:
        score -= 2
    else:
        score -= 1
    # `Samples!Yong|Ching Hong`: a title does not end in a word with `!`/`?` inside it.
    last_word = text[text.rfind(" ", max(0, pos - MAX_NAME_CHARS), pos) + 1 : pos]
    if any(ch in "?!" for ch in last_word[:-1]):
        score -= 2
    return score


def decode_accents_mapped(text: str) -> tuple[str, list[int]]:
    """Decode LaTeX accent commands and drop grouping braces (`{\\"O}zg\\"ur` -> `Özgür`), with
    the offset in text of every character of the result (one pass, no backtracking)."""
    out: list[str] = []
    origin: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and (match := LATEX_ACCENT.match(text, i)):
            out.append(latex_accent_replace(match))
            origin.append(i)
            i = match.end()
            continue
        if ch in "{}" and (i == 0 or text[i - 1] != "\\"):
            i += 1
            continue
        out.append(ch)
        origin.append(i)
        i += 1
    return "".join(out), origin


def split_title_authors(text: str) -> TitleAuthors | None:
    """Split `TITLEFirst Author, Second Author` at the glue point; None when no split fits.

    A first author written with LaTeX accents (`S\\'ebastien Bubeck`) is found in the decoded
    text; the title is still cut from the text as written, the authors are decoded."""
    if "\\" in text:
        decoded, origin = decode_accents_mapped(text)
        split = _split_title_authors(decoded)
        if split is not None:
            cut = origin[split.pos]
            while cut > 0 and text[cut - 1] == "{":
                cut -= 1  # `{\\"O}zg\\"ur`: the group opens the name, not the title
            return TitleAuthors(
                title=clean_ws(text[:cut]) or "", authors=split.authors, score=split.score, pos=cut
            )
    return _split_title_authors(text)


def _split_title_authors(text: str) -> TitleAuthors | None:
    if not text:
        return None
    spans = _pieces(text)
    index = len(spans) - 1
    while index >= 0 and name_shape(text[spans[index][0] : spans[index][1]]):
        index -= 1
    if index == len(spans) - 1 and spans[index][2]:
        return None  # the last piece follows `and` but is not a name
    left = max(index, 0)
    first_alnum = next((i for i, c in enumerate(text) if c.isalnum()), len(text))
    best: tuple[int, int, int] | None = None  # (score, -pos, piece)
    for k in range(left, min(left + MAX_GLUE_PIECES, len(spans))):
        # A piece after `, and` may still hold the glue: titles have lists too
        # (`Principles, Challenges, and Open QuestionsPaul Pu Liang`).
        start, end, _ = spans[k]
        for pos in range(max(start + 1, end - MAX_NAME_CHARS), end - 1):
            ch, prev, nxt = text[pos], text[pos - 1], text[pos + 1]
            if not ch.isupper() or prev.isspace() or prev == "-":
                continue
            if not (nxt.islower() or nxt == "." or nxt in APOSTROPHES):
                continue
            if prev in APOSTROPHES and not (pos > 1 and text[pos - 2].islower()):
                continue  # `O'Brien` keeps its capital
            first = name_shape(text[pos:end])
            if first is None or word_kind(text[pos:end].split()[0]) not in FIRST_WORD_KINDS:
                continue
            if pos <= first_alnum:
                continue  # the title would be empty or punctuation only
            candidate = (_score(text, pos, first), -pos, k)
            if best is None or candidate > best:
                best = candidate
    if best is None or best[0] < MIN_SCORE:
        return None
    score, neg_pos, k = best
    pos = -neg_pos
    authors = [clean_ws(text[pos : spans[k][1]]) or ""]
    authors += [clean_ws(text[s:e]) or "" for s, e, _ in spans[k + 1 :]]
    return TitleAuthors(title=clean_ws(text[:pos]) or "", authors=authors, score=score, pos=pos)
