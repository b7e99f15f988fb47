"""Parsers for abstract dumps: format registry, detection, byte decoding and parsing."""

from __future__ import annotations

import re
from types import ModuleType

from . import (
    abstracts_only,
    arxiv_atom,
    arxiv_listing,
    bibtex,
    csl_json,
    jsonl,
    openalex,
    paper_feed,
    profile_page,
    publications_page,
)
from .canonical import CanonicalRecord, ParseError, ParseResult, split_lines

__all__ = [
    "FORMATS",
    "CanonicalRecord",
    "ParseError",
    "ParseResult",
    "decode",
    "detect",
    "parse",
    "sniff_all",
]

FORMATS: dict[str, ModuleType] = {
    "profile_page": profile_page,
    "paper_feed": paper_feed,
    "arxiv_listing": arxiv_listing,
    "abstracts_only": abstracts_only,
    "publications_page": publications_page,
    "bibtex": bibtex,
    "arxiv_atom": arxiv_atom,
    "openalex": openalex,
    "csl_json": csl_json,
    "jsonl": jsonl,
}

# Below this confidence no format is claimed: better to say so than to import garbage.
MIN_CONFIDENCE = 0.3
# Detection looks at this much text; every sniffer is structural, so a prefix is enough.
SNIFF_CHARS = 1_000_000
# Share of control characters above which decoded input is treated as binary.
MAX_CONTROL_SHARE = 0.01
# Share of non-ASCII bytes a legacy 8-bit text (cp1252/latin-1) plausibly has.
MAX_LEGACY_HIGH_SHARE = 0.3


# Line-structured plain-text formats: for them spacing inside a line carries no meaning.
TEXT_FORMATS = frozenset(
    {"profile_page", "paper_feed", "arxiv_listing", "abstracts_only", "publications_page"}
)
_HORIZONTAL_SPACE = re.compile(r"[ \t\f\v]+")


def normalize_lines(text: str) -> str:
    """Tabs and runs of spaces become one space and every line is stripped; lines stay lines."""
    text = _HORIZONTAL_SPACE.sub(" ", text)
    return "\n".join(line.strip() for line in split_lines(text))


def sniff_all(text: str) -> dict[str, float]:
    """Return every format's confidence (0..1) for text."""
    head = text[:SNIFF_CHARS]
    flat = normalize_lines(head)
    return {name: module.sniff(flat if name in TEXT_FORMATS else head) for name, module in FORMATS.items()}


def detect(text: str) -> str:
    """Return the name of the most likely format, or raise ParseError when nothing fits."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ParseError("input is empty")
    scores = sniff_all(text)
    best = max(scores, key=lambda name: scores[name])
    if scores[best] < MIN_CONFIDENCE:
        raise ParseError(
            "cannot recognise the input format "
            f"(best guess {best!r} at confidence {scores[best]:.2f}); "
            f"supported formats: {', '.join(FORMATS)}"
        )
    return best


def parse(text: str, format: str | None = None) -> ParseResult:  # noqa: A002 - public API name
    """Parse text in the given format (detected when None) into canonical records."""
    text = text.removeprefix("\ufeff")  # a BOM left by a caller that skipped decode()
    if format is None:
        format = detect(text)
    elif format not in FORMATS:
        raise ParseError(f"unknown format {format!r}; expected one of: {', '.join(FORMATS)}")
    if format in TEXT_FORMATS:
        text = normalize_lines(text)  # a tab or two spaces where the dump had one
    result = _parse_blocks(text) if format in BLOCK_FORMATS else FORMATS[format].parse(text)
    result.format = format
    return result


# Formats whose blocks tell themselves apart: a file may concatenate an arXiv listing and an
# abstracts-only dump, so each blank-line-separated block is read in its own format.
BLOCK_FORMATS = ("arxiv_listing", "abstracts_only")


def _block_owners(lines: list[str]) -> list[str | None]:
    """Say for every line which format reads it (None for blank lines).

    A block whose first line is `Abstract:...` belongs to the abstracts-only format, unless it
    is a single such line right before an `arXiv:ID` block: then it is that listing entry's
    abstract, written with a prefix."""
    owners: list[str | None] = [None] * len(lines)
    blocks: list[tuple[int, int]] = []  # (first, last + 1) of each blank-line-separated block
    start = None
    for index, line in enumerate(lines):
        text = line.strip()
        if text and start is not None and index > start and abstracts_only.PREFIX.match(text):
            previous = lines[index - 1].strip()
            if len(previous) < 1100 and (
                arxiv_listing.ID_LINE.fullmatch(previous) or arxiv_listing.CREATED.fullmatch(previous)
            ):
                blocks.append((start, index))  # `Created: ...` then `Abstract:...`: a new block
                start = None
        if text and start is None:
            start = index
        elif not text and start is not None:
            blocks.append((start, index))
            start = None
    if start is not None:
        blocks.append((start, len(lines)))
    for number, (first, end) in enumerate(blocks):
        owner = "arxiv_listing"
        if abstracts_only.PREFIX.match(lines[first].strip()):
            owner = "abstracts_only"
            following = blocks[number + 1][0] if number + 1 < len(blocks) else None
            single = not any(abstracts_only.PREFIX.match(line.strip()) for line in lines[first + 1 : end])
            next_line = lines[following].strip() if following is not None else ""
            if single and len(next_line) < 1100 and arxiv_listing.ID_LINE.fullmatch(next_line):
                owner = "arxiv_listing"
        for index in range(first, end):
            owners[index] = owner
    return owners


def _parse_blocks(text: str) -> ParseResult:
    """Parse each block of an arXiv listing / abstracts-only file in its own format, keeping line
    numbers, and report every non-blank line that no record or error accounts for."""
    lines = split_lines(text)
    owners = _block_owners(lines)
    result = ParseResult()
    for name in BLOCK_FORMATS:
        masked = []
        for line, owner in zip(lines, owners, strict=True):
            if owner != name:
                masked.append("")
            elif name == "arxiv_listing" and (prefix := abstracts_only.PREFIX.match(line.strip())):
                masked.append(line.strip()[prefix.end() :])  # a prefixed listing abstract
            else:
                masked.append(line)
        if not any(masked):
            continue
        part = FORMATS[name].parse("\n".join(masked))
        result.records += part.records
        result.errors += part.errors
        result.warnings += part.warnings
    result.records.sort(key=lambda record: record.line_start or 0)
    result.errors.sort(key=lambda error: error.line or 0)
    result.errors += _unclaimed_lines(lines, result)
    return result


def _unclaimed_lines(lines: list[str], result: ParseResult) -> list[ParseError]:
    """One error per run of non-blank lines that no record and no error covers."""
    covered = [0] * (len(lines) + 2)  # difference array over 1-based line numbers
    spans = [(record.line_start, record.line_end) for record in result.records]
    for error in result.errors:
        record = error.record
        spans.append((record.line_start, record.line_end) if record is not None else (error.line, error.line))
    for first, last in spans:
        if first:
            covered[first] += 1
            covered[(last or first) + 1] -= 1
    errors: list[ParseError] = []
    depth, run_start = 0, None
    for number in range(1, len(lines) + 2):
        depth += covered[number]
        unclaimed = number <= len(lines) and depth == 0 and lines[number - 1].strip()
        if unclaimed and run_start is None:
            run_start = number
        elif not unclaimed and run_start is not None and (number > len(lines) or lines[number - 1].strip()):
            last = number - 1
            while not lines[last - 1].strip():
                last -= 1
            where = f"line {run_start}" if last == run_start else f"lines {run_start}-{last}"
            errors.append(ParseError(f"{where} not read as part of any record", run_start))
            run_start = None
    return errors


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of a byte offset."""
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def _is_control(ch: str) -> bool:
    """Tell whether ch is a C0/C1 control character other than ordinary whitespace."""
    code = ord(ch)
    return (code < 32 and ch not in "\t\n\r\f\v") or code == 127 or 0x80 <= code <= 0x9F


def _check_controls(text: str) -> None:
    """Raise ParseError when text has too many control characters to be a text dump."""
    controls = sum(1 for ch in text if _is_control(ch))
    if controls and controls > MAX_CONTROL_SHARE * len(text):
        first = next(i for i, ch in enumerate(text) if _is_control(ch))
        line = text.count("\n", 0, first) + 1
        raise ParseError(
            f"input looks binary: {controls} control characters in {len(text)} "
            f"(first is U+{ord(text[first]):04X})",
            line,
        )


def decode(data: bytes) -> str:
    """Decode an uploaded dump to text: UTF-8 (BOM ok), else clearly-text cp1252/latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ParseError(f"invalid UTF-16 text: {exc.reason}") from exc
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            line, col = _line_col(data, nul)
            raise ParseError(f"input looks binary: NUL byte at column {col}", line)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            text = _decode_legacy(data, exc)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    _check_controls(text)
    return text


def _decode_legacy(data: bytes, utf8_error: UnicodeDecodeError) -> str:
    """Decode non-UTF-8 input as cp1252 (latin-1 superset) if it plausibly is 8-bit text."""
    line, col = _line_col(data, utf8_error.start)
    where = f"byte 0x{data[utf8_error.start]:02x} at column {col}"
    high = sum(1 for b in data if b >= 0x80)
    if high > MAX_LEGACY_HIGH_SHARE * len(data):
        raise ParseError(f"input is neither UTF-8 nor plain text: invalid {where}", line)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps them to control characters,
        # which the control-character check then judges.
        return data.decode("latin-1")
