"""The canonical record every parser produces, plus helpers shared by the format modules."""

from __future__ import annotations

import bisect
import calendar
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from profiles.orcid import normalize_orcid
from profiles.ror import normalize_ror

# Line-based formats refuse lines longer than this: no real title or abstract comes near it,
# and refusing early keeps every per-line step cheap on hostile input.
MAX_LINE_CHARS = 100_000

CANONICAL_KEYS: tuple[str, ...] = (
    "title",
    "authors",
    "authors_truncated",
    "authors_more",
    "institutions",
    "abstract",
    "arxiv_id",
    "doi",
    "date",
    "category",
    "score",
    "has_code",
    "venue",
    "kind",
    "source",
    "line_start",
    "line_end",
)
# Identifier keys (canonical format version 2): written only when the source gave a value,
# so records without identifiers, and files written before they existed, look as they did.
IDENTIFIER_KEYS: tuple[str, ...] = (
    "author_ids",
    "institution_ids",
    "cited_by_count",
    "cited_by_count_source",
    "cited_by_count_date",
)
ALL_KEYS: tuple[str, ...] = CANONICAL_KEYS + IDENTIFIER_KEYS


@dataclass
class CanonicalRecord:
    """One paper as the importer sees it; unknown values are None or empty."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    authors_truncated: bool = False
    authors_more: int | None = None
    institutions: list[str] = field(default_factory=list)
    abstract: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    date: str | None = None
    category: str | None = None
    score: float | None = None
    has_code: bool | None = None
    venue: str | None = None
    kind: str | None = None
    source: str | None = None
    line_start: int | None = None
    line_end: int | None = None
    # One object per author, in the order of `authors` (`{"orcid": "0000-0002-1825-0097"}`,
    # `{}` when that author has none); empty when no author has an identifier.
    author_ids: list[dict[str, str]] = field(default_factory=list)
    # One object per institution, in the order of `institutions` (`{"ror": "00f54p054"}`).
    institution_ids: list[dict[str, str]] = field(default_factory=list)
    cited_by_count: int | None = None
    cited_by_count_source: str | None = None  # who counted: `OpenAlex`, `Crossref`
    cited_by_count_date: str | None = None  # when it was counted, ISO `YYYY-MM-DD`

    def to_dict(self) -> dict[str, Any]:
        """Return the record as a plain dict: the canonical keys in order, then any identifiers."""
        # Built by hand: dataclasses.asdict deep-copies and is ~10x slower on big exports.
        data = {key: getattr(self, key) for key in CANONICAL_KEYS}
        data["authors"] = list(self.authors)
        data["institutions"] = list(self.institutions)
        if any(self.author_ids):
            data["author_ids"] = [dict(ids) for ids in self.author_ids]
        if any(self.institution_ids):
            data["institution_ids"] = [dict(ids) for ids in self.institution_ids]
        if self.cited_by_count is not None:
            data["cited_by_count"] = self.cited_by_count
            data["cited_by_count_source"] = self.cited_by_count_source
            data["cited_by_count_date"] = self.cited_by_count_date
        return data

    def orcid_of(self, position: int) -> str | None:
        """The ORCID iD the source gave for the author at this position, if any."""
        if position < len(self.author_ids):
            return self.author_ids[position].get("orcid")
        return None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CanonicalRecord:
        """Build a record from a canonical dict, raising ValueError on bad keys or types."""
        return cls(**validate_record_dict(data))


class ParseError(Exception):
    """A problem with the input, with the 1-based line where it was found (None if unknown)."""

    def __init__(
        self,
        message: str,
        line: int | None = None,
        record: CanonicalRecord | None = None,
    ) -> None:
        self.message = message
        self.line = line
        # A record salvaged from a bad or truncated input chunk, if anything could be salvaged;
        # it is never also put in ParseResult.records.
        self.record = record
        super().__init__(f"line {line}: {message}" if line is not None else message)


@dataclass
class ParseResult:
    """Records parsed from one input, per-record errors, and page-level context."""

    records: list[CanonicalRecord] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    # Caveats about records that were imported anyway (each names a record in `records`).
    warnings: list[ParseError] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    format: str | None = None


# --------------------------------------------------------------------------- text helpers


def clean_ws(text: str | None) -> str | None:
    """Collapse all whitespace runs to one space and strip; None/blank gives None."""
    if text is None:
        return None
    collapsed = " ".join(text.split())
    return collapsed or None


def split_lines(text: str) -> list[str]:
    """Split text into lines on \\n, \\r\\n or \\r only (unlike str.splitlines, not on \\x0c)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def too_long_error(lineno: int, line: str) -> ParseError:
    """Build the error reported for a line over MAX_LINE_CHARS."""
    message = f"line is {len(line):,} characters long (limit {MAX_LINE_CHARS:,}); skipped"
    return ParseError(message, lineno)


class LineIndex:
    """Map character offsets of a text to 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_of(self, offset: int) -> int:
        """Return the 1-based line holding the character at offset."""
        return bisect.bisect_left(self._newlines, offset) + 1


# --------------------------------------------------------------------------- identifiers

_ARXIV_PREFIX = re.compile(
    r"^(?:arxiv:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)",
    re.IGNORECASE,
)
_ARXIV_NEW = re.compile(r"\d{4}\.\d{4,5}")
_ARXIV_OLD = re.compile(r"[a-z][a-z-]{0,20}(?:\.[A-Z]{2})?/\d{7}")
_ARXIV_VERSION = re.compile(r"v\d{1,3}$")


def normalize_arxiv_id(value: str | None) -> str | None:
    """Return a bare arXiv id (no `arXiv:` prefix, URL or version), or None if not one."""
    if not value:
        return None
    text = _ARXIV_PREFIX.sub("", value.strip())
    if text.lower().endswith(".pdf"):
        text = text[:-4]
    text = _ARXIV_VERSION.sub("", text)
    if _ARXIV_NEW.fullmatch(text) or _ARXIV_OLD.fullmatch(text):
        return text
    return None


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"10\.\d{4,9}/\S+")


def normalize_doi(value: str | None) -> str | None:
    """Return a lower-case DOI without resolver prefix, or None if the value is not a DOI."""
    if not value:
        return None
    text = _DOI_PREFIX.sub("", value.strip()).lower()
    return text if _DOI_SHAPE.fullmatch(text) else None


_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(.+)")


def arxiv_id_from_doi(doi: str | None) -> str | None:
    """Return the arXiv id hidden in an arXiv-issued DOI (10.48550/arXiv.ID), else None."""
    match = _ARXIV_DOI.fullmatch(doi or "")
    return normalize_arxiv_id(match.group(1)) if match else None


# --------------------------------------------------------------------------- dates

MONTHS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_FULL_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
# Month names as they appear in dumps: `Feb`, `Sept`, `February`, `Feb.`.
MONTH_PATTERN = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)


def month_number(value: str | None) -> int | None:
    """Return 1..12 for a month name, abbreviation or number, else None."""
    if value is None:
        return None
    text = value.strip().rstrip(".").lower()
    if text.isdigit() and len(text) <= 2:
        number = int(text)
        return number if 1 <= number <= 12 else None
    if text in _FULL_MONTHS:
        return _FULL_MONTHS[text]
    if text == "sept":
        return 9
    return MONTHS.get(text[:3]) if len(text) == 3 else None


def iso_date(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    """Format a date with its real precision (`2023`, `2023-02`, `2023-02-11`, `--03-19`)."""
    if year is not None and not 1000 <= year <= 2999:
        return None
    if month is None:
        return f"{year:04d}" if year is not None and day is None else None
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}" if year is not None else None
    # A year-less Feb 29 is fine, so check against a leap year when the year is unknown.
    if not 1 <= day <= calendar.monthrange(year if year is not None else 2000, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if year is not None else f"--{month:02d}-{day:02d}"


_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][0-9:.+\-Z]{0,40})?")
_YEARLESS_ISO = re.compile(r"--(\d{2})-(\d{2})")
_WORDY = re.compile(
    r"(?:(\d{1,2})\s+)?(" + MONTH_PATTERN + r")(?:\s+(\d{1,2})(?!\d))?,?(?:\s+(\d{4}))?",
    re.IGNORECASE,
)


def parse_date(value: str | None) -> str | None:
    """Parse the date shapes found in dumps into the canonical ISO-with-precision string."""
    text = clean_ws(value)
    if not text or len(text) > 80:
        return None
    if match := _ISO.fullmatch(text):
        year, month, day = match.groups()
        return iso_date(int(year), int(month) if month else None, int(day) if day else None)
    if match := _YEARLESS_ISO.fullmatch(text):
        return iso_date(None, int(match.group(1)), int(match.group(2)))
    if match := _WORDY.fullmatch(text):
        day_before, month_name, day_after, year = match.groups()
        if day_before and day_after:
            return None
        day = day_before or day_after
        year_number = int(year) if year else None
        return iso_date(year_number, month_number(month_name), int(day) if day else None)
    return None


# --------------------------------------------------------------------------- JSON helpers


_JSON_WS = re.compile(r"[ \t\r\n]*")


def _skip_ws(text: str, i: int) -> int:
    """Return the index of the first non-whitespace character at or after i."""
    return _JSON_WS.match(text, i).end()  # type: ignore[union-attr] # `*` always matches


def json_line_of(text: str, offset: int) -> int:
    """Return the 1-based line of a character offset (for one-off error messages)."""
    return text.count("\n", 0, offset) + 1


def scan_json_array(text: str, start: int) -> tuple[list[tuple[Any, int, int]], ParseError | None]:
    """Decode the JSON array opening at start item by item, as (value, start, end) spans.

    Items before a syntax error (a truncated export, say) are kept; the error is returned.
    """
    decoder = json.JSONDecoder()
    spans: list[tuple[Any, int, int]] = []
    i = _skip_ws(text, start + 1)
    if i < len(text) and text[i] == "]":
        return spans, None
    while True:
        try:
            value, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            return spans, ParseError(f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno)
        except (ValueError, RecursionError) as exc:
            return spans, ParseError(f"invalid JSON: {exc}", json_line_of(text, i))
        spans.append((value, i, end))
        i = _skip_ws(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip_ws(text, i + 1)
            continue
        if i < len(text) and text[i] == "]":
            return spans, None
        if i >= len(text):
            message = "input ends inside a JSON array (truncated?)"
            return spans, ParseError(message, json_line_of(text, i))
        return spans, ParseError("invalid JSON: expected `,` or `]`", json_line_of(text, i))


def json_member_start(text: str, key: str) -> int | None:
    """Return the offset of the value of `key` in the top-level JSON object, if present."""
    decoder = json.JSONDecoder()
    i = _skip_ws(text, 0)
    if i >= len(text) or text[i] != "{":
        return None
    i = _skip_ws(text, i + 1)
    try:
        while i < len(text) and text[i] != "}":
            name, i = decoder.raw_decode(text, i)
            i = _skip_ws(text, i)
            i = _skip_ws(text, i + 1)  # the colon
            if name == key:
                return i
            _, i = decoder.raw_decode(text, i)
            i = _skip_ws(text, i)
            if i < len(text) and text[i] == ",":
                i = _skip_ws(text, i + 1)
    except (ValueError, RecursionError):
        return None  # the members before `key` are broken: nothing to salvage
    return None


def load_json(text: str) -> Any:
    """json.loads that turns every failure (syntax, nesting depth, huge ints) into ParseError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from exc
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"invalid JSON: {exc}") from exc


# --------------------------------------------------------------------------- validation

_DATE_SHAPE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?|--\d{2}-\d{2}")
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _check_optional(data: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> None:
    """Raise ValueError unless data[key] is None or of the given type (bool never counts as int)."""
    value = data[key]
    if value is None:
        return
    if isinstance(value, bool) and kind is not bool:
        raise ValueError(f"{key!r} must be {_type_name(kind)} or null, not a boolean")
    if not isinstance(value, kind):
        raise ValueError(f"{key!r} must be {_type_name(kind)} or null, got {type(value).__name__}")


def _type_name(kind: type | tuple[type, ...]) -> str:
    """Name a type or tuple of types for error messages."""
    if isinstance(kind, tuple):
        return " or ".join(k.__name__ for k in kind)
    return kind.__name__


def validate_record_dict(data: Any) -> dict[str, Any]:
    """Check a canonical dict's keys and value types; return the cleaned keyword arguments."""
    if not isinstance(data, dict):
        raise ValueError(f"a record must be a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(ALL_KEYS))
    if unknown:
        raise ValueError(f"unknown key(s): {', '.join(map(str, unknown))}")
    # Line numbers describe where a record sat in some earlier input; they may be omitted.
    missing = [k for k in CANONICAL_KEYS if k not in data and k not in ("line_start", "line_end")]
    if missing:
        raise ValueError(f"missing key(s): {', '.join(missing)}")
    clean = {k: data.get(k) for k in CANONICAL_KEYS}
    for key in ("title", "abstract", "arxiv_id", "doi", "date", "category", "venue", "kind"):
        _check_optional(clean, key, str)
    _check_optional(clean, "source", str)
    _check_optional(clean, "score", (int, float))
    _check_optional(clean, "has_code", bool)
    _check_optional(clean, "authors_more", int)
    _check_optional(clean, "line_start", int)
    _check_optional(clean, "line_end", int)
    for key in ("authors", "institutions"):
        value = clean[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{key!r} must be a list of strings")
    if not isinstance(clean["authors_truncated"], bool):
        raise ValueError("'authors_truncated' must be true or false")
    if clean["authors_more"] is not None and clean["authors_more"] < 0:
        raise ValueError("'authors_more' must not be negative")
    if clean["date"] is not None and not _DATE_SHAPE.fullmatch(clean["date"]):
        raise ValueError(f"'date' {clean['date']!r} is not YYYY, YYYY-MM, YYYY-MM-DD or --MM-DD")
    if clean["arxiv_id"] is not None and normalize_arxiv_id(clean["arxiv_id"]) is None:
        raise ValueError(f"'arxiv_id' {clean['arxiv_id']!r} is not an arXiv identifier")
    if clean["doi"] is not None and normalize_doi(clean["doi"]) is None:
        raise ValueError(f"'doi' {clean['doi']!r} is not a DOI")
    if clean["score"] is not None:
        try:
            clean["score"] = float(clean["score"])
        except OverflowError as exc:
            raise ValueError("'score' is out of range") from exc
        if not math.isfinite(clean["score"]):
            raise ValueError("'score' must be a finite number")
    _validate_identifiers(data, clean)
    return clean


_IDENTIFIER_LISTS = (
    ("author_ids", "orcid", "authors", normalize_orcid, "an ORCID iD (checksum included)"),
    ("institution_ids", "ror", "institutions", normalize_ror, "a ROR id (checksum included)"),
)


def _validate_identifiers(data: dict[str, Any], clean: dict[str, Any]) -> None:
    """Check and normalise the optional identifier keys into ``clean`` (absent means none)."""
    for key, id_name, parallel, normalize, description in _IDENTIFIER_LISTS:
        value = data.get(key)
        if value is None:
            clean[key] = []
            continue
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise ValueError(f"{key!r} must be a list of objects")
        if value and len(value) != len(clean[parallel]):
            raise ValueError(f"{key!r} must have one object per entry of {parallel!r}")
        entries: list[dict[str, str]] = []
        for index, item in enumerate(value):
            unknown = sorted(set(item) - {id_name})
            if unknown:
                raise ValueError(f"{key}[{index}]: unknown key(s): {', '.join(map(str, unknown))}")
            raw = item.get(id_name)
            if raw is None:
                entries.append({})
                continue
            normalized = normalize(raw) if isinstance(raw, str) else None
            if normalized is None:
                raise ValueError(f"{key}[{index}].{id_name} {raw!r} is not {description}")
            entries.append({id_name: normalized})
        clean[key] = entries if any(entries) else []
    for key in ("cited_by_count", "cited_by_count_source", "cited_by_count_date"):
        clean[key] = data.get(key)
    _check_optional(clean, "cited_by_count", int)
    _check_optional(clean, "cited_by_count_source", str)
    _check_optional(clean, "cited_by_count_date", str)
    count, date = clean["cited_by_count"], clean["cited_by_count_date"]
    if count is not None and count < 0:
        raise ValueError("'cited_by_count' must not be negative")
    if date is not None and not _FULL_DATE.fullmatch(date):
        raise ValueError(f"'cited_by_count_date' {date!r} is not YYYY-MM-DD")
    if count is None and (clean["cited_by_count_source"] or date):
        raise ValueError("'cited_by_count_source' and '_date' need a 'cited_by_count'")


def ids_per_position(values: list[str | None], id_name: str) -> list[dict[str, str]]:
    """`author_ids` / `institution_ids` from one identifier per position (None when unknown)."""
    entries = [{id_name: value} if value else {} for value in values]
    return entries if any(entries) else []
