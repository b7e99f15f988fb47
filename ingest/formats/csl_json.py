"""CSL-JSON, as exported by Zotero and citation managers: an array of item objects."""

from __future__ import annotations

import json
import re
from typing import Any

from .canonical import (
    CanonicalRecord,
    LineIndex,
    ParseError,
    ParseResult,
    arxiv_id_from_doi,
    clean_ws,
    ids_per_position,
    iso_date,
    load_json,
    normalize_arxiv_id,
    normalize_doi,
    normalize_orcid,
    parse_date,
    scan_json_array,
)

# Keys typical of CSL items (hyphenated names are CSL's own spelling).
CSL_KEYS = frozenset(
    {"container-title", "issued", "DOI", "URL", "author", "collection-title", "event-title",
     "citation-key", "page", "volume", "publisher", "accessed", "number"}
)  # fmt: skip
ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]{6,40})", re.IGNORECASE)
ARXIV_NUMBER = re.compile(r"arxiv:\s?(\S{6,40})", re.IGNORECASE)
TRUNCATION = frozenset({"others", "et al.", "et al"})


def _str(value: Any) -> str | None:
    """Return value as clean text if it is a string or number, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return clean_ws(value) if isinstance(value, str) else None


def _name(person: Any) -> str | None:
    """Join a CSL name object (`given`, particles, `family`, `suffix`, or `literal`)."""
    if not isinstance(person, dict):
        return _str(person)
    if literal := _str(person.get("literal")):
        return literal
    keys = ("given", "dropping-particle", "non-dropping-particle", "family")
    parts = [_str(person.get(key)) for key in keys]
    name = " ".join(p for p in parts if p)
    if suffix := _str(person.get("suffix")):
        name = f"{name}, {suffix}"
    return clean_ws(name)


def _issued(value: Any) -> str | None:
    """Read a CSL date: `date-parts` ([[2023, 5, 22]]), `raw` or `literal`."""
    if not isinstance(value, dict):
        return parse_date(_str(value))
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        numbers: list[int] = []
        for part in parts[0][:3]:
            text = _str(part)
            if text is None or not text.isdigit() or len(text) > 4:
                break
            numbers.append(int(text))
        if numbers:
            return iso_date(*numbers)  # type: ignore[arg-type]
    return parse_date(_str(value.get("raw")) or _str(value.get("literal")))


def _arxiv_id(item: dict[str, Any], doi: str | None) -> str | None:
    """Find an arXiv id in the DOI, `number` (Zotero: `arXiv:2305.14387`) or URL."""
    if found := arxiv_id_from_doi(doi):
        return found
    number = _str(item.get("number")) or ""
    if match := ARXIV_NUMBER.search(number):
        return normalize_arxiv_id(match.group(1))
    url = _str(item.get("URL")) or ""
    if match := ARXIV_URL.search(url):
        return normalize_arxiv_id(match.group(1))
    return None


def _orcid(person: Any) -> str | None:
    """The iD in a name object: `ORCID` (Crossref's spelling, a URL) or `orcid`."""
    if not isinstance(person, dict):
        return None
    value = person.get("ORCID") or person.get("orcid")
    return normalize_orcid(value) if isinstance(value, str) else None


def _citations(item: dict[str, Any]) -> dict[str, Any]:
    """Crossref's `is-referenced-by-count`, dated by when Crossref indexed the item."""
    count = item.get("is-referenced-by-count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        return {}
    indexed = item.get("indexed")
    date = _issued(indexed) if isinstance(indexed, dict) else None
    return {
        "cited_by_count": count,
        "cited_by_count_source": "Crossref",
        "cited_by_count_date": date if date and len(date) == 10 else None,
    }


def record_from_item(item: dict[str, Any]) -> CanonicalRecord:
    """Map one CSL item to a canonical record."""
    authors: list[str] = []
    orcids: list[str | None] = []
    truncated = False
    for person in item.get("author") if isinstance(item.get("author"), list) else []:
        name = _name(person)
        if name and name.lower() in TRUNCATION:
            truncated = True
        elif name:
            authors.append(name)
            orcids.append(_orcid(person))
    doi = normalize_doi(_str(item.get("DOI")))
    venue = (
        _str(item.get("container-title"))
        or _str(item.get("event-title"))
        or _str(item.get("collection-title"))
    )
    return CanonicalRecord(
        title=_str(item.get("title")),
        authors=authors,
        authors_truncated=truncated,
        abstract=_str(item.get("abstract")),
        arxiv_id=_arxiv_id(item, doi),
        doi=doi,
        date=_issued(item.get("issued")),
        venue=venue,
        kind=_str(item.get("type")),
        source=_str(item.get("publisher")),
        author_ids=ids_per_position(orcids, "orcid"),
        **_citations(item),
    )


def parse(text: str) -> ParseResult:
    """Parse a CSL-JSON export; unreadable JSON raises ParseError."""
    result = ParseResult(format="csl_json")
    try:
        data = load_json(text)
    except ParseError as whole_error:
        # A truncated export: keep the items before the break.
        start = len(text) - len(text.lstrip())
        if not text.startswith("[", start):
            raise
        items, error = scan_json_array(text, start)
        if not items:
            raise
        result.errors.append(error or whole_error)
    else:
        if isinstance(data, dict):
            items = [(data, 0, len(text.rstrip()))]
        elif isinstance(data, list):
            items, error = scan_json_array(text, text.index("["))
            if error is not None or len(items) != len(data):
                items = [(value, -1, -1) for value in data]  # lose line numbers, keep the data
        else:
            raise ParseError("CSL-JSON must be an array of items (or one item object)", 1)
    lines = LineIndex(text)
    for value, start, end in items:
        first = lines.line_of(start) if start >= 0 else None
        last = lines.line_of(max(start, end - 1)) if start >= 0 else None
        if not isinstance(value, dict):
            result.errors.append(ParseError("item is not a JSON object", first))
            continue
        record = record_from_item(value)
        record.line_start, record.line_end = first, last
        if record.title or record.abstract:
            result.records.append(record)
        else:
            result.errors.append(ParseError("item has neither title nor abstract", first, record))
    return result


def sniff(text: str) -> float:
    """Estimate how likely text is CSL-JSON from the keys of its first items."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith(("[", "{")):
        return 0.0
    try:
        data = json.loads(stripped)
    except (ValueError, RecursionError):
        return 0.0
    sample = data[:5] if isinstance(data, list) else [data]
    if not sample or not all(isinstance(item, dict) for item in sample):
        return 0.0
    hits = [len(CSL_KEYS & item.keys()) for item in sample]
    if all("type" in item for item in sample) and min(hits) >= 1:
        return 0.9
    return 0.1 if max(hits) >= 1 else 0.0
