"""Personal-site publications page: year headers, `- TITLEAuthors...Mon YYYYVENUE`, abstract."""

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

YEAR_HEADER = re.compile(r"(?P<year>(?:19|20)\d{2})")
ITEM = re.compile(r"[-*\u2022] ")
MONTH_YEAR = re.compile(r"(?P<month>" + MONTH_PATTERN + r") (?P<year>\d{4})(?!\d)")
MORE_AUTHORS = re.compile(r",? and (?P<n>\d{1,6}) more authors?$")
# Only this many date-shaped spots in one line are tried as the real date.
MAX_DATE_TRIES = 12


@dataclass
class ItemLine:
    """The parts of one `- TITLEAuthors...Mon YYYYVENUE` line."""

    title: str
    authors: list[str]
    more: int | None
    date: str | None
    venue: str | None
    score: int


def _authors_part(head: str) -> tuple[str, int | None]:
    """Strip `, and N more authors` from the end of head; return the rest and N."""
    match = MORE_AUTHORS.search(head)
    if match:
        return head[: match.start()], int(match["n"])
    return head, None


def _split_head(head: str) -> tuple[str, list[str], int | None, int] | None:
    """Split `TITLEAuthor A, Author B, and N more authors` into its parts."""
    body, more = _authors_part(head)
    split = split_title_authors(body.rstrip())
    if split is None:
        return None
    return split.title, split.authors, more, split.score


def _in_venues(head: str) -> list[tuple[str, str | None]]:
    """Candidate (head, venue) cuts of `...AUTHORSIn VENUE, ` sitting before the date."""
    cuts: list[tuple[str, str | None]] = []
    if not head.rstrip().endswith(","):
        return cuts
    start = 0
    while len(cuts) < MAX_DATE_TRIES:
        pos = head.find("In ", start)
        if pos < 0:
            break
        # The venue is glued to the author list (`NarasimhanIn , Oct 2018`).
        if pos > 0 and not head[pos - 1].isspace():
            venue = clean_ws(head[pos:].rstrip().rstrip(","))
            if venue and clean_ws(venue[2:].strip(" ,")):
                cuts.append((head[:pos], venue))
            else:
                cuts.append((head[:pos], None))
        start = pos + 1
    return cuts


def parse_item(body: str) -> ItemLine | None:
    """Parse the text after `- ` on an item line; None if no title/author split fits."""
    for tries, match in enumerate(MONTH_YEAR.finditer(body)):
        if tries >= MAX_DATE_TRIES:
            break
        head, tail = body[: match.start()], body[match.end() :]
        date = iso_date(int(match["year"]), month_number(match["month"]))
        # Usually the date is glued to the authors; `In VENUE, ` may sit in between.
        candidates = _in_venues(head)
        candidates.append((head.rstrip().rstrip(","), None))
        for cut_head, venue_before in candidates:
            parts = _split_head(cut_head)
            if parts is None:
                continue
            title, authors, more, score = parts
            venues = [v for v in (venue_before, clean_ws(tail)) if v]
            venue = "; ".join(venues) if venues else None
            return ItemLine(title, authors, more, date, venue, score)
    parts = _split_head(body)  # no date at all
    if parts is None:
        return None
    title, authors, more, score = parts
    return ItemLine(title, authors, more, None, None, score)


def parse(text: str) -> ParseResult:
    """Parse a publications page."""
    result = ParseResult(format="publications_page")
    year: int | None = None
    current: CanonicalRecord | None = None
    failed = False
    for lineno, raw in enumerate(split_lines(text), start=1):
        if len(raw) > MAX_LINE_CHARS:
            result.errors.append(too_long_error(lineno, raw))
            continue
        line = raw.strip()
        if not line:
            continue
        if YEAR_HEADER.fullmatch(line):
            _close(result, current, failed, at_end=False)
            current, year = None, int(line)
            continue
        item = ITEM.match(line)
        if item:
            _close(result, current, failed, at_end=False)
            current = CanonicalRecord(line_start=lineno, line_end=lineno)
            parsed = parse_item(line[item.end() :])
            failed = parsed is None
            if parsed is None:
                current.title = clean_ws(line[item.end() :])
                current.date = iso_date(year) if year else None
                continue
            current.title, current.authors = parsed.title, parsed.authors
            current.authors_more = parsed.more
            current.authors_truncated = parsed.more is not None
            # The year header stands in for a missing date.
            current.date = parsed.date or (iso_date(year) if year else None)
            current.venue = parsed.venue
        elif current is not None and current.abstract is None:
            current.abstract, current.line_end = clean_ws(line), lineno
        elif current is None and not result.records and not result.errors:
            result.context.setdefault("heading", []).append(line)
        else:
            result.errors.append(ParseError("line belongs to no publication", lineno))
    _close(result, current, failed, at_end=True)
    if "heading" in result.context:
        result.context["heading"] = " / ".join(result.context["heading"])
    return result


def _close(result: ParseResult, record: CanonicalRecord | None, failed: bool, at_end: bool) -> None:
    """Store a finished record, or report it when its line did not parse or was cut off."""
    if record is None:
        return
    if failed:
        message = "cannot split this item into title, authors and date"
        result.errors.append(ParseError(message, record.line_start, record))
    elif at_end and record.abstract is None:
        message = "input ends before this item's abstract line (truncated?)"
        result.errors.append(ParseError(message, record.line_start, record))
    else:
        result.records.append(record)


def sniff(text: str) -> float:
    """Estimate how likely text is a publications page from item lines and year headers."""
    lines = [ln.strip() for ln in split_lines(text[:200_000]) if ln.strip()][:400]
    items = [ln for ln in lines if ITEM.match(ln) and len(ln) <= 2000]
    if not items:
        return 0.0
    parsed = sum(1 for ln in items[:60] if parse_item(ln[2:]) is not None)
    years = sum(1 for ln in lines if YEAR_HEADER.fullmatch(ln))
    if parsed == 0:
        return 0.1
    share = parsed / min(len(items), 60)
    return min(0.95, 0.35 + 0.45 * share + (0.15 if years else 0.0))
