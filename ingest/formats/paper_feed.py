"""Paper feed: optional metadata line, title glued to authors (and institutions), abstract line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .canonical import (
    MAX_LINE_CHARS,
    MONTH_PATTERN,
    CanonicalRecord,
    ParseError,
    ParseResult,
    clean_ws,
    iso_date,
    month_number,
    split_lines,
    too_long_error,
)
from .names import split_title_authors

# `45.7CRFeb 11, 2023`, `15.5HCAug 15, 2024Code`, `12.9LGMar 19`: score, cs subcategory, date.
META = re.compile(
    r"(?P<score>\d{1,5}(?:\.\d{1,3})?)?(?P<cat>[A-Z]{2})?"
    r"(?P<month>" + MONTH_PATTERN + r") (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?(?P<code>Code)?"
)
ET_AL = (" et al.", " et al", ", et al.", " et. al.")
INSTITUTION_SEP = " \u00b7 "  # ` · ` between the author list and institution slugs
# An abstract is prose; a title line glued to authors stays short. Used only to decide
# whether a title-shaped line right after a title is the next record or an abstract.
MAX_TITLE_LINE_CHARS = 600


@dataclass
class TitleLine:
    """The parts of a `TITLEAuthor A, Author B et al. · slug, slug` line."""

    title: str
    authors: list[str]
    truncated: bool
    institutions: list[str]
    score: int


@dataclass
class Meta:
    """The fields a metadata line gives the record that follows it."""

    score: float | None
    category: str | None
    date: str | None
    has_code: bool


def parse_meta(line: str) -> Meta | None:
    """Parse a metadata line, or return None if the line is not one."""
    match = META.fullmatch(line.strip())
    if not match:
        return None
    year = int(match["year"]) if match["year"] else None
    return Meta(
        score=float(match["score"]) if match["score"] else None,
        category=f"cs.{match['cat']}" if match["cat"] else None,
        date=iso_date(year, month_number(match["month"]), int(match["day"])),
        # Only a metadata line can say whether there is code, so its absence there means none.
        has_code=match["code"] is not None,
    )


def _split_institutions(body: str) -> tuple[str, list[str]]:
    """Cut ` · slug, slug` off the end of a title line."""
    head, sep, tail = body.rpartition(INSTITUTION_SEP)
    if not sep:
        return body, []
    slugs = [s.strip() for s in tail.split(",")]
    if not all(slugs) or any(len(s) > 80 for s in slugs):
        return body, []
    return head, slugs


def parse_title_line(line: str) -> TitleLine | None:
    """Split a title line into title, authors, `et al.` flag and institutions; None if not one."""
    text = line.strip()
    if not text:
        return None
    head, institutions = _split_institutions(text)
    attempts = [(head, institutions)]
    if institutions:
        attempts.append((text, []))  # ` · ` may belong to the title after all
    for body, insts in attempts:
        truncated = False
        for marker in ET_AL:
            if body.endswith(marker):
                body, truncated = body[: -len(marker)].rstrip(" ,"), True
                break
        split = split_title_authors(body)
        if split is not None:
            return TitleLine(split.title, split.authors, truncated, insts, split.score)
    return None


def _finish(result: ParseResult, record: CanonicalRecord, failed: str | None) -> None:
    """Add a finished record, or an error carrying it when its title line did not parse."""
    if failed:
        result.errors.append(ParseError(failed, record.line_start, record))
    else:
        result.records.append(record)


def _finish_without_abstract(result: ParseResult, record: CanonicalRecord, failed: str | None) -> None:
    """Add a record whose abstract line is missing, with a warning naming its title line."""
    _finish(result, record, failed)
    if not failed:
        message = f"no abstract line after the title line {record.line_end}; imported without an abstract"
        result.warnings.append(ParseError(message, record.line_end, record))


def parse(text: str) -> ParseResult:
    """Parse a paper feed dump."""
    result = ParseResult(format="paper_feed")
    meta: Meta | None = None
    meta_line: int | None = None
    current: CanonicalRecord | None = None  # a record whose abstract line is still to come
    failed: str | None = None
    for lineno, raw in enumerate(split_lines(text), start=1):
        if len(raw) > MAX_LINE_CHARS:
            result.errors.append(too_long_error(lineno, raw))
            continue
        line = raw.strip()
        if not line:
            continue
        line_meta = parse_meta(line)
        if line_meta is not None:
            if current is not None:
                _finish_without_abstract(result, current, failed)
                current = None
            if meta is not None:
                message = "metadata line is not followed by a title"
                result.errors.append(ParseError(message, meta_line))
            meta, meta_line = line_meta, lineno
            continue
        # After a title line, only a short line can start the next record; long ones are prose.
        may_be_title = current is None or len(line) <= MAX_TITLE_LINE_CHARS
        title_line = parse_title_line(line) if may_be_title else None
        if current is not None and title_line is None:
            current.abstract = clean_ws(line)
            current.line_end = lineno
            _finish(result, current, failed)
            current = None
            continue
        if current is not None:
            # Two title lines in a row: the first record has no abstract; imported, with a warning.
            _finish_without_abstract(result, current, failed)
        current = CanonicalRecord(line_start=meta_line or lineno, line_end=lineno)
        failed = None
        if meta is not None:
            current.score, current.category = meta.score, meta.category
            current.date, current.has_code = meta.date, meta.has_code
            meta, meta_line = None, None
        if title_line is None:
            failed = "cannot split this line into a title and an author list"
            current.title = clean_ws(line)
        else:
            current.title = title_line.title
            current.authors = title_line.authors
            current.authors_truncated = title_line.truncated
            current.institutions = title_line.institutions
    if current is not None:
        # The file ends where an abstract should be: most likely truncated.
        message = failed or "input ends before this record's abstract line (truncated?)"
        result.errors.append(ParseError(message, current.line_start, current))
    if meta is not None:
        result.errors.append(ParseError("input ends after a metadata line (truncated?)", meta_line))
    return result


def sniff(text: str) -> float:
    """Estimate how likely text is a paper feed from its line structure."""
    lines = [ln.strip() for ln in split_lines(text[:200_000]) if ln.strip()][:300]
    if not lines:
        return 0.0
    metas = titles = 0
    previous_was_title = False
    for line in lines:
        if parse_meta(line) is not None:
            metas += 1
            previous_was_title = False
        elif not previous_was_title and len(line) <= MAX_TITLE_LINE_CHARS:
            split = parse_title_line(line)
            previous_was_title = split is not None and split.score >= 2
            titles += previous_was_title
        else:
            previous_was_title = False
    # In a feed about half the non-meta lines are title lines (the rest are abstracts).
    share = titles / max(1, len(lines) - metas)
    if titles == 0:
        return 0.0
    score = min(0.9, 0.3 + share) if share >= 0.3 else 0.15 + share
    if metas:
        score = min(0.95, score + 0.05)
    return score
