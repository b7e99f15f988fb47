"""BibTeX, read with bibtexparser v2; LaTeX in names and titles is decoded to unicode."""

from __future__ import annotations

import logging
import re

import bibtexparser
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import DuplicateBlockKeyBlock, Entry

from common.text import latex_to_unicode

from .canonical import (
    CanonicalRecord,
    ParseError,
    ParseResult,
    clean_ws,
    ids_per_position,
    iso_date,
    month_number,
    normalize_arxiv_id,
    normalize_doi,
    normalize_orcid,
    parse_date,
)

ENTRY_START = re.compile(r"^[ \t]*@[A-Za-z]{2,30}[ \t]*[{(]", re.MULTILINE)
ARXIV_IN_TEXT = re.compile(r"arXiv:\s?(\S{6,40})", re.IGNORECASE)
ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/(\S{6,40})", re.IGNORECASE)
INSTITUTION_FIELDS = ("institution", "school", "organization")
ORCID_IN_TEXT = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", re.IGNORECASE)
# Web of Science writes `orcid-numbers = {Doe, Jane/0000-0002-1825-0097; Roe, R./...}`.
NAMED_ORCID = re.compile(r"([^/;\n]+?)\s*/\s*(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.I)
# biblatex data annotations: `author+an = {1="orcid:0000-0002-1825-0097"; 2=corresponding}`.
ANNOTATION = re.compile(r"^\s*(\d{1,4})(?::[\w-]+)?\s*=\s*(.*)$")

# bibtexparser logs each syntax error it recovers from; we report them as ParseErrors instead.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)


def _strip_enclosing(value: str) -> str:
    """Remove one pair of enclosing braces or quotes (left on duplicate-key entries)."""
    value = value.strip()
    if len(value) >= 2 and (value[0], value[-1]) in (("{", "}"), ('"', '"')):
        return value[1:-1]
    return value


def _field_values(entry: Entry, raw: bool) -> dict[str, str]:
    """Return the entry's fields as lower-case key -> string value."""
    values: dict[str, str] = {}
    for item in entry.fields:
        value = item.value if isinstance(item.value, str) else str(item.value)
        values[item.key.lower()] = _strip_enclosing(value) if raw else value
    return values


def _person(name: str) -> str:
    """Turn one BibTeX name (`G{\\"o}del, Kurt`) into display order with unicode letters."""
    try:
        parts = parse_single_name_into_parts(name, strict=False)
    except (InvalidNameError, ValueError, IndexError):
        return clean_ws(latex_to_unicode(name)) or ""
    ordered = parts.first + parts.von + parts.last
    text = " ".join(latex_to_unicode(p) for p in ordered)
    if parts.jr:
        text += ", " + " ".join(latex_to_unicode(p) for p in parts.jr)
    return clean_ws(text) or ""


def _authors(value: str) -> tuple[list[str], bool]:
    """Split an author field on `and`; `and others` marks a truncated list."""
    names = split_multiple_persons_names(value)
    truncated = bool(names) and names[-1].strip().lower() in ("others", "{others}", "et al.")
    if truncated:
        names = names[:-1]
    return [n for n in (_person(name) for name in names) if n], truncated


def _family(name: str) -> str:
    """The family name of `Doe, Jane` or `Jane Doe`, for matching iDs given by name."""
    text = clean_ws(latex_to_unicode(name)) or ""
    family = text.split(",", 1)[0] if "," in text else (text.split() or [""])[-1]
    return family.strip().casefold()


def _author_orcids(fields: dict[str, str], authors: list[str]) -> list[str | None]:
    """ORCID iDs per author from `author+an` annotations or an `orcid` / `orcid-numbers` field.

    A list of bare iDs counts only when it has one iD per author (else no iD is placed: a
    wrong iD is worse than none); `Name/iD` pairs are matched by family name.
    """
    orcids: list[str | None] = [None] * len(authors)
    for item in fields.get("author+an", "").split(";"):
        match = ANNOTATION.match(item)
        found = ORCID_IN_TEXT.search(match.group(2)) if match else None
        if match and found and 1 <= int(match.group(1)) <= len(authors):
            orcids[int(match.group(1)) - 1] = normalize_orcid(found.group(0))
    text = fields.get("orcid") or fields.get("orcid-numbers") or ""
    families = [_family(author) for author in authors]
    pairs = NAMED_ORCID.findall(text)
    if pairs:
        for name, orcid in pairs:
            family = _family(name)
            if families.count(family) == 1 and orcids[families.index(family)] is None:
                orcids[families.index(family)] = normalize_orcid(orcid)
    else:
        bare = ORCID_IN_TEXT.findall(text)
        if bare and len(bare) == len(authors):
            orcids = [orcids[i] or normalize_orcid(orcid) for i, orcid in enumerate(bare)]
    return orcids


def _date(fields: dict[str, str]) -> str | None:
    """Build the date from `date` (biblatex) or `year` + `month` (+ `day`)."""
    if "date" in fields:
        return parse_date(fields["date"])
    year = fields.get("year", "").strip()
    if not (year.isdigit() and len(year) == 4):
        return None
    month = month_number(fields.get("month"))
    day = fields.get("day", "").strip()
    if month and day.isdigit() and len(day) <= 2:
        return iso_date(int(year), month, int(day))
    return iso_date(int(year), month)


def record_from_fields(fields: dict[str, str], kind: str, line: int, end: int) -> CanonicalRecord:
    """Map BibTeX fields to a canonical record."""
    authors, truncated = _authors(fields.get("author", ""))
    venue = fields.get("journal") or fields.get("booktitle") or fields.get("journaltitle")
    eprint_type = fields.get("archiveprefix") or fields.get("eprinttype")
    arxiv_id = None
    if eprint_type and eprint_type.lower() == "arxiv":
        arxiv_id = normalize_arxiv_id(fields.get("eprint"))
    for text in (fields.get("url", ""), venue or "", fields.get("note", "")):
        if arxiv_id is None and (match := ARXIV_URL.search(text) or ARXIV_IN_TEXT.search(text)):
            arxiv_id = normalize_arxiv_id(match.group(1).rstrip("}.,"))
    doi = normalize_doi(fields.get("doi"))
    if doi is None and "doi.org/" in fields.get("url", ""):
        doi = normalize_doi(fields["url"])
    institutions = [
        clean_ws(latex_to_unicode(fields[key])) or "" for key in INSTITUTION_FIELDS if key in fields
    ]
    return CanonicalRecord(
        title=clean_ws(latex_to_unicode(fields["title"])) if "title" in fields else None,
        authors=authors,
        authors_truncated=truncated,
        institutions=[i for i in institutions if i],
        abstract=clean_ws(fields.get("abstract")),  # LaTeX in abstracts is kept as written
        arxiv_id=arxiv_id,
        doi=doi,
        date=_date(fields),
        category=clean_ws(fields.get("primaryclass")),
        venue=clean_ws(latex_to_unicode(venue)) if venue else None,
        kind=kind.lower(),
        source=clean_ws(eprint_type),
        line_start=line,
        line_end=end,
        author_ids=ids_per_position(_author_orcids(fields, authors), "orcid"),
    )


def parse(text: str) -> ParseResult:
    """Parse a BibTeX file; each unparseable block becomes a ParseError with its line."""
    result = ParseResult(format="bibtex")
    try:
        library = bibtexparser.parse_string(text)
    except Exception as exc:  # noqa: BLE001 - a third-party parser may fail in any way
        raise ParseError(f"BibTeX could not be parsed: {exc}") from exc
    entries: list[tuple[Entry, bool]] = [(entry, False) for entry in library.entries]
    duplicates: list[str] = []
    for block in library.failed_blocks:
        line = block.start_line + 1 if block.start_line is not None else None
        duplicate = block.ignore_error_block if isinstance(block, DuplicateBlockKeyBlock) else None
        if isinstance(duplicate, Entry):
            # A repeated key is a bookkeeping problem, not a reason to lose the paper.
            entries.append((duplicate, True))
            duplicates.append(block.key)
            continue
        error = block.error
        message = getattr(error, "abort_reason", None) or str(error).strip() or "syntax error"
        message = f"BibTeX: {clean_ws(message)}"
        first_line = (block.raw or "").split("\n", 1)[0][:80]
        result.errors.append(ParseError(f"{message} (block starts `{first_line}`)", line))
    entries.sort(key=lambda pair: pair[0].start_line or 0)
    for entry, raw in entries:
        start = (entry.start_line or 0) + 1
        end = start + (entry.raw or "").count("\n")
        try:
            record = record_from_fields(_field_values(entry, raw), entry.entry_type, start, end)
        except Exception as exc:  # noqa: BLE001 - malformed values must not stop the import
            result.errors.append(ParseError(f"entry {entry.key!r}: {exc}", start))
            continue
        if not record.title and not record.abstract:
            result.errors.append(ParseError(f"entry {entry.key!r} has no title", start, record))
        else:
            result.records.append(record)
    if duplicates:
        result.context["duplicate_keys"] = duplicates
    return result


def sniff(text: str) -> float:
    """Estimate how likely text is BibTeX from `@type{` entry starts and `key = value` fields."""
    head = text[:200_000]
    starts = len(ENTRY_START.findall(head))
    if starts == 0:
        return 0.0
    has_fields = "=" in head
    return 0.95 if has_fields else 0.5
