"""Rendered researcher-profile page: header naming the researcher, then published items."""

from __future__ import annotations

import re
from typing import Any

from .canonical import (
    MAX_LINE_CHARS,
    CanonicalRecord,
    ParseError,
    ParseResult,
    clean_ws,
    iso_date,
    split_lines,
    too_long_error,
)

# `preprint2024arXiv`: the item's type, year and source rendered without spaces.
TYPE_LINE = re.compile(r"(?P<kind>[a-z][a-z_-]{1,30})(?P<year>\d{4})(?P<source>\S.{0,200})?")
ITEM_COUNT = re.compile(r"(?P<n>\d{1,7}) published items?(?:\(s\))?", re.IGNORECASE)
SECTION = re.compile(r"published (?:work|works|items)", re.IGNORECASE)
# Trust snapshot counters: `5works`, `0followers`, `4close collaborators`.
COUNTER = re.compile(r"(?P<n>\d{1,9}) ?(?P<what>[a-z][a-z ]{1,40})")
TRUST = re.compile(r"Trust (?P<score>\d{1,4})\s*-\s*(?P<label>.{1,200})")
NOT_IMPORTED = re.compile(r"affiliation not (?:imported|available|known)", re.IGNORECASE)
COLLABORATE = " to collaborate"


def _glued_words(text: str) -> list[str]:
    """Cut text at every lower-to-upper glue point (`ResearcherAffiliation` -> two parts)."""
    parts, start = [], 0
    for i in range(1, len(text)):
        if text[i].isupper() and (text[i - 1].islower() or text[i - 1].isdigit()):
            parts.append(text[start:i])
            start = i
    parts.append(text[start:])
    return parts


def _read_identity(line: str, context: dict[str, Any]) -> None:
    """Read `ROLEAFFILIATIONOpen to collaborate` (role, affiliation, availability glued)."""
    parts = _glued_words(line)
    if len(parts) < 2:
        return
    context["role"] = parts[0]
    rest = parts[1:]
    if rest[-1].endswith(COLLABORATE):
        context["availability"] = rest.pop()
    affiliation = "".join(rest).strip()
    context["affiliation"] = None if NOT_IMPORTED.fullmatch(affiliation) else affiliation or None


def _read_header(lines: list[str], end: int, context: dict[str, Any]) -> None:
    """Fill context from the page header above the published items."""
    nonblank = [ln.strip() for ln in lines[:end] if ln.strip() and len(ln) <= 1000]
    if not nonblank:
        return
    # The page title (`Researcher profile`) comes first, then the researcher's name.
    first = nonblank[0]
    subject = nonblank[1] if first.lower().endswith("profile") and len(nonblank) > 1 else first
    context["subject"] = subject
    counts: dict[str, int] = {}
    for line in nonblank:
        if line.startswith(subject + " ") and "bio" not in context:
            context["bio"] = line
        elif line.endswith(COLLABORATE) and "role" not in context:
            _read_identity(line, context)
        elif match := TRUST.fullmatch(line):
            context["trust"] = int(match["score"])
            # `UnverifiedVerification L1Unclaimed author`: several badges glued together.
            context["trust_labels"] = [p.strip() for p in _glued_words(match["label"])]
        elif match := COUNTER.fullmatch(line):
            counts[match["what"].strip()] = int(match["n"])
    if counts:
        context["counts"] = counts


def parse(text: str) -> ParseResult:
    """Parse a rendered researcher-profile page."""
    result = ParseResult(format="profile_page")
    lines = split_lines(text)
    start = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if len(stripped) > 100:
            continue
        if match := ITEM_COUNT.fullmatch(stripped):
            result.context["published_items"] = int(match["n"])
            start = index + 1
            break
        if SECTION.fullmatch(stripped):
            start = index + 1
    _read_header(lines, start, result.context)

    current: CanonicalRecord | None = None
    stage = ""  # what the current record expects next: "title", "abstract" or "done"
    unparsed: list[int] = []
    for lineno in range(start + 1, len(lines) + 1):
        raw = lines[lineno - 1]
        if len(raw) > MAX_LINE_CHARS:
            result.errors.append(too_long_error(lineno, raw))
            continue
        line = raw.strip()
        if not line:
            continue
        match = TYPE_LINE.fullmatch(line)
        if match:
            if current is not None:
                _close(result, current, stage, at_end=False)
            current = CanonicalRecord(
                kind=match["kind"],
                date=iso_date(int(match["year"])),
                source=clean_ws(match["source"]),
                line_start=lineno,
                line_end=lineno,
            )
            stage = "title"
        elif current is None or stage == "done":
            unparsed.append(lineno)
        elif stage == "title":
            current.title, current.line_end, stage = clean_ws(line), lineno, "abstract"
        else:
            current.abstract, current.line_end, stage = clean_ws(line), lineno, "done"
    if current is not None:
        _close(result, current, stage, at_end=True)
    if unparsed:
        result.context["unparsed_lines"] = unparsed
    return result


def _close(result: ParseResult, record: CanonicalRecord, stage: str, at_end: bool) -> None:
    """Store a finished record, or report it when it lacks a title or was cut off."""
    if stage == "title":
        result.errors.append(ParseError("item has no title line", record.line_start, record))
    elif stage == "abstract" and at_end:
        message = "input ends before this item's abstract line (truncated?)"
        result.errors.append(ParseError(message, record.line_start, record))
    else:
        result.records.append(record)


def sniff(text: str) -> float:
    """Estimate how likely text is a profile page from its section markers and item lines."""
    lines = [ln.strip() for ln in split_lines(text[:200_000]) if ln.strip()]
    short = [ln for ln in lines if len(ln) <= 100]
    has_count = any(ITEM_COUNT.fullmatch(ln) for ln in short)
    has_section = any(SECTION.fullmatch(ln) for ln in short)
    items = sum(1 for ln in short if TYPE_LINE.fullmatch(ln))
    if items == 0:
        return 0.3 if has_count else 0.0
    score = 0.4 + 0.25 * has_count + 0.2 * has_section + min(0.1, 0.02 * items)
    return min(score, 0.95)
