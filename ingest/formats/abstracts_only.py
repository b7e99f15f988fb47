"""One researcher's abstracts: `Abstract:TEXT`, one per line, nothing else."""

from __future__ import annotations

import re

from .canonical import (
    MAX_LINE_CHARS,
    CanonicalRecord,
    ParseError,
    ParseResult,
    clean_ws,
    split_lines,
    too_long_error,
)

PREFIX = re.compile(r"abstract\s?:\s?", re.IGNORECASE)


def parse(text: str) -> ParseResult:
    """Parse an abstracts-only dump; a line without the prefix continues the previous abstract."""
    result = ParseResult(format="abstracts_only")
    current: CanonicalRecord | None = None
    for lineno, raw in enumerate(split_lines(text), start=1):
        if len(raw) > MAX_LINE_CHARS:
            result.errors.append(too_long_error(lineno, raw))
            continue
        line = raw.strip()
        if not line:
            continue
        match = PREFIX.match(line)
        if match:
            current = CanonicalRecord(line_start=lineno, line_end=lineno)
            current.abstract = clean_ws(line[match.end() :])
            if current.abstract:
                result.records.append(current)
            else:
                result.errors.append(ParseError("empty abstract", lineno))
                current = None
        elif current is not None:
            # A wrapped abstract: the dump put a line break inside it.
            current.abstract = f"{current.abstract} {clean_ws(line)}"
            current.line_end = lineno
        else:
            result.errors.append(ParseError("line does not start with `Abstract:`", lineno))
    return result


def sniff(text: str) -> float:
    """Estimate how likely text is an abstracts-only dump from its line prefixes."""
    lines = [ln.strip() for ln in split_lines(text[:200_000]) if ln.strip()]
    if not lines:
        return 0.0
    hits = sum(1 for ln in lines if PREFIX.match(ln))
    if hits == 0:
        return 0.0
    return round(0.2 + 0.75 * hits / len(lines), 3)
