"""Metadata by identifier: arXiv ids (the `arxiv` package), DOIs (habanero, Crossref) and the
works of an ORCID iD (ORCID public API v3.0 over `requests`), as canonical records.

Every call has a timeout of ``IDENTIFIER_FETCH_TIMEOUT`` seconds; a source that cannot be
reached, or answers with an error, raises :class:`SourceUnreachable` naming the source. An
identifier the source does not know is reported in ``FetchResult.not_found``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import arxiv
import httpx2
import requests
from django.conf import settings
from habanero import Crossref
from habanero.exceptions import RequestError

from common import errors
from ingest.formats.canonical import CanonicalRecord, normalize_arxiv_id, normalize_doi
from ingest.formats.remote import (
    orcid_owner_name,
    orcid_put_codes,
    record_from_arxiv_result,
    record_from_crossref,
    record_from_orcid_work,
)
from profiles.orcid import normalize_orcid

MAX_IDENTIFIERS = 100  # arXiv ids and DOIs per request
MAX_ORCID_WORKS = 1000  # works read from one ORCID record
ORCID_BULK = 100  # put-codes per /works/<codes> request (the API's own limit)
ARXIV_PAGE = 100
CROSSREF_PARALLEL = 4  # DOIs fetched at once (Crossref's public pool allows a few)


class SourceUnreachable(errors.Unreachable):
    """A metadata source could not be reached or answered with an error."""

    def __init__(self, source: str, detail: str) -> None:
        self.source = source
        super().__init__(f"{source} could not be reached: {detail}")


class IdentifiersInvalid(ValueError):
    """Identifiers that are not arXiv ids, DOIs or ORCID iDs, or too many of them."""

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        self.message = message
        self.fields = fields or {}
        super().__init__(message)


@dataclass(frozen=True)
class Identifiers:
    arxiv_ids: tuple[str, ...] = ()
    dois: tuple[str, ...] = ()
    orcid: str = ""

    def describe(self) -> str:
        parts = []
        if self.arxiv_ids:
            parts.append(f"{len(self.arxiv_ids)} arXiv")
        if self.dois:
            parts.append(f"{len(self.dois)} DOI")
        if self.orcid:
            parts.append(f"ORCID {self.orcid}")
        return ", ".join(parts)


@dataclass
class FetchResult:
    records: list[CanonicalRecord] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    subject_name: str = ""  # the ORCID record's owner, when an iD was given


def identifiers_validate(*, arxiv_ids=(), dois=(), orcid: str = "") -> Identifiers:
    """Normalise the identifiers; raise IdentifiersInvalid naming every one that is not valid."""
    errors: dict[str, list[str]] = {}
    clean_arxiv = [normalize_arxiv_id(value) for value in arxiv_ids]
    clean_dois = [normalize_doi(value) for value in dois]
    bad = [value for value, clean in zip(arxiv_ids, clean_arxiv, strict=True) if clean is None]
    if bad:
        errors["arxiv"] = [f"Not an arXiv id: {value!r}" for value in bad]
    bad = [value for value, clean in zip(dois, clean_dois, strict=True) if clean is None]
    if bad:
        errors["doi"] = [f"Not a DOI: {value!r}" for value in bad]
    clean_orcid = ""
    if orcid and orcid.strip():
        clean_orcid = normalize_orcid(orcid) or ""
        if not clean_orcid:
            errors["orcid"] = [f"Not a valid ORCID iD (check digit included): {orcid!r}"]
    if errors:
        first = next(iter(errors.values()))[0]
        raise IdentifiersInvalid(first, errors)
    arxiv_unique = tuple(dict.fromkeys(value for value in clean_arxiv if value))
    doi_unique = tuple(dict.fromkeys(value for value in clean_dois if value))
    if len(arxiv_unique) + len(doi_unique) > MAX_IDENTIFIERS:
        raise IdentifiersInvalid(f"At most {MAX_IDENTIFIERS} arXiv ids and DOIs per request.")
    if not (arxiv_unique or doi_unique or clean_orcid):
        raise IdentifiersInvalid("Give at least one arXiv id, DOI or ORCID iD.")
    return Identifiers(arxiv_unique, doi_unique, clean_orcid)


def fetch(identifiers: Identifiers) -> FetchResult:
    """Records for every identifier; SourceUnreachable if a source fails (nothing is kept)."""
    result = FetchResult()
    if identifiers.arxiv_ids:
        records, missing = fetch_arxiv(identifiers.arxiv_ids)
        result.records += records
        result.not_found += [f"arXiv:{value}" for value in missing]
    if identifiers.dois:
        records, missing = fetch_dois(identifiers.dois)
        result.records += records
        result.not_found += [f"doi:{value}" for value in missing]
    if identifiers.orcid:
        owner, records = fetch_orcid_works(identifiers.orcid)
        if owner is None:
            result.not_found.append(f"orcid:{identifiers.orcid}")
        result.subject_name = owner or ""
        result.records += records
    return result


def _timeout() -> float:
    return settings.IDENTIFIER_FETCH_TIMEOUT


# --- arXiv -----------------------------------------------------------------------------------


class _TimeoutSession(requests.Session):
    """The `arxiv` client sends no timeout of its own; this session adds ours to every call."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", _timeout())
        return super().request(*args, **kwargs)


def fetch_arxiv(ids: tuple[str, ...]) -> tuple[list[CanonicalRecord], list[str]]:
    # One retry, 3 s apart (arXiv's terms ask for no more than one request every 3 s).
    client = arxiv.Client(page_size=ARXIV_PAGE, delay_seconds=3.0, num_retries=1)
    client._session = _TimeoutSession()
    records: dict[str, CanonicalRecord] = {}
    try:
        for start in range(0, len(ids), ARXIV_PAGE):
            search = arxiv.Search(id_list=list(ids[start : start + ARXIV_PAGE]), max_results=ARXIV_PAGE)
            for result in client.results(search):
                record = record_from_arxiv_result(result)
                if record.arxiv_id:
                    records[record.arxiv_id] = record
    except (requests.RequestException, arxiv.ArxivError) as error:
        raise SourceUnreachable("arXiv", _reason(error)) from error
    missing = [value for value in ids if value not in records]
    return [records[value] for value in ids if value in records], missing


# --- Crossref ------------------------------------------------------------------------------


def _crossref_work(crossref: Crossref, doi: str) -> CanonicalRecord | None:
    """One DOI's record; None when Crossref does not know it."""
    try:
        answer = crossref.works(ids=doi, warn=False)
    except httpx2.HTTPStatusError as error:
        if error.response.status_code == 404:
            return None
        raise SourceUnreachable("Crossref", f"HTTP {error.response.status_code}") from error
    except (httpx2.HTTPError, RequestError, RuntimeError) as error:
        raise SourceUnreachable("Crossref", _reason(error)) from error
    message = answer.get("message") if isinstance(answer, dict) else None
    if not isinstance(message, dict):
        raise SourceUnreachable("Crossref", f"unexpected answer for {doi}")
    return record_from_crossref(message)


def fetch_dois(dois: tuple[str, ...]) -> tuple[list[CanonicalRecord], list[str]]:
    """Crossref answers one DOI per request: a few at a time keep 100 DOIs within seconds."""
    mailto = settings.IDENTIFIER_FETCH_MAILTO or None
    crossref = Crossref(mailto=mailto, timeout=_timeout())  # type: ignore[arg-type]
    with ThreadPoolExecutor(max_workers=CROSSREF_PARALLEL) as pool:
        found = list(pool.map(lambda doi: _crossref_work(crossref, doi), dois))
    records = [record for record in found if record is not None]
    return records, [doi for doi, record in zip(dois, found, strict=True) if record is None]


# --- ORCID -----------------------------------------------------------------------------------


def _orcid_get(path: str) -> dict | None:
    """GET a path of the ORCID public API as JSON; None for 404 (no such record)."""
    url = f"{settings.ORCID_PUBLIC_API}/v3.0/{path}"
    try:
        response = requests.get(url, headers={"Accept": "application/json"}, timeout=_timeout())
    except requests.RequestException as error:
        raise SourceUnreachable("ORCID", _reason(error)) from error
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise SourceUnreachable("ORCID", f"HTTP {response.status_code} for {url}")
    try:
        data = response.json()
    except ValueError as error:
        raise SourceUnreachable("ORCID", f"an answer that is not JSON from {url}") from error
    return data if isinstance(data, dict) else {}


def fetch_orcid_works(orcid: str) -> tuple[str | None, list[CanonicalRecord]]:
    """(the record owner's name, or None when there is no such record; their works)."""
    person = _orcid_get(f"{orcid}/person")
    if person is None:
        return None, []
    works = _orcid_get(f"{orcid}/works") or {}
    codes = orcid_put_codes(works)[:MAX_ORCID_WORKS]
    records = []
    for start in range(0, len(codes), ORCID_BULK):
        chunk = ",".join(str(code) for code in codes[start : start + ORCID_BULK])
        bulk = _orcid_get(f"{orcid}/works/{chunk}") or {}
        for item in bulk.get("bulk") or []:
            work = item.get("work") if isinstance(item, dict) else None
            if isinstance(work, dict):
                record = record_from_orcid_work(work)
                if record.title:
                    records.append(record)
    return orcid_owner_name(person) or "", records


def _reason(error: BaseException) -> str:
    """A short, readable cause: timeouts and refused connections say so."""
    if isinstance(error, (requests.Timeout, httpx2.TimeoutException)):
        return f"no answer within {_timeout():g} seconds"
    if isinstance(error, (requests.ConnectionError, httpx2.ConnectError)):
        return "no connection (is the network available?)"
    text = str(error).strip() or type(error).__name__
    return text[:300]
