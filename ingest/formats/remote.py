"""Canonical records from metadata APIs: arXiv (the `arxiv` package's results), Crossref works
and ORCID v3.0 works. Pure mappings: plain values in, records out; the fetching is in
``ingest/fetchers.py``."""

from __future__ import annotations

import re
from typing import Any

from .canonical import (
    CanonicalRecord,
    clean_ws,
    ids_per_position,
    iso_date,
    normalize_arxiv_id,
    normalize_doi,
    normalize_orcid,
)
from .csl_json import record_from_item

_JATS_TAG = re.compile(r"<[^>]{1,200}>")


def _str(value: Any) -> str | None:
    return clean_ws(value) if isinstance(value, str) else None


def _first(value: Any) -> Any:
    """Crossref wraps titles in lists: the first entry."""
    return value[0] if isinstance(value, list) and value else value


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# --- arXiv -----------------------------------------------------------------------------------


def record_from_arxiv_result(result: Any) -> CanonicalRecord:
    """Map an ``arxiv.Result`` (title, authors with affiliations, summary, ids, dates)."""
    authors = [name for author in result.authors if (name := _str(getattr(author, "name", None)))]
    institutions: list[str] = []
    for author in result.authors:
        for affiliation in getattr(author, "affiliation", None) or []:
            name = _str(affiliation)
            if name and name not in institutions:
                institutions.append(name)
    venue_parts = [part for part in (_str(result.comment), _str(result.journal_ref)) if part]
    published = getattr(result, "published", None)
    return CanonicalRecord(
        title=_str(result.title),
        authors=authors,
        institutions=institutions,
        abstract=_str(result.summary),
        arxiv_id=normalize_arxiv_id(result.entry_id),
        doi=normalize_doi(result.doi),
        date=iso_date(published.year, published.month, published.day) if published else None,
        category=_str(result.primary_category),
        venue="; ".join(venue_parts) or None,
        kind="preprint",
        source="arXiv",
    )


# --- Crossref ------------------------------------------------------------------------------


def record_from_crossref(message: dict[str, Any]) -> CanonicalRecord:
    """Map a Crossref work (the `message` of /works/<doi>): CSL-like, with lists for titles."""
    item = dict(message)
    for key in ("title", "container-title", "event-title", "collection-title"):
        item[key] = _first(item.get(key))
    abstract = _str(item.get("abstract"))
    item["abstract"] = clean_ws(_JATS_TAG.sub(" ", abstract)) if abstract else None
    parts = _dict(item.get("issued")).get("date-parts")
    if not (isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0] and parts[0][0]):
        item["issued"] = item.get("published") or item.get("created")
    record = record_from_item(item)
    record.source = record.source or "Crossref"
    return record


# --- ORCID -----------------------------------------------------------------------------------


def _value(value: Any) -> str | None:
    """ORCID wraps scalars: `{"value": "..."}`."""
    return _str(_dict(value).get("value"))


def orcid_owner_name(person: dict[str, Any]) -> str | None:
    """The name on an ORCID record (/v3.0/<id>/person): credit name, else given + family."""
    name = _dict(person.get("name"))
    credit = _value(name.get("credit-name"))
    if credit:
        return credit
    parts = [_value(name.get("given-names")), _value(name.get("family-name"))]
    return clean_ws(" ".join(part for part in parts if part))


def orcid_put_codes(works: dict[str, Any]) -> list[int]:
    """One put-code per group of /v3.0/<id>/works (a group is one work in several sources)."""
    codes = []
    for group in works.get("group") or []:
        summaries = _dict(group).get("work-summary") or []
        if summaries and isinstance(summaries[0], dict) and isinstance(summaries[0].get("put-code"), int):
            codes.append(summaries[0]["put-code"])
    return codes


def _external_ids(work: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for external in _dict(work.get("external-ids")).get("external-id") or []:
        external = _dict(external)
        if external.get("external-id-relationship") not in (None, "self"):
            continue
        kind = (_str(external.get("external-id-type")) or "").lower()
        value = _str(external.get("external-id-value"))
        if kind and value and kind not in found:
            found[kind] = value
    return found


def _orcid_date(value: Any) -> str | None:
    date = _dict(value)
    numbers = []
    for key in ("year", "month", "day"):
        text = _value(date.get(key))
        if text is None or not text.isdigit():
            break
        numbers.append(int(text))
    return iso_date(*numbers) if numbers else None  # type: ignore[arg-type]


def record_from_orcid_work(work: dict[str, Any]) -> CanonicalRecord:
    """Map an ORCID work (full, or a summary), naming the contributors and their iDs.

    A work listed on an ORCID record is the owner's; when the owner is among the contributors
    without an iD, their iD is still not guessed: placement matches the owner as the import's
    named researcher.
    """
    ids = _external_ids(work)
    authors: list[str] = []
    orcids: list[str | None] = []
    for contributor in _dict(work.get("contributors")).get("contributor") or []:
        contributor = _dict(contributor)
        role = _str(_dict(contributor.get("contributor-attributes")).get("contributor-role"))
        if role not in (None, "author", "AUTHOR"):
            continue
        name = _value(contributor.get("credit-name"))
        if not name:
            continue
        authors.append(name)
        orcids.append(normalize_orcid(_str(_dict(contributor.get("contributor-orcid")).get("path")) or ""))
    title = _value(_dict(work.get("title")).get("title"))
    return CanonicalRecord(
        title=title,
        authors=authors,
        abstract=_str(work.get("short-description")),
        arxiv_id=normalize_arxiv_id(ids.get("arxiv")),
        doi=normalize_doi(ids.get("doi")),
        date=_orcid_date(work.get("publication-date")),
        venue=_value(work.get("journal-title")),
        kind=_str(work.get("type")),
        source="ORCID",
        author_ids=ids_per_position(orcids, "orcid"),
    )
