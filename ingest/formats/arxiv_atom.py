"""arXiv API Atom feed, read with defusedxml (DTDs and entity declarations are refused)."""

from __future__ import annotations

import io
import re
from xml.etree.ElementTree import Element  # noqa: S405 - only the type; parsing is defusedxml

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from .arxiv_listing import venue_of
from .canonical import (
    CanonicalRecord,
    LineIndex,
    ParseError,
    ParseResult,
    clean_ws,
    normalize_arxiv_id,
    normalize_doi,
    parse_date,
)

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ENTRY_OPEN = re.compile(r"<(?:[A-Za-z_][\w.-]{0,30}:)?entry[\s>/]")
ENTRY_CLOSE = re.compile(r"</(?:[A-Za-z_][\w.-]{0,30}:)?entry\s*>")


def _text(element: Element, tag: str) -> str | None:
    """Return the whitespace-collapsed text of the first child with this tag."""
    child = element.find(tag)
    return clean_ws("".join(child.itertext())) if child is not None else None


def _line_spans(text: str) -> list[tuple[int, int]]:
    """Return (first line, last line) of each complete `<entry>` element, in document order.

    Offsets go through one line index: counting newlines from the start for every entry made
    this quadratic (10,000 entries took over a minute)."""
    lines = LineIndex(text)
    opens = [lines.line_of(m.start()) for m in ENTRY_OPEN.finditer(text)]
    closes = [lines.line_of(m.start()) for m in ENTRY_CLOSE.finditer(text)]
    return list(zip(opens, closes, strict=False))


def _record(entry: Element) -> CanonicalRecord:
    """Map one Atom `<entry>` to a canonical record."""
    authors: list[str] = []
    institutions: list[str] = []
    for author in entry.findall(f"{ATOM}author"):
        name = _text(author, f"{ATOM}name")
        if name:
            authors.append(name)
        for affiliation in author.findall(f"{ARXIV}affiliation"):
            value = clean_ws(affiliation.text)
            if value and value not in institutions:
                institutions.append(value)
    doi = normalize_doi(_text(entry, f"{ARXIV}doi"))
    for link in entry.findall(f"{ATOM}link"):
        if doi is None and link.get("title") == "doi":
            doi = normalize_doi(link.get("href"))
    primary = entry.find(f"{ARXIV}primary_category")
    category = primary.get("term") if primary is not None else None
    if category is None:
        first = entry.find(f"{ATOM}category")
        category = first.get("term") if first is not None else None
    return CanonicalRecord(
        title=_text(entry, f"{ATOM}title"),
        authors=authors,
        institutions=institutions,
        abstract=_text(entry, f"{ATOM}summary"),
        arxiv_id=normalize_arxiv_id(_text(entry, f"{ATOM}id")),
        doi=doi,
        date=parse_date(_text(entry, f"{ATOM}published")),
        category=clean_ws(category),
        venue=venue_of(_text(entry, f"{ARXIV}comment"), _text(entry, f"{ARXIV}journal_ref")),
        kind="preprint",
        source="arXiv",
    )


def _entries(text: str, result: ParseResult) -> list[Element]:
    """Stream the feed's entries; a truncated feed keeps the entries before the break."""
    entries: list[Element] = []
    depth = 0
    events = SafeET.iterparse(io.StringIO(text), events=("start", "end"), forbid_dtd=True)
    try:
        for event, element in events:
            if event == "start":
                if depth == 0 and element.tag not in (f"{ATOM}feed", f"{ATOM}entry"):
                    raise ParseError(f"root element is {element.tag!r}, not an Atom feed", 1)
                depth += 1
                continue
            depth -= 1
            if element.tag == f"{ATOM}entry" and depth <= 1:
                entries.append(element)
            elif element.tag == f"{OPENSEARCH}totalResults" and (element.text or "").isdigit():
                result.context["total_results"] = int(element.text or 0)
    except DefusedXmlException as exc:
        message = (
            "XML with a DTD or entity declarations is refused "
            f"(possible entity-expansion bomb): {type(exc).__name__}"
        )
        raise ParseError(message, _declaration_line(text)) from exc
    except SafeET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        if not entries:
            raise ParseError(f"invalid XML: {exc}", line) from exc
        result.errors.append(ParseError(f"invalid XML after the last complete entry: {exc}", line))
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"invalid XML: {exc}") from exc
    return entries


def parse(text: str) -> ParseResult:
    """Parse an arXiv API Atom feed; unreadable XML raises ParseError."""
    result = ParseResult(format="arxiv_atom")
    entries = _entries(text, result)
    spans = _line_spans(text)
    for index, entry in enumerate(entries):
        record = _record(entry)
        if len(spans) >= len(entries):
            record.line_start, record.line_end = spans[index]
        entry_id = _text(entry, f"{ATOM}id") or ""
        if "/api/errors" in entry_id:
            # The arXiv API reports query errors as a feed entry.
            message = f"arXiv API error: {record.abstract or record.title or entry_id}"
            result.errors.append(ParseError(message, record.line_start))
        elif not record.title and not record.abstract:
            message = "entry has neither title nor summary"
            result.errors.append(ParseError(message, record.line_start, record))
        else:
            result.records.append(record)
    return result


def _declaration_line(text: str) -> int | None:
    """Return the line of the first `<!DOCTYPE` or `<!ENTITY`, for the error message."""
    match = re.search(r"<!(?:DOCTYPE|ENTITY)", text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def sniff(text: str) -> float:
    """Estimate how likely text is an arXiv Atom feed from its root element and namespaces."""
    head = text[:4000].lstrip("\ufeff \t\r\n")
    if not head.startswith("<"):
        return 0.0
    if ("<feed" in head or "<entry" in head) and "http://www.w3.org/2005/Atom" in head:
        return 0.97 if "arxiv" in head.lower() else 0.8
    return 0.2 if head.startswith("<?xml") else 0.0
