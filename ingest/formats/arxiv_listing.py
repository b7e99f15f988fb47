"""One researcher's arXiv listing: abstract, optional comment, `arXiv:ID - REF`, `Created:`."""

from __future__ import annotations

import re

from .canonical import (
    MAX_LINE_CHARS,
    CanonicalRecord,
    ParseError,
    ParseResult,
    clean_ws,
    normalize_arxiv_id,
    parse_date,
    split_lines,
    too_long_error,
)

ID_LINE = re.compile(r"arXiv:(?P<id>\S{1,60})(?: - (?P<ref>.{1,1000}))?", re.IGNORECASE)
CREATED = re.compile(r"Created: ?(?P<date>\S{1,40})", re.IGNORECASE)


def _paragraphs(text: str, result: ParseResult) -> list[tuple[int, list[str]]]:
    """Group non-blank lines into (first line number, lines) paragraphs."""
    groups: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for lineno, raw in enumerate(split_lines(text), start=1):
        if len(raw) > MAX_LINE_CHARS:
            result.errors.append(too_long_error(lineno, raw))
            raw = ""
        line = raw.strip()
        if line and current and len(line) < 1100 and ID_LINE.fullmatch(line):
            groups.append((first, current))  # an id line always starts its own paragraph
            current = []
        elif line and current and _is_id_paragraph(current) and not CREATED.fullmatch(line[:60]):
            # Only `Created:` continues an id paragraph: the next entry's abstract may follow
            # without a blank line, and must not be swallowed by this one.
            groups.append((first, current))
            current = []
        if line:
            if not current:
                first = lineno
            current.append(line)
        elif current:
            groups.append((first, current))
            current = []
    if current:
        groups.append((first, current))
    return groups


def _is_id_paragraph(lines: list[str]) -> bool:
    return len(lines[0]) < 1100 and ID_LINE.fullmatch(lines[0]) is not None


def venue_of(comment: str | None, journal_ref: str | None) -> str | None:
    """Combine comment and journal ref into one venue: `COMMENT; JOURNAL REF` when both exist."""
    parts = [p for p in (comment, journal_ref) if p]
    return "; ".join(parts) if parts else None


def parse(text: str) -> ParseResult:
    """Parse an arXiv listing dump."""
    result = ParseResult(format="arxiv_listing")
    pending: list[tuple[int, list[str]]] = []  # abstract and comment paragraphs seen so far
    last: CanonicalRecord | None = None  # the record an id paragraph just finished
    for first, lines in _paragraphs(text, result):
        match = ID_LINE.fullmatch(lines[0])
        created = CREATED.fullmatch(lines[0]) if len(lines) == 1 else None
        if created and last is not None and not pending and last.date is None:
            # `Created:` split from its id line by a blank line still belongs to that record.
            last.date, last.line_end = parse_date(created["date"]), first
            continue
        if not match:
            pending.append((first, lines))
            last = None
            continue
        record = CanonicalRecord(line_start=pending[0][0] if pending else first)
        record.line_end = first + len(lines) - 1
        if pending:
            record.abstract = clean_ws(" ".join(pending[0][1]))
            comments = [clean_ws(" ".join(p[1])) for p in pending[1:]]
            comment = "; ".join(c for c in comments if c) or None
        else:
            comment = None
        pending, last = [], record
        record.arxiv_id = normalize_arxiv_id(match["id"])
        record.venue = venue_of(comment, clean_ws(match["ref"]))
        for line in lines[1:]:
            if date_line := CREATED.fullmatch(line):
                record.date = parse_date(date_line["date"])
        if record.arxiv_id is None:
            message = f"{match['id']!r} is not an arXiv identifier"
            result.errors.append(ParseError(message, first, record))
        elif record.abstract is None:
            result.errors.append(ParseError("arXiv id without an abstract", first, record))
        else:
            result.records.append(record)
    if pending:
        first, lines = pending[0]
        record = CanonicalRecord(
            abstract=clean_ws(" ".join(lines)),
            line_start=first,
            line_end=pending[-1][0] + len(pending[-1][1]) - 1,
        )
        message = "abstract is not followed by an arXiv:ID line (truncated?)"
        result.errors.append(ParseError(message, first, record))
    return result


def sniff(text: str) -> float:
    """Estimate how likely text is an arXiv listing from its id and `Created:` lines."""
    lines = [ln.strip() for ln in split_lines(text[:200_000])]
    ids = sum(1 for ln in lines if len(ln) < 1100 and ID_LINE.fullmatch(ln))
    created = sum(1 for ln in lines if len(ln) < 60 and CREATED.fullmatch(ln))
    if ids == 0:
        return 0.0
    if created:
        return min(0.95, 0.7 + 0.05 * min(ids, created))
    return 0.5
