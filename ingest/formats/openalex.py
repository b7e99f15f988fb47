"""OpenAlex works JSON: a `results` page, a single work, a list of works, or JSON Lines."""

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
    json_member_start,
    load_json,
    normalize_arxiv_id,
    normalize_doi,
    normalize_orcid,
    normalize_ror,
    parse_date,
    scan_json_array,
    split_lines,
)

# Keys only an OpenAlex work carries; used to recognise works and to sniff the format.
WORK_KEYS = frozenset(
    {"authorships", "abstract_inverted_index", "publication_date", "publication_year",
     "primary_location", "cited_by_count", "open_access", "referenced_works"}
)  # fmt: skip
ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]{6,40})", re.IGNORECASE)
# An inverted index with more word positions than this is not an abstract.
MAX_ABSTRACT_WORDS = 100_000


def _str(value: Any) -> str | None:
    """Return value if it is a non-blank string, else None."""
    return clean_ws(value) if isinstance(value, str) else None


def _dict(value: Any) -> dict[str, Any]:
    """Return value if it is a dict, else an empty dict."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    """Return value if it is a list, else an empty list."""
    return value if isinstance(value, list) else []


def abstract_from_inverted_index(index: Any) -> str | None:
    """Rebuild an abstract from OpenAlex's {word: [positions]} inverted index."""
    if not isinstance(index, dict):
        return None
    words: dict[int, str] = {}
    for word, positions in index.items():
        for position in _list(positions):
            if isinstance(position, int) and not isinstance(position, bool) and position >= 0:
                words[position] = str(word)
            if len(words) > MAX_ABSTRACT_WORDS:
                return None
    return clean_ws(" ".join(words[p] for p in sorted(words))) if words else None


def is_work(value: Any) -> bool:
    """Tell whether a JSON value looks like an OpenAlex work object."""
    if not isinstance(value, dict):
        return False
    work_id = value.get("id")
    return bool(WORK_KEYS & value.keys()) or (
        isinstance(work_id, str) and work_id.startswith("https://openalex.org/W")
    )


def _arxiv_id(work: dict[str, Any], doi: str | None) -> str | None:
    """Find an arXiv id in an arXiv DOI or in a location URL."""
    found = arxiv_id_from_doi(doi)
    locations = [_dict(work.get("primary_location"))]
    locations += [_dict(location) for location in _list(work.get("locations"))]
    for location in locations:
        for key in ("landing_page_url", "pdf_url"):
            url = location.get(key)
            if found is None and isinstance(url, str) and (match := ARXIV_URL.search(url)):
                found = normalize_arxiv_id(match.group(1))
    return found


def record_from_work(work: dict[str, Any]) -> CanonicalRecord:
    """Map one OpenAlex work to a canonical record."""
    authors: list[str] = []
    orcids: list[str | None] = []
    institutions: list[str] = []
    rors: list[str | None] = []
    for authorship in _list(work.get("authorships")):
        authorship = _dict(authorship)
        author = _dict(authorship.get("author"))
        name = _str(author.get("display_name")) or _str(authorship.get("raw_author_name"))
        if name:
            authors.append(name)
            orcids.append(normalize_orcid(_str(author.get("orcid")) or ""))
        for institution in _list(authorship.get("institutions")):
            inst = _str(_dict(institution).get("display_name"))
            if inst and inst not in institutions:
                institutions.append(inst)
                rors.append(normalize_ror(_str(_dict(institution).get("ror"))))
    doi = normalize_doi(_str(work.get("doi")) or _str(_dict(work.get("ids")).get("doi")))
    year = work.get("publication_year")
    date = parse_date(_str(work.get("publication_date")))
    if date is None and isinstance(year, int) and not isinstance(year, bool):
        date = iso_date(year)
    source = _dict(_dict(work.get("primary_location")).get("source"))
    source_name = _str(source.get("display_name"))
    return CanonicalRecord(
        title=_str(work.get("title")) or _str(work.get("display_name")),
        authors=authors,
        authors_truncated=work.get("is_authors_truncated") is True,
        institutions=institutions,
        abstract=abstract_from_inverted_index(work.get("abstract_inverted_index")),
        arxiv_id=_arxiv_id(work, doi),
        doi=doi,
        date=date,
        # A repository (arXiv, Zenodo) hosts the paper; only journals and conferences are venues.
        venue=source_name if source.get("type") not in ("repository", None) else None,
        kind=_str(work.get("type")),
        source=source_name,
        author_ids=ids_per_position(orcids, "orcid"),
        institution_ids=ids_per_position(rors, "ror"),
        **_citations(work),
    )


def _citations(work: dict[str, Any]) -> dict[str, Any]:
    """`cited_by_count` as OpenAlex counted it, dated by the work's last update."""
    count = work.get("cited_by_count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        return {}
    updated = parse_date((_str(work.get("updated_date")) or "")[:10])
    return {
        "cited_by_count": count,
        "cited_by_count_source": "OpenAlex",
        "cited_by_count_date": updated if updated and len(updated) == 10 else None,
    }


Spans = list[tuple[Any, int | None, int | None]]


def _with_lines(spans: list[tuple[Any, int, int]], lines: LineIndex) -> Spans:
    """Turn (value, start offset, end offset) spans into (value, first line, last line)."""
    return [(v, lines.line_of(s), lines.line_of(max(s, e - 1))) for v, s, e in spans]


def _salvage(text: str, whole_error: ParseError) -> tuple[Spans, list[ParseError]]:
    """Recover the works before a syntax error in a results page or array, else read JSONL."""
    start = len(text) - len(text.lstrip())
    array_start: int | None = None
    if text.startswith("[", start):
        array_start = start
    elif text.startswith("{", start):
        value_start = json_member_start(text, "results")
        if value_start is not None and text.startswith("[", value_start):
            array_start = value_start
    if array_start is not None:
        spans, error = scan_json_array(text, array_start)
        if spans:
            return _with_lines(spans, LineIndex(text)), [error or whole_error]
    return _json_lines(text, whole_error)


def _items(text: str) -> tuple[Spans, list[ParseError]]:
    """Return (work, first line, last line) triples and errors for any supported layout."""
    try:
        data = load_json(text)
    except ParseError as whole_error:
        return _salvage(text, whole_error)
    lines = LineIndex(text)
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        start = json_member_start(text, "results")
        spans, error = scan_json_array(text, start) if start is not None else ([], None)
    elif isinstance(data, list):
        spans, error = scan_json_array(text, text.index("["))
    else:
        spans, error = [(data, 0, len(text.rstrip()))], None
    if error is not None or (isinstance(data, list) and len(spans) != len(data)):
        # Line numbers are a nicety; the data itself parsed fine.
        values = data["results"] if isinstance(data, dict) else data
        return [(v, None, None) for v in (values if isinstance(values, list) else [values])], []
    return _with_lines(spans, lines), []


def _json_lines(text: str, whole_error: ParseError) -> tuple[Spans, list[ParseError]]:
    """Read one JSON value per line; raise the whole-document error if no line parses."""
    items: Spans = []
    errors: list[ParseError] = []
    for lineno, line in enumerate(split_lines(text), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            errors.append(ParseError(f"invalid JSON: {str(exc)[:200]}", lineno))
            continue
        if isinstance(value, dict) and isinstance(value.get("results"), list):
            items.extend((v, lineno, lineno) for v in value["results"])
        else:
            items.append((value, lineno, lineno))
    if not items:
        raise whole_error
    return items, errors


def parse(text: str) -> ParseResult:
    """Parse OpenAlex works JSON; unreadable JSON raises ParseError."""
    result = ParseResult(format="openalex")
    items, result.errors = _items(text)
    for value, first, last in items:
        if not is_work(value) and not (isinstance(value, dict) and "title" in value):
            result.errors.append(ParseError("item is not an OpenAlex work object", first))
            continue
        record = record_from_work(value)
        record.line_start, record.line_end = first, last
        if record.title or record.abstract:
            result.records.append(record)
        else:
            result.errors.append(ParseError("work has neither title nor abstract", first, record))
    if isinstance(meta := _first_meta(text), dict) and isinstance(meta.get("count"), int):
        result.context["total_results"] = meta["count"]
    return result


def _first_meta(text: str) -> Any:
    """Return the `meta` object of a results page, if the text is one."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return data.get("meta") if isinstance(data, dict) else None


def sniff(text: str) -> float:
    """Estimate how likely text is OpenAlex JSON from the keys of its first work."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith(("{", "[")):
        return 0.0
    try:
        data = json.loads(stripped)
    except (ValueError, RecursionError):
        first_line = stripped.split("\n", 1)[0]
        try:
            data = json.loads(first_line)
        except (ValueError, RecursionError):
            return 0.0
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    sample = data[:5] if isinstance(data, list) else [data]
    if sample and all(is_work(item) for item in sample):
        return 0.95
    return 0.05
