"""Our canonical JSON Lines: one canonical record object per line (see docs/canonical-format.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .canonical import (
    CANONICAL_KEYS,
    MAX_LINE_CHARS,
    CanonicalRecord,
    ParseError,
    ParseResult,
    split_lines,
    too_long_error,
    validate_record_dict,
)


def dumps(records: Iterable[CanonicalRecord]) -> str:
    """Serialise records as canonical JSON Lines (UTF-8 text, one object per line)."""
    lines = (json.dumps(r.to_dict(), ensure_ascii=False, allow_nan=False) for r in records)
    return "".join(line + "\n" for line in lines)


def parse(text: str) -> ParseResult:
    """Parse canonical JSON Lines; each bad line is reported with its number."""
    result = ParseResult(format="jsonl")
    for lineno, line in enumerate(split_lines(text.removeprefix("\ufeff")), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            result.errors.append(too_long_error(lineno, line))
            continue
        try:
            data = json.loads(line)
        except (ValueError, RecursionError) as exc:
            result.errors.append(ParseError(f"invalid JSON: {str(exc)[:200]}", lineno))
            continue
        try:
            fields = validate_record_dict(data)
        except ValueError as exc:
            result.errors.append(ParseError(f"invalid record: {exc}", lineno))
            continue
        # line_start/line_end name lines of *this* input; the stored values described another.
        fields["line_start"] = fields["line_end"] = lineno
        result.records.append(CanonicalRecord(**fields))
    return result


def sniff(text: str) -> float:
    """Estimate how likely text is canonical JSON Lines from its first lines' keys."""
    lines = [ln for ln in split_lines(text[:1_000_000]) if ln.strip()][:20]
    if not lines or not lines[0].lstrip("\ufeff ").startswith("{"):
        return 0.0
    good = 0
    for line in lines:
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(data, dict) and len(set(data) & set(CANONICAL_KEYS)) >= 10:
            good += 1
    if good == 0:
        return 0.0
    return 0.5 + 0.47 * good / len(lines)
