"""A worker killed mid-import loses nothing and duplicates nothing."""

import time

import pytest

from ingest.formats import synth
from ingest.models import ImportBatch, ImportRecord
from ingest.services import batch_create, batch_undo
from papers.models import Authorship, Paper
from profiles.models import Author
from tests.conftest import wait_until

RECORDS = 600  # with chunks of 25 the kill lands mid-import; small enough for a slow machine
OUTCOME = [
    "total_records",
    "processed_records",
    "created_count",
    "updated_count",
    "unchanged_count",
    "review_count",
    "failed_count",
]


def _outcome(batch_id: int) -> dict:
    return ImportBatch.objects.filter(pk=batch_id).values(*OUTCOME).get()


def _done(batch_id: int) -> bool:
    return ImportBatch.objects.get(pk=batch_id).status == ImportBatch.Status.DONE


@pytest.mark.worker
def test_sigkilled_worker_resumes_and_ends_with_the_same_counts(celery_worker_process, settings, monkeypatch):
    monkeypatch.setenv("IMPORT_CHUNK_SIZE", "25")  # many small transactions: the kill lands mid-import
    content = synth.generate(RECORDS, seed=11, format="paper_feed").encode()

    # The reference: the same file imported by a worker that is left alone, then undone.
    first = celery_worker_process()
    reference = batch_create(content=content, original_name="reference.txt")
    wait_until(lambda: _done(reference.pk), 120, "the uninterrupted import did not finish")
    expected = _outcome(reference.pk)
    expected_papers = Paper.objects.count()
    batch_undo(batch=ImportBatch.objects.get(pk=reference.pk))
    assert Paper.objects.count() == 0 and Author.objects.count() == 0

    batch = batch_create(content=content, original_name="killed.txt")
    wait_until(
        lambda: ImportBatch.objects.get(pk=batch.pk).processed_records >= 100, 120, "placing never began"
    )
    first.kill()
    killed_at = ImportBatch.objects.get(pk=batch.pk)
    assert killed_at.status == ImportBatch.Status.PLACING, "the import finished before the kill"
    assert killed_at.processed_records < RECORDS

    time.sleep(settings.IMPORT_STALE_SECONDS + 1)  # the dead worker's lease runs out
    restarted = time.monotonic()
    celery_worker_process()  # its start-up re-queues the stale batch
    wait_until(
        lambda: ImportBatch.objects.get(pk=batch.pk).processed_records > killed_at.processed_records,
        30,
        "the new worker did not resume the batch within 30 s of starting",
    )
    assert time.monotonic() - restarted < 30
    wait_until(lambda: _done(batch.pk), 180, "the resumed import did not finish")

    assert _outcome(batch.pk) == expected
    assert expected["processed_records"] == RECORDS and expected["failed_count"] == 0
    assert Paper.objects.count() == expected_papers
    assert not ImportRecord.objects.filter(batch=batch, status=ImportRecord.Status.PENDING).exists()
    positions = list(Authorship.objects.values_list("paper_id", "position"))
    assert len(positions) == len(set(positions))


@pytest.mark.worker
def test_a_later_upload_does_not_wait_for_an_earlier_one(celery_worker_process, sample_dump):
    """Uploads no longer wait for the ones before them (placement locks only the papers and name
    blocks it touches), and the result does not depend on the order: placed feed first, the
    profile's researcher and the feed's "Tatsunori Hashimoto" are still one person."""
    from ingest.services import batch_enqueue

    profile = batch_create(content=sample_dump("000").read_bytes(), original_name="000.txt", enqueue=False)
    feed = batch_create(content=sample_dump("001").read_bytes(), original_name="001.txt")
    celery_worker_process()
    celery_worker_process()
    # Before, the feed's task found an earlier import still active and waited for it forever.
    wait_until(lambda: _done(feed.pk), 120, "the later upload waited for the earlier one")
    assert ImportBatch.objects.get(pk=profile.pk).status == ImportBatch.Status.QUEUED

    batch_enqueue(batch_id=profile.pk)
    wait_until(lambda: _done(profile.pk), 120, "the earlier upload did not finish")
    hashimotos = Author.objects.filter(display_name__contains="Hashimoto", merged_into=None)
    assert hashimotos.exclude(authorships=None).count() == 1
