"""The import pipeline: store an upload, parse it into records, place records in chunks.

Progress lives in the database. A worker leases a batch with a token (``batch_lease``) that
every later status write checks, so a worker that lost its lease writes nothing more; a batch
whose heartbeat is older than ``IMPORT_STALE_SECONDS`` is free for the next worker, which
resumes at the first record still pending. Each chunk of records is placed in one transaction
together with its progress, holding the batch's row from its first heartbeat to its commit (no
second worker takes a batch in the middle of a long chunk), so a killed worker loses nothing
and duplicates nothing. The task's time limit, a lost lease and database errors stop the chunk
(rolled back) rather than failing a record; chunks lock only the papers, name blocks and
institutions they touch, so several imports place at once.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, DataError, IntegrityError, connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from common import errors
from curation import services as curation_services
from curation.models import CurationItem
from identity.names import is_name_entry, names_compatible, parse_name
from identity.services_resolve import ChunkIdentity, author_resolve_mention, survivor_ids
from ingest import fetchers, formats
from ingest.formats import jsonl
from ingest.models import ImportBatch, ImportRecord
from papers.models import Authorship, Paper
from papers.services import PaperIndex, paper_apply, paper_find, title_key_of
from pipeline.events import AUTHORS_CHANGED, BATCH_IMPORTED, BATCH_UPLOADED, BLOCKS_CHANGED, announce
from profiles.models import Author, AuthorAlias, Institution
from profiles.services import author_orcid_from_import, institution_get_or_create, institution_slug

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = (ImportBatch.Status.QUEUED, ImportBatch.Status.PARSING, ImportBatch.Status.PLACING)
_COUNTERS = {
    ImportRecord.Status.CREATED: "created_count",
    ImportRecord.Status.UPDATED: "updated_count",
    ImportRecord.Status.UNCHANGED: "unchanged_count",
    ImportRecord.Status.REVIEW: "review_count",
    ImportRecord.Status.FAILED: "failed_count",
}
_NO_AFFILIATION = {"", "affiliation not imported"}


def placement_lock_keys(records: list[dict]) -> list[str]:
    """What placing these records may create or change: their papers (by arXiv id, DOI and
    title key), their authors' blocks (family name + initial) and their institutions."""
    keys: set[str] = set()
    for data in records:
        if data.get("arxiv_id"):
            keys.add(f"arxiv:{data['arxiv_id']}")
        if data.get("doi"):
            keys.add(f"doi:{data['doi']}")
        title_key = title_key_of(data)
        keys.add(f"title:{title_key}" if title_key else "abstracts")  # title-less: matched by text
        for name in _listed(data, "authors"):
            if isinstance(name, str):
                # The bare block key: the same lock identity.services_cluster takes to re-cluster
                # the block, so placement and re-clustering of one block take turns.
                keys.add(parse_name(name).block_key)
        for name in _listed(data, "institutions"):
            if isinstance(name, str):
                keys.add(f"institution:{name.strip().lower()}")
    return sorted(keys)


def _listed(data: dict, field: str) -> list:
    value = data.get(field)
    return value if isinstance(value, list) else []


def placement_lock(keys: list[str]) -> None:
    """Take a transaction-level advisory lock per key, in one sorted order (so two workers never
    wait for each other in a cycle). Two workers placing records of different papers and
    different name blocks run side by side; two that could both miss, then both create, the
    same paper, author or institution take turns."""
    hashes = sorted(
        {
            int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)
            for key in keys
        }
    )
    if not hashes:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(key)) FROM "
            "(SELECT key FROM unnest(%s::bigint[]) AS key ORDER BY key) AS sorted_keys",
            [hashes],
        )


def _lock_number(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


class LeaseLost(Exception):
    """Another worker took over this batch (ours went quiet too long): stop, write nothing."""


class BatchBusy(errors.Conflict):
    """Undo or retry asked for a batch that is still being imported."""

    code = "import_busy"


# Errors the per-record handler never turns into a failed record: the task's time limit, a lost
# lease and the database going away or deadlocking stop the chunk (rolled back) and the batch
# resumes from there, instead of a random record being marked failed.
NEVER_A_RECORD_FAILURE = (SoftTimeLimitExceeded, LeaseLost)


class ImportRejected(errors.InvalidInput):
    """An upload we refuse before storing it (too large, empty, unknown format)."""

    code = "import_rejected"


# --- creating a batch ----------------------------------------------------------------------


def upload_validate(*, size: int, format: str = "") -> None:
    """The one check of an upload, wherever it comes from (admin form, API, ``batch_create``):
    not empty, at most IMPORT_MAX_BYTES, a known format (or none, to detect it)."""
    if size == 0:
        raise ImportRejected("The file is empty.")
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportRejected(f"The file is {size:,} bytes; the limit is {settings.IMPORT_MAX_BYTES:,} bytes.")
    if format and format not in formats.FORMATS:
        raise ImportRejected(f"Unknown format {format!r}; choose one of {', '.join(formats.FORMATS)}.")


def upload_read(*, upload, format: str = "") -> bytes:
    """The bytes of an uploaded file (Django's UploadedFile), checked by ``upload_validate``
    on its declared size before anything is read into memory."""
    upload_validate(size=upload.size, format=format)
    return upload.read()


@transaction.atomic
def batch_create(
    *,
    content: bytes,
    original_name: str,
    format: str = "",
    subject_name: str = "",
    subject_orcid: str = "",
    created_by=None,
    enqueue: bool = True,
) -> ImportBatch:
    """Store an upload as it came and queue its import (after commit)."""
    upload_validate(size=len(content), format=format)
    batch = ImportBatch(
        original_name=original_name[:255],
        size=len(content),
        checksum=hashlib.sha256(content).hexdigest(),
        format=format,
        subject_name=subject_name.strip(),
        subject_orcid=subject_orcid,
        created_by=created_by,
    )
    batch.file.save(original_name, ContentFile(content), save=False)
    batch.save()
    if enqueue:
        batch_enqueue(batch_id=batch.pk)
    return batch


@dataclass
class IdentifierImport:
    batch: ImportBatch
    not_found: list[str]


def batch_create_from_identifiers(
    *, identifiers: fetchers.Identifiers, created_by=None, enqueue: bool = True
) -> IdentifierImport:
    """Fetch the metadata of arXiv ids, DOIs and an ORCID record's works and queue it as an
    ordinary import (canonical JSON Lines), so curation, audit and undo work as for uploads.

    Raises ``fetchers.SourceUnreachable`` when a source fails (nothing is stored then) and
    ``ImportRejected`` when none of the identifiers was found.
    """
    fetched = fetchers.fetch(identifiers)
    if not fetched.records:
        raise ImportRejected(
            "Nothing found for " + ", ".join(fetched.not_found or [identifiers.describe()]) + "."
        )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    batch = batch_create(
        content=jsonl.dumps(fetched.records).encode(),
        original_name=f"by-identifier-{stamp}.jsonl",
        format="jsonl",
        subject_name=fetched.subject_name,
        subject_orcid=identifiers.orcid,
        created_by=created_by,
        enqueue=enqueue,
    )
    return IdentifierImport(batch=batch, not_found=fetched.not_found)


def batch_enqueue(*, batch_id: int) -> None:
    """Import the batch in a worker once the current transaction commits (or now, outside one)."""
    ImportBatch.objects.filter(pk=batch_id).update(queued_at=timezone.now())
    announce(BATCH_UPLOADED, batch_id=batch_id)


# --- leasing -------------------------------------------------------------------------------


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.IMPORT_STALE_SECONDS)


# A batch that keeps failing is given up after this many workers tried it.
MAX_ATTEMPTS = 5


@transaction.atomic
def batch_lease(*, batch_id: int) -> str:
    """Take the batch if nobody is working on it (heartbeat missing or stale); return the lease
    token every later status write must show, or "" when the batch is busy, finished or gone.

    A worker placing a chunk holds the batch's row lock until the chunk commits, so the batch
    is skipped here (not waited for) however long the chunk takes.
    """
    leasable = (
        ImportBatch.objects.select_for_update(skip_locked=True)
        .filter(pk=batch_id, status__in=ACTIVE_STATUSES)
        .filter(Q(heartbeat_at=None) | Q(heartbeat_at__lt=_stale_before()))
    )
    if not leasable.exists():
        return ""
    token = uuid.uuid4().hex
    ImportBatch.objects.filter(pk=batch_id).update(
        heartbeat_at=timezone.now(), attempts=F("attempts") + 1, lease=token
    )
    given_up = ImportBatch.objects.filter(pk=batch_id, attempts__gt=MAX_ATTEMPTS).update(
        status=ImportBatch.Status.FAILED,
        finished_at=timezone.now(),
        error=Concat(Value(f"Gave up after {MAX_ATTEMPTS} attempts. Last error: "), F("error")),
    )
    return "" if given_up else token


def batch_record_crash(*, batch_id: int, error: BaseException, lease: str | None = None) -> None:
    """Note an unexpected failure and free the lease so that the next worker retries soon."""
    rows = ImportBatch.objects.filter(pk=batch_id)
    if lease is not None:
        rows = rows.filter(lease=lease)
    rows.update(error=f"{type(error).__name__}: {error}"[:2000], heartbeat_at=_free_heartbeat(), lease="")


def batch_release(*, batch_id: int, lease: str) -> None:
    """Give the batch back (time limit reached): the next worker resumes it at once."""
    ImportBatch.objects.filter(pk=batch_id, lease=lease).update(heartbeat_at=_free_heartbeat(), lease="")


def _free_heartbeat():
    """A heartbeat already stale: the batch is free for the next worker and beat's next sweep
    (None is kept for batches no worker has taken yet)."""
    return _stale_before() - timedelta(seconds=1)


def batches_stale() -> list[int]:
    """Active batches that need a new worker: leased ones whose worker went quiet, and ones no
    worker took although they waited in the queue IMPORT_QUEUE_STALE_SECONDS (their task was
    lost). A batch merely waiting behind others is not stale. Each one found is marked queued
    again, so the next sweeps leave it alone while its new task waits."""
    queue_stale_before = timezone.now() - timedelta(seconds=settings.IMPORT_QUEUE_STALE_SECONDS)
    worker_quiet = Q(heartbeat_at__lt=_stale_before()) & (
        Q(queued_at=None) | Q(queued_at__lt=_stale_before())
    )
    never_taken = Q(heartbeat_at=None) & (
        Q(queued_at__lt=queue_stale_before) | Q(queued_at=None, created_at__lt=queue_stale_before)
    )
    with transaction.atomic():
        stale = list(
            ImportBatch.objects.select_for_update(skip_locked=True)
            .filter(status__in=ACTIVE_STATUSES)
            .filter(worker_quiet | never_taken)
            .values_list("pk", flat=True)
        )
        ImportBatch.objects.filter(pk__in=stale).update(queued_at=timezone.now())
    return stale


def _heartbeat(batch: ImportBatch, token: str | None = None, **fields) -> None:
    """Write progress (and that the worker is alive) if the lease ``token`` is still ours."""
    rows = ImportBatch.objects.filter(pk=batch.pk)
    if token is not None:
        rows = rows.filter(lease=token)
    if not rows.update(heartbeat_at=timezone.now(), **fields):
        raise LeaseLost(f"import {batch.pk}: another worker took this batch over")


# --- parsing -------------------------------------------------------------------------------


def batch_parse(*, batch: ImportBatch, lease: str | None = None) -> None:
    """Turn the stored file into ImportRecords; safe to repeat (records are keyed by index)."""
    with batch.file.open("rb") as handle:
        content = handle.read()
    try:
        text = formats.decode(content)
        detected = batch.format or formats.detect(text)
        result = formats.parse(text, format=detected)
    except formats.ParseError as error:
        _heartbeat(
            batch,
            lease,
            status=ImportBatch.Status.FAILED,
            error=str(error),
            finished_at=timezone.now(),
            lease="",
        )
        return

    entries: list[tuple[dict, str, int | None, int | None]] = [
        (record.to_dict(), "", record.line_start, record.line_end) for record in result.records
    ]
    warnings: dict[int, list[str]] = {}  # by id() of the record they are about
    for warning in result.warnings:
        warnings.setdefault(id(warning.record), []).append(str(warning))
    entries_warnings = ["; ".join(warnings.get(id(record), [])) for record in result.records]
    # A record the parser could only partly read keeps what was recovered, for review or retry.
    entries += [
        (
            error.record.to_dict() if getattr(error, "record", None) else {},
            str(error),
            error.line,
            getattr(getattr(error, "record", None), "line_end", None) or error.line,
        )
        for error in result.errors
    ]
    entries_warnings += [""] * (len(entries) - len(entries_warnings))
    order = sorted(range(len(entries)), key=lambda i: (entries[i][2] or 0, entries[i][1]))
    rows = [
        ImportRecord(
            batch=batch,
            index=index,
            data=data,
            line_start=line_start,
            line_end=line_end,
            status=ImportRecord.Status.FAILED if error else ImportRecord.Status.PENDING,
            error=error,
            warning=entries_warnings[position],
        )
        for index, position in enumerate(order)
        for data, error, line_start, line_end in [entries[position]]
    ]
    for start in range(0, len(rows), 2000):
        ImportRecord.objects.bulk_create(rows[start : start + 2000], ignore_conflicts=True)
        _heartbeat(batch, lease)

    subject_name = batch.subject_name or result.context.get("subject") or ""
    with transaction.atomic():
        # The subject is created with the batch's move to placing: a crash leaves neither.
        if subject_name:
            placement_lock([parse_name(subject_name).block_key])
        subject = _subject_author(batch, subject_name, result.context) if subject_name else None
        failed = sum(1 for row in rows if row.error)
        _heartbeat(
            batch,
            lease,
            status=ImportBatch.Status.PLACING,
            detected_format=detected,
            context=_jsonable(result.context),
            subject_author=subject,
            total_records=len(rows),
            processed_records=failed,
            failed_count=failed,
        )


def _jsonable(context: dict) -> dict:
    return {
        key: value
        for key, value in context.items()
        if isinstance(value, (str, int, float, bool, list, dict, type(None)))
    }


def _subject_author(batch: ImportBatch, name: str, context: dict) -> Author:
    author, _ = author_resolve_mention(name=name, batch=batch, orcid=batch.subject_orcid)
    author_orcid_from_import(author=author, orcid=batch.subject_orcid)
    affiliation = str(context.get("affiliation") or "").strip()
    if author.institution_id is None and affiliation.lower() not in _NO_AFFILIATION:
        author.institution = institution_get_or_create(name=affiliation)
        author.save(update_fields=["institution"])
    return author


# --- placing -------------------------------------------------------------------------------


def batch_place_chunk(*, batch: ImportBatch, lease: str | None = None) -> int:
    """Place the next chunk of pending records in one transaction; return how many.

    The chunk's papers are matched with one query, its institutions with one more, and its
    authorships written with bulk inserts. The identity resolver still decides a name at a
    time, but reads the chunk's blocks and candidates once (``ChunkIdentity``) and re-checks
    pairs once per chunk. The batch's row stays locked (by the first heartbeat) until the chunk commits, so no
    other worker can take the batch over while a long chunk runs.
    """
    subject = batch.subject_author
    with transaction.atomic():
        _heartbeat(batch, lease)
        records = list(
            ImportRecord.objects.select_for_update(skip_locked=True)
            .filter(batch=batch, status=ImportRecord.Status.PENDING)
            .order_by("index")[: settings.IMPORT_CHUNK_SIZE]
        )
        if not records:
            return 0
        placement_lock(placement_lock_keys([record.data for record in records]))
        chunk = ChunkContext(records=[record.data for record in records], batch=batch)
        outcomes: Counter[str] = Counter()
        for record in records:
            try:
                with transaction.atomic():
                    record.status = record_place(record=record, batch=batch, subject=subject, chunk=chunk)
                    record.error = ""
                    chunk.identity.settle()
            except NEVER_A_RECORD_FAILURE:
                raise
            except DatabaseError as error:
                if not isinstance(error, IntegrityError | DataError):
                    raise  # the database went away or deadlocked: retry the chunk, fail nothing
                _record_failed(batch, record, error)
            except Exception as error:  # one bad record must not stop the file
                _record_failed(batch, record, error)
            record.placed_at = timezone.now()
            outcomes[record.status] += 1
        ImportRecord.objects.bulk_update(
            records, ["status", "error", "paper", "created_objects", "placed_at"]
        )
        _heartbeat(
            batch,
            lease,
            processed_records=F("processed_records") + len(records),
            **{_COUNTERS[status]: F(_COUNTERS[status]) + count for status, count in outcomes.items()},
        )
    return len(records)


def _record_failed(batch: ImportBatch, record: ImportRecord, error: Exception) -> None:
    logger.exception("import %s record %s failed", batch.pk, record.index)
    record.status = ImportRecord.Status.FAILED
    record.error = f"{type(error).__name__}: {error}"


class ChunkContext:
    """What a chunk's records share: their papers (one query) and institutions (one query)."""

    def __init__(self, *, records: list[dict], batch: ImportBatch | None = None) -> None:
        self.papers = PaperIndex(records)
        self.identity = ChunkIdentity(
            batch=batch, names=[name for data in records for name in _listed(data, "authors")]
        )
        names = {
            name
            for data in records
            if isinstance(data.get("institutions"), list)
            for name in data["institutions"]
            if isinstance(name, str) and name.strip()
        }
        self.institutions: dict[tuple[str, str], Institution] = {}
        by_slug = {
            institution.slug: institution
            for institution in Institution.objects.filter(slug__in={institution_slug(name) for name in names})
        }
        self._by_slug = by_slug

    def institution(self, name: str, ror_id: str) -> Institution:
        key = (name, ror_id)
        if key not in self.institutions:
            known = self._by_slug.get(institution_slug(name))
            if known is not None and not ror_id:
                self.institutions[key] = known
            else:
                self.institutions[key] = institution_get_or_create(name=name, ror_id=ror_id)
        return self.institutions[key]


def record_place(
    *, record: ImportRecord, batch: ImportBatch, subject: Author | None, chunk: ChunkContext | None = None
) -> str:
    """Match or create the paper a record describes and attach its authors."""
    data = record.data
    paper = chunk.papers.find(data) if chunk is not None else paper_find(record=data)
    if paper is None and not data.get("title"):
        return _unattributed(record=record, batch=batch, subject=subject)

    created = paper is None
    paper, enrichment = paper_apply(paper=paper, record=data, source={"batch": batch.pk, "record": record.pk})
    if chunk is not None:
        chunk.papers.add(paper)
    new_authors, authors_changed = _place_authors(
        paper=paper, data=data, batch=batch, subject=subject, chunk=chunk
    )
    record.paper = paper
    record.created_objects = {"paper": paper.pk if created else None, "authors": new_authors}
    if created:
        return ImportRecord.Status.CREATED
    if enrichment.changed_fields or authors_changed:
        return ImportRecord.Status.UPDATED
    return ImportRecord.Status.UNCHANGED


def _unattributed(*, record: ImportRecord, batch: ImportBatch, subject: Author | None) -> str:
    abstract = record.data.get("abstract") or ""
    fingerprint = hashlib.sha256(abstract.encode()).hexdigest()
    already = CurationItem.objects.filter(
        kind=CurationItem.Kind.UNATTRIBUTED_ABSTRACT, details__abstract_sha256=fingerprint
    ).exists()
    if not already:
        curation_services.item_open(
            kind=CurationItem.Kind.UNATTRIBUTED_ABSTRACT,
            batch=batch,
            record=record,
            author=subject,
            summary=(abstract[:200] + "…") if len(abstract) > 200 else abstract or "(empty record)",
            details={"abstract_sha256": fingerprint, "arxiv_id": record.data.get("arxiv_id")},
        )
    return ImportRecord.Status.REVIEW


def _place_authors(
    *, paper: Paper, data: dict, batch: ImportBatch, subject: Author | None, chunk: ChunkContext | None = None
) -> tuple[list[int], bool]:
    """Attach the record's authors; return (ids of authors created, whether anything changed).

    An author list replaces the placeholder authorships of listings that named only their
    researcher; a longer list extends a truncated one.
    """
    # Not stray list tokens such as `:` or `and`.
    written = [(name, orcid) for name, orcid in _orcids_by_name(data) if is_name_entry(name)]
    names = [name for name, _ in written]
    orcids = [orcid for _, orcid in written]
    authorships = list(paper.authorships.select_related("author"))
    listed = [authorship for authorship in authorships if not authorship.from_subject]
    placeholders = {authorship.author_id: authorship for authorship in authorships if authorship.from_subject}
    created_ids: list[int] = []
    changed = _fill_orcids(listed=listed, names=names, orcids=orcids)

    if names and len(names) > len(listed) and (not listed or paper.authors_truncated):
        changed = True
        # Park placeholders after the list so positions stay unique while the list is written.
        next_free = max([len(names)] + [authorship.position + 1 for authorship in authorships])
        for offset, placeholder in enumerate(placeholders.values()):
            placeholder.position = next_free + offset
            placeholder.save(update_fields=["position"])
        known = [author for author in [subject] + [p.author for p in placeholders.values()] if author]
        institutions = _institutions(data, chunk)
        taken = {authorship.author_id for authorship in listed}
        new_authorships: list[Authorship] = []
        for position, name in enumerate(names[len(listed) :], start=len(listed)):
            orcid = orcids[position]
            author, created = _author_for_name(
                name=name,
                batch=batch,
                known=known,
                paper=paper,
                data=data,
                taken=taken,
                orcid=orcid,
                chunk=chunk,
            )
            if author.pk in taken:
                continue  # the same person written twice in one list
            taken.add(author.pk)
            if created:
                created_ids.append(author.pk)
            if author.pk in placeholders:
                placeholders.pop(author.pk).delete()
            author_orcid_from_import(author=author, orcid=orcid)
            new_authorships.append(
                Authorship(
                    paper=paper,
                    author=author,
                    position=position,
                    name_as_written=name.strip()[:300],
                    orcid=orcid,
                )
            )
        _authorships_insert(new_authorships, institutions)
        paper.authors_truncated = bool(data.get("authors_truncated"))
        paper.authors_more = data.get("authors_more")
        paper.save(update_fields=["authors_truncated", "authors_more"])
    elif not names and subject is not None:
        already = any(
            authorship.author_id == subject.pk
            or names_compatible(authorship.name_as_written, subject.display_name)
            for authorship in authorships
        )
        if not already and (not listed or paper.authors_truncated):
            Authorship.objects.create(
                paper=paper,
                author=subject,
                position=max((authorship.position for authorship in authorships), default=-1) + 1,
                name_as_written=subject.display_name,
                from_subject=True,
            )
            changed = True
    return created_ids, changed


def _orcids_by_name(data: dict) -> list[tuple[str, str]]:
    """Each name in ``authors`` with the ORCID iD the source gave for it ("" when none)."""
    ids = data.get("author_ids") or []
    return [
        (name, (ids[i] if i < len(ids) else {}).get("orcid") or "")
        for i, name in enumerate(data.get("authors") or [])
    ]


def _authorships_insert(authorships: list[Authorship], institutions: list[Institution]) -> None:
    """Insert a paper's new authorships and their institutions in two statements.

    An author merged into another while the list was resolved (the resolver may merge two
    namesakes it finds to be one person) is credited as the survivor.
    """
    if not authorships:
        return
    current = survivor_ids({authorship.author_id for authorship in authorships})
    for authorship in authorships:
        authorship.author_id = current[authorship.author_id]
    Authorship.objects.bulk_create(authorships)
    if institutions:
        Through = Authorship.institutions.through
        Through.objects.bulk_create(
            [
                Through(authorship_id=authorship.pk, institution_id=institution.pk)
                for authorship in authorships
                for institution in {institution.pk: institution for institution in institutions}.values()
            ]
        )


def _institutions(data: dict, chunk: ChunkContext | None = None) -> list:
    ids = data.get("institution_ids") or []
    found = []
    for i, name in enumerate(data.get("institutions") or []):
        ror_id = (ids[i] if i < len(ids) else {}).get("ror") or ""
        if chunk is not None:
            found.append(chunk.institution(name, ror_id))
        else:
            found.append(institution_get_or_create(name=name, ror_id=ror_id))
    return found


def _fill_orcids(*, listed: list[Authorship], names: list[str], orcids: list[str]) -> bool:
    """A later source gives iDs for authors already listed: keep them where the name agrees and
    the author has no other iD."""
    changed = False
    for authorship in listed:
        position = authorship.position
        if position >= len(names) or authorship.orcid or not orcids[position]:
            continue
        orcid = orcids[position]
        if authorship.author.orcid not in ("", orcid):
            continue
        if not names_compatible(authorship.name_as_written, names[position]):
            continue
        authorship.orcid = orcid
        authorship.save(update_fields=["orcid"])
        author_orcid_from_import(author=authorship.author, orcid=orcid)
        changed = True
    return changed


def _author_for_name(
    *,
    name: str,
    batch: ImportBatch,
    known: list[Author],
    paper: Paper,
    data: dict,
    taken: set[int],
    orcid: str = "",
    chunk: ChunkContext | None = None,
) -> tuple[Author, bool]:
    """Resolve a name with its paper's context (``identity.evidence``): the listing's named
    researcher (``known``) is strong evidence; authors already on the paper are other people."""
    return author_resolve_mention(
        name=name,
        batch=batch,
        paper=paper,
        known_authors=known,
        exclude_author_ids=set(taken),
        coauthor_names=data.get("authors") or [],
        institution_names=data.get("institutions") or [],
        topic_codes=[data["category"]] if data.get("category") else [],
        orcid=orcid,
        chunk=chunk.identity if chunk is not None else None,
    )


# --- finishing, retrying, undoing ----------------------------------------------------------


def batch_finish(*, batch: ImportBatch) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.DONE,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        lease="",
        identity_settled_at=None,  # until its blocks are clustered again (batch_identity_settled)
    )
    curation_retry_unattributed()
    # Identity by block first (it may move papers between authors), then edges and counts.
    announce(BLOCKS_CHANGED, batch_id=batch.pk)
    followups_enqueue(batch_id=batch.pk)


def batch_identity_settled(*, batch_id: int) -> None:
    """Every name block the import touched has been clustered again since it finished."""
    ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.DONE).update(
        identity_settled_at=timezone.now()
    )


def batch_authors(*, batch: ImportBatch) -> list[int]:
    return list(
        Authorship.objects.filter(paper__import_records__batch=batch)
        .values_list("author_id", flat=True)
        .distinct()
    )


def followups_enqueue(*, batch_id: int) -> None:
    """Derived data (edges, counts) for everyone the batch touched, after commit."""
    announce(BATCH_IMPORTED, batch_id=batch_id)


@transaction.atomic
def curation_retry_unattributed(*, item_ids: list[int] | None = None) -> list[int]:
    """Attach waiting title-less abstracts to their papers; return the papers that got one.

    A paper is found by the abstract's text (one imported since) or, for an abstract rewritten
    beyond word alignment, by the match the embedding task noted on the item. ``item_ids``
    limits the pass to those items.
    """
    attached = []
    items = CurationItem.objects.filter(
        kind=CurationItem.Kind.UNATTRIBUTED_ABSTRACT, status=CurationItem.Status.OPEN
    ).select_related("record", "batch", "author")
    if item_ids is not None:
        items = items.filter(pk__in=item_ids)
    items = [item for item in items if item.record is not None]
    placement_lock(placement_lock_keys([item.record.data for item in items]))
    for item in items:
        try:
            with transaction.atomic():
                paper = _unattributed_attach(item)
        except NEVER_A_RECORD_FAILURE:
            raise
        except DatabaseError as error:
            if not isinstance(error, IntegrityError | DataError):
                raise
            logger.exception("curation item %s could not be attached", item.pk)
            continue
        except Exception:  # one bad item must not keep later imports from finishing
            logger.exception("curation item %s could not be attached", item.pk)
            continue
        if paper is not None:
            attached.append(paper.pk)
    return attached


def _unattributed_attach(item: CurationItem) -> Paper | None:
    paper = paper_find(record=item.record.data)
    if paper is None and item.details.get("embedding_match"):
        paper = Paper.objects.filter(pk=item.details["embedding_match"]).first()
    if paper is None:
        return None
    paper_apply(
        paper=paper,
        record=item.record.data,
        source={"batch": item.batch_id, "record": item.record_id},
    )
    _place_authors(paper=paper, data=item.record.data, batch=item.batch, subject=item.author)
    ImportRecord.objects.filter(pk=item.record_id).update(paper=paper, status=ImportRecord.Status.UPDATED)
    curation_services.item_resolve(item=item, paper=paper, resolution="matched a paper imported later")
    return paper


FINISHED_STATUSES = (ImportBatch.Status.DONE, ImportBatch.Status.FAILED)


def _batch_finished_check(batch: ImportBatch, action: str) -> None:
    status = ImportBatch.objects.filter(pk=batch.pk).values_list("status", flat=True).first()
    if status not in FINISHED_STATUSES:
        raise BatchBusy(f"Import {batch.pk} is {status}: it can be {action} once it has finished.")


def batch_retry_failed(*, batch: ImportBatch) -> int:
    """Put failed records that have data back in the queue and restart the batch (a finished
    one: retrying a batch still being imported would give it a second worker)."""
    with transaction.atomic():
        ImportBatch.objects.select_for_update().filter(pk=batch.pk).first()
        _batch_finished_check(batch, "retried")
        count = (
            ImportRecord.objects.filter(batch=batch, status=ImportRecord.Status.FAILED)
            .exclude(data={})
            .update(status=ImportRecord.Status.PENDING, error="")
        )
        if count:
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.PLACING,
                processed_records=F("processed_records") - count,
                failed_count=F("failed_count") - count,
                heartbeat_at=None,
                lease="",
                finished_at=None,
            )
            batch_enqueue(batch_id=batch.pk)
    return count


@transaction.atomic
def batch_undo(*, batch: ImportBatch) -> dict[str, int]:
    """Remove what only this batch created; what it added to older records stays (a finished
    batch only: undoing one a worker is still placing would race with it)."""
    ImportBatch.objects.select_for_update().filter(pk=batch.pk).first()
    _batch_finished_check(batch, "undone")
    touched_authors = batch_authors(batch=batch)
    records = list(batch.records.exclude(created_objects={}))
    paper_ids = {record.created_objects.get("paper") for record in records} - {None}
    # A paper another batch also brought in stays.
    shared = set(
        ImportRecord.objects.filter(paper_id__in=paper_ids)
        .exclude(batch=batch)
        .values_list("paper_id", flat=True)
    )
    papers_deleted, _ = Paper.objects.filter(pk__in=paper_ids - shared).delete()
    Authorship.objects.filter(paper__import_records__batch=batch, from_subject=True).delete()
    author_ids = {author_id for record in records for author_id in record.created_objects.get("authors", [])}
    orphans = Author.objects.filter(pk__in=author_ids, authorships=None, claimed_by=None)
    authors_deleted = orphans.count()
    orphans.delete()
    AuthorAlias.objects.filter(import_batch=batch).exclude(author__in=author_ids).delete()
    curation_services.items_close(
        batch.curation_items.filter(status=CurationItem.Status.OPEN).values_list("pk", flat=True),
        status=CurationItem.Status.DISMISSED,
        resolution="import undone",
    )
    batch.records.update(paper=None)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.UNDONE)
    remaining = list(Author.objects.filter(pk__in=touched_authors).values_list("pk", flat=True))
    announce(AUTHORS_CHANGED, author_ids=remaining)
    return {"papers": len(paper_ids - shared), "authors": authors_deleted, "rows": papers_deleted}


# --- the whole run -------------------------------------------------------------------------


def batch_run(*, batch_id: int) -> str:
    """Lease the batch and take it from wherever it is to done. Returns the final status.

    Raises ``LeaseLost`` when another worker took the batch over (this one wrote nothing since).
    """
    lease = batch_lease(batch_id=batch_id)
    if not lease:
        return "busy"
    try:
        return _batch_run_leased(batch_id=batch_id, lease=lease)
    except SoftTimeLimitExceeded:
        batch_release(batch_id=batch_id, lease=lease)  # the chunk rolled back; resume from it
        raise


def _batch_run_leased(*, batch_id: int, lease: str) -> str:
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.PARSING):
        _heartbeat(
            batch, lease, status=ImportBatch.Status.PARSING, started_at=batch.started_at or timezone.now()
        )
        batch_parse(batch=batch, lease=lease)
        batch.refresh_from_db()
    if batch.status == ImportBatch.Status.PLACING:
        while batch_place_chunk(batch=batch, lease=lease):
            pass
        with transaction.atomic():
            _heartbeat(batch, lease)
            batch_finish(batch=batch)
    batch.refresh_from_db()
    return batch.status
