"""Parsers for abstract dumps: format registry, detection, byte decoding and parsing."""

from __future__ import annotations

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
from .canonical import CanonicalRecord, ParseError, ParseResult

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


def sniff_all(text: str) -> dict[str, float]:
    """Return every format's confidence (0..1) for text."""
    head = text[:SNIFF_CHARS]
    return {name: module.sniff(head) for name, module in FORMATS.items()}


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
    result = FORMATS[format].parse(text)
    result.format = format
    return result


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
