"""The import pipeline: store an upload, parse it into records, place records in chunks.

Progress lives in the database. A batch is leased by whoever last wrote its heartbeat;
a batch whose heartbeat is older than ``IMPORT_STALE_SECONDS`` is free for the next worker,
which resumes at the first record still pending. Each chunk of records is placed in one
transaction together with its progress, so a killed worker loses nothing and duplicates
nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from common import errors
from curation import services as curation_services
from curation.models import CurationItem
from identity.names import is_name_entry, names_compatible
from identity.services_resolve import author_resolve_mention
from ingest import fetchers, formats
from ingest.formats import jsonl
from ingest.models import ImportBatch, ImportRecord
from papers.models import Authorship, Paper
from papers.services import paper_apply, paper_find
from pipeline.events import AUTHORS_CHANGED, BATCH_IMPORTED, BATCH_UPLOADED, BLOCKS_CHANGED, announce
from profiles.models import Author, AuthorAlias
from profiles.services import author_orcid_from_import, institution_get_or_create

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
# Placement takes this transaction-level advisory lock: two workers placing records at the
# same time could otherwise both miss, then both create, the same paper or author.
PLACEMENT_LOCK = 0x1A9_0001


def _placement_lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PLACEMENT_LOCK])


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
    announce(BATCH_UPLOADED, batch_id=batch_id)


# --- leasing -------------------------------------------------------------------------------


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.IMPORT_STALE_SECONDS)


# A batch that keeps failing is given up after this many workers tried it.
MAX_ATTEMPTS = 5


def batch_lease(*, batch_id: int) -> bool:
    """Take the batch if nobody is working on it (heartbeat missing or stale)."""
    taken = (
        ImportBatch.objects.filter(pk=batch_id, status__in=ACTIVE_STATUSES)
        .filter(Q(heartbeat_at=None) | Q(heartbeat_at__lt=_stale_before()))
        .update(heartbeat_at=timezone.now(), attempts=F("attempts") + 1)
    )
    if taken != 1:
        return False
    given_up = ImportBatch.objects.filter(pk=batch_id, attempts__gt=MAX_ATTEMPTS).update(
        status=ImportBatch.Status.FAILED,
        finished_at=timezone.now(),
        error=Concat(Value(f"Gave up after {MAX_ATTEMPTS} attempts. Last error: "), F("error")),
    )
    return not given_up


def batch_record_crash(*, batch_id: int, error: BaseException) -> None:
    """Note an unexpected failure and free the lease so that the next worker retries soon."""
    ImportBatch.objects.filter(pk=batch_id).update(
        error=f"{type(error).__name__}: {error}"[:2000], heartbeat_at=None
    )


def batch_has_earlier_active(*, batch_id: int) -> bool:
    """True while a batch uploaded before this one is still being imported."""
    return ImportBatch.objects.filter(pk__lt=batch_id, status__in=ACTIVE_STATUSES).exists()


def batches_stale() -> list[int]:
    """Active batches whose worker went quiet: they need a new worker."""
    return list(
        ImportBatch.objects.filter(status__in=ACTIVE_STATUSES)
        .filter(Q(heartbeat_at__lt=_stale_before()) | Q(heartbeat_at=None, created_at__lt=_stale_before()))
        .values_list("pk", flat=True)
    )


def _heartbeat(batch: ImportBatch, **fields) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now(), **fields)


# --- parsing -------------------------------------------------------------------------------


def batch_parse(*, batch: ImportBatch) -> None:
    """Turn the stored file into ImportRecords; safe to repeat (records are keyed by index)."""
    with batch.file.open("rb") as handle:
        content = handle.read()
    try:
        text = formats.decode(content)
        detected = batch.format or formats.detect(text)
        result = formats.parse(text, format=detected)
    except formats.ParseError as error:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, error=str(error), finished_at=timezone.now()
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
        _heartbeat(batch)

    subject_name = batch.subject_name or result.context.get("subject") or ""
    subject = _subject_author(batch, subject_name, result.context) if subject_name else None
    failed = sum(1 for row in rows if row.error)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.PLACING,
        detected_format=detected,
        context=_jsonable(result.context),
        subject_author=subject,
        total_records=len(rows),
        processed_records=failed,
        failed_count=failed,
        heartbeat_at=timezone.now(),
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


def batch_place_chunk(*, batch: ImportBatch) -> int:
    """Place the next chunk of pending records in one transaction; return how many."""
    subject = batch.subject_author
    with transaction.atomic():
        _placement_lock()
        records = list(
            ImportRecord.objects.select_for_update(skip_locked=True)
            .filter(batch=batch, status=ImportRecord.Status.PENDING)
            .order_by("index")[: settings.IMPORT_CHUNK_SIZE]
        )
        outcomes: Counter[str] = Counter()
        for record in records:
            try:
                with transaction.atomic():
                    record.status = record_place(record=record, batch=batch, subject=subject)
                    record.error = ""
            except Exception as error:  # one bad record must not stop the file
                logger.exception("import %s record %s failed", batch.pk, record.index)
                record.status = ImportRecord.Status.FAILED
                record.error = f"{type(error).__name__}: {error}"
            record.placed_at = timezone.now()
            outcomes[record.status] += 1
        ImportRecord.objects.bulk_update(
            records, ["status", "error", "paper", "created_objects", "placed_at"]
        )
        if records:
            _heartbeat(
                batch,
                processed_records=F("processed_records") + len(records),
                **{_COUNTERS[status]: F(_COUNTERS[status]) + count for status, count in outcomes.items()},
            )
    return len(records)


def record_place(*, record: ImportRecord, batch: ImportBatch, subject: Author | None) -> str:
    """Match or create the paper a record describes and attach its authors."""
    data = record.data
    paper = paper_find(record=data)
    if paper is None and not data.get("title"):
        return _unattributed(record=record, batch=batch, subject=subject)

    created = paper is None
    paper, enrichment = paper_apply(paper=paper, record=data, source={"batch": batch.pk, "record": record.pk})
    new_authors, authors_changed = _place_authors(paper=paper, data=data, batch=batch, subject=subject)
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
    *, paper: Paper, data: dict, batch: ImportBatch, subject: Author | None
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
        institutions = _institutions(data)
        taken = {authorship.author_id for authorship in listed}
        for position, name in enumerate(names[len(listed) :], start=len(listed)):
            orcid = orcids[position]
            author, created = _author_for_name(
                name=name, batch=batch, known=known, paper=paper, data=data, taken=taken, orcid=orcid
            )
            if author.pk in taken:
                continue  # the same person written twice in one list
            taken.add(author.pk)
            if created:
                created_ids.append(author.pk)
            if author.pk in placeholders:
                placeholders.pop(author.pk).delete()
            author_orcid_from_import(author=author, orcid=orcid)
            authorship = Authorship.objects.create(
                paper=paper, author=author, position=position, name_as_written=name.strip()[:300], orcid=orcid
            )
            if institutions:
                authorship.institutions.set(institutions)
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


def _institutions(data: dict) -> list:
    ids = data.get("institution_ids") or []
    return [
        institution_get_or_create(name=name, ror_id=(ids[i] if i < len(ids) else {}).get("ror") or "")
        for i, name in enumerate(data.get("institutions") or [])
    ]


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
    )


# --- finishing, retrying, undoing ----------------------------------------------------------


def batch_finish(*, batch: ImportBatch) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now()
    )
    curation_retry_unattributed()
    # Identity by block first (it may move papers between authors), then edges and counts.
    announce(BLOCKS_CHANGED, batch_id=batch.pk)
    followups_enqueue(batch_id=batch.pk)


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
    _placement_lock()
    attached = []
    items = CurationItem.objects.filter(
        kind=CurationItem.Kind.UNATTRIBUTED_ABSTRACT, status=CurationItem.Status.OPEN
    ).select_related("record", "batch", "author")
    if item_ids is not None:
        items = items.filter(pk__in=item_ids)
    for item in items:
        if item.record is None:
            continue
        paper = paper_find(record=item.record.data)
        if paper is None and item.details.get("embedding_match"):
            paper = Paper.objects.filter(pk=item.details["embedding_match"]).first()
        if paper is None:
            continue
        with transaction.atomic():
            paper_apply(
                paper=paper,
                record=item.record.data,
                source={"batch": item.batch_id, "record": item.record_id},
            )
            _place_authors(paper=paper, data=item.record.data, batch=item.batch, subject=item.author)
            ImportRecord.objects.filter(pk=item.record_id).update(
                paper=paper, status=ImportRecord.Status.UPDATED
            )
            curation_services.item_resolve(
                item=item, paper=paper, resolution="matched a paper imported later"
            )
        attached.append(paper.pk)
    return attached


def batch_retry_failed(*, batch: ImportBatch) -> int:
    """Put failed records that have data back in the queue and restart the batch."""
    with transaction.atomic():
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
                finished_at=None,
            )
            batch_enqueue(batch_id=batch.pk)
    return count


@transaction.atomic
def batch_undo(*, batch: ImportBatch) -> dict[str, int]:
    """Remove what only this batch created; what it added to older records stays."""
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
    """Lease the batch and take it from wherever it is to done. Returns the final status."""
    if not batch_lease(batch_id=batch_id):
        return "busy"
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.PARSING):
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.PARSING, started_at=batch.started_at or timezone.now()
        )
        batch_parse(batch=batch)
        batch.refresh_from_db()
    if batch.status == ImportBatch.Status.PLACING:
        while batch_place_chunk(batch=batch):
            pass
        with transaction.atomic():
            batch_finish(batch=batch)
    batch.refresh_from_db()
    return batch.status
