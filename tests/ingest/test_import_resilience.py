"""Long imports: time limits, leases, waiting versus lost work, and what an operator may do."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from curation.models import CurationItem
from curation.services import item_open
from ingest import services
from ingest.formats import synth
from ingest.models import ImportBatch, ImportRecord
from papers.models import Paper
from tests.ingest.helpers import import_bytes

RECORDS = 40


def _batch(records: int = RECORDS, seed: int = 4) -> ImportBatch:
    content = synth.generate(records, seed=seed, format="jsonl").encode()
    return services.batch_create(content=content, original_name="feed.jsonl", format="jsonl", enqueue=False)


def _fail_on_call(monkeypatch, number: int, error: BaseException) -> None:
    """Placement meets ``error`` at its ``number``-th paper (as Celery's soft time limit or a
    database restart would interrupt it)."""
    real = services.paper_apply
    calls = {"count": 0}

    def apply(**kwargs):
        calls["count"] += 1
        if calls["count"] == number:
            raise error
        return real(**kwargs)

    monkeypatch.setattr(services, "paper_apply", apply)


def _failed_records(batch: ImportBatch) -> int:
    return ImportRecord.objects.filter(batch=batch, status=ImportRecord.Status.FAILED).count()


@pytest.mark.django_db
def test_the_time_limit_stops_the_import_and_marks_no_record_failed(monkeypatch, settings):
    settings.IMPORT_CHUNK_SIZE = 10
    batch = _batch()
    _fail_on_call(monkeypatch, 15, SoftTimeLimitExceeded())
    with pytest.raises(SoftTimeLimitExceeded):
        services.batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert _failed_records(batch) == 0
    assert batch.failed_count == 0
    assert batch.processed_records == 10  # the first chunk; the interrupted one rolled back
    assert batch.lease == ""  # freed: the next worker resumes at once

    monkeypatch.undo()
    assert services.batch_run(batch_id=batch.pk) == ImportBatch.Status.DONE
    batch.refresh_from_db()
    assert (batch.created_count, batch.failed_count) == (RECORDS, 0)


@pytest.mark.django_db
def test_a_database_error_is_retried_not_recorded_as_a_failed_record(monkeypatch, settings):
    settings.IMPORT_CHUNK_SIZE = 10
    batch = _batch()
    _fail_on_call(monkeypatch, 3, OperationalError("server closed the connection unexpectedly"))
    with pytest.raises(OperationalError):
        services.batch_run(batch_id=batch.pk)
    assert _failed_records(batch) == 0
    monkeypatch.undo()
    services.batch_record_crash(batch_id=batch.pk, error=OperationalError("gone"))
    assert services.batch_run(batch_id=batch.pk) == ImportBatch.Status.DONE
    batch.refresh_from_db()
    assert (batch.created_count, batch.failed_count) == (RECORDS, 0)


@pytest.mark.django_db
def test_a_worker_whose_lease_was_taken_over_writes_nothing(settings):
    settings.IMPORT_CHUNK_SIZE = 10
    batch = _batch()
    slow = services.batch_lease(batch_id=batch.pk)
    services.batch_parse(batch=batch, lease=slow)
    batch.refresh_from_db()
    # The slow worker goes quiet past the stale limit; another one takes the batch over.
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    fresh = services.batch_lease(batch_id=batch.pk)
    assert fresh and fresh != slow

    with pytest.raises(services.LeaseLost):
        services.batch_place_chunk(batch=batch, lease=slow)
    batch.refresh_from_db()
    assert batch.processed_records == 0
    assert not ImportRecord.objects.filter(batch=batch).exclude(status=ImportRecord.Status.PENDING).exists()
    assert services.batch_place_chunk(batch=batch, lease=fresh) == 10


@pytest.mark.django_db(transaction=True)
def test_a_batch_in_the_middle_of_a_long_chunk_is_not_taken_by_a_second_worker():
    """However long a chunk takes, the batch's row stays locked by its worker until it commits:
    a second worker (or beat's sweep) skips it at once instead of running it twice."""
    batch = _batch(5)
    lease = services.batch_lease(batch_id=batch.pk)
    in_chunk, finish = threading.Event(), threading.Event()

    def long_chunk() -> None:
        try:
            with transaction.atomic():
                services._heartbeat(batch, lease)
                # Seen from outside, the heartbeat is now old: the chunk has run for an hour.
                ImportBatch.objects.filter(pk=batch.pk).update(
                    heartbeat_at=timezone.now() - timedelta(hours=1)
                )
                in_chunk.set()
                finish.wait(30)
        finally:
            connection.close()

    worker = threading.Thread(target=long_chunk)
    worker.start()
    try:
        assert in_chunk.wait(10)
        started = time.monotonic()
        assert services.batch_lease(batch_id=batch.pk) == ""
        assert services.batches_stale() == []
        assert time.monotonic() - started < 5
    finally:
        finish.set()
        worker.join(30)


@pytest.mark.django_db
def test_a_batch_waiting_in_the_queue_is_not_taken_for_a_lost_one(settings):
    settings.IMPORT_QUEUE_STALE_SECONDS = 600
    waiting = _batch(2)
    services.batch_enqueue(batch_id=waiting.pk)
    ImportBatch.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(hours=1))
    # Queued a minute ago behind a long import: waiting, not lost.
    ImportBatch.objects.filter(pk=waiting.pk).update(queued_at=timezone.now() - timedelta(minutes=1))
    assert services.batches_stale() == []

    # Its task was lost (queued 20 minutes ago, never taken): queued again once, not at every sweep.
    ImportBatch.objects.filter(pk=waiting.pk).update(queued_at=timezone.now() - timedelta(minutes=20))
    assert services.batches_stale() == [waiting.pk]
    assert services.batches_stale() == []

    # A worker took it and went quiet: found by the next sweep after the (short) lease runs out.
    lease = services.batch_lease(batch_id=waiting.pk)
    assert lease
    old = timezone.now() - timedelta(seconds=settings.IMPORT_STALE_SECONDS + 5)
    ImportBatch.objects.filter(pk=waiting.pk).update(heartbeat_at=old, queued_at=old)
    assert services.batches_stale() == [waiting.pk]


@pytest.mark.django_db
def test_undo_and_retry_wait_for_the_import_to_finish(django_capture_on_commit_callbacks):
    batch = _batch(3)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.PLACING)
    with pytest.raises(services.BatchBusy):
        services.batch_undo(batch=batch)
    with pytest.raises(services.BatchBusy):
        services.batch_retry_failed(batch=batch)
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.PLACING

    done = import_bytes(
        django_capture_on_commit_callbacks, synth.generate(3, seed=9, format="jsonl").encode(), "x.jsonl"
    )
    assert done.status == ImportBatch.Status.DONE
    assert services.batch_undo(batch=done)["papers"] == 3


@pytest.mark.django_db
def test_one_bad_curation_item_does_not_keep_later_imports_from_finishing(django_capture_on_commit_callbacks):
    first = import_bytes(
        django_capture_on_commit_callbacks, synth.generate(2, seed=5, format="jsonl").encode(), "a.jsonl"
    )
    paper = Paper.objects.first()
    record = ImportRecord.objects.filter(batch=first).first()
    # A waiting abstract matched (by meaning) to a paper, whose stored record is unreadable.
    record.data = {"abstract": "Text the embedding matched.", "authors": 7}
    record.save()
    item_open(
        kind=CurationItem.Kind.UNATTRIBUTED_ABSTRACT,
        summary="Text the embedding matched.",
        batch=first,
        record=record,
        details={"embedding_match": paper.pk},
    )

    later = import_bytes(
        django_capture_on_commit_callbacks, synth.generate(3, seed=6, format="jsonl").encode(), "b.jsonl"
    )
    assert later.status == ImportBatch.Status.DONE
    assert later.created_count == 3
