"""Two uploads place side by side: per-block locks instead of one global lock, same result."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from ingest.formats import jsonl, synth
from ingest.formats.canonical import CanonicalRecord
from ingest.models import ImportBatch
from ingest.services import batch_create, batch_run, batch_undo, placement_lock, placement_lock_keys
from papers.models import Authorship
from profiles.models import Author

pytestmark = pytest.mark.django_db(transaction=True)


def _authors_and_papers() -> list[tuple[str, tuple[str, ...]]]:
    """Who is credited with what: each current author's name and the titles of their papers."""
    titles: dict[int, list[str]] = {}
    for author_id, title in Authorship.objects.filter(author__merged_into=None).values_list(
        "author_id", "paper__title"
    ):
        titles.setdefault(author_id, []).append(title)
    names = dict(Author.objects.filter(pk__in=titles).values_list("pk", "display_name"))
    return sorted((names[pk], tuple(sorted(papers))) for pk, papers in titles.items())


def _run_in_threads(*batch_ids: int) -> list[str]:
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def run(batch_id: int) -> None:
        try:
            results[batch_id] = batch_run(batch_id=batch_id)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(batch_id,)) for batch_id in batch_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not errors, errors
    return [results[batch_id] for batch_id in batch_ids]


def test_two_uploads_placed_at_once_credit_the_same_authors_as_one_after_the_other(sample_dump, settings):
    settings.IMPORT_CHUNK_SIZE = 10  # many chunks, so the two imports interleave
    profile_bytes, feed_bytes = sample_dump("000").read_bytes(), sample_dump("001").read_bytes()

    first = batch_create(content=profile_bytes, original_name="000.txt", enqueue=False)
    second = batch_create(content=feed_bytes, original_name="001.txt", enqueue=False)
    assert batch_run(batch_id=first.pk) == batch_run(batch_id=second.pk) == ImportBatch.Status.DONE
    sequential = _authors_and_papers()
    assert sequential
    batch_undo(batch=ImportBatch.objects.get(pk=second.pk))
    batch_undo(batch=ImportBatch.objects.get(pk=first.pk))
    assert not Authorship.objects.exists()

    first = batch_create(content=profile_bytes, original_name="000.txt", enqueue=False)
    second = batch_create(content=feed_bytes, original_name="001.txt", enqueue=False)
    assert _run_in_threads(first.pk, second.pk) == [ImportBatch.Status.DONE] * 2
    assert _authors_and_papers() == sequential
    # The profile's researcher and the feed's "Tatsunori Hashimoto" are one person.
    credited = {name for name, _ in _authors_and_papers() if "Hashimoto" in name}
    assert len([name for name, _ in _authors_and_papers() if name in credited]) == 1


def test_an_upload_is_not_held_up_by_another_placing_different_papers_and_names(settings):
    """Another worker holds the locks of one upload's papers and name blocks; a second upload,
    of other papers by people of other names, is placed meanwhile (one global lock made it wait)."""
    _, records = synth.generate_with_records(30, seed=1, format="jsonl")
    held_keys = placement_lock_keys([record.to_dict() for record in records])
    other = [
        {"title": "A paper nobody else imports", "authors": ["Quirinus Zzyzx", "Ottilie Vandersloot"]},
        {"title": "Another one", "authors": ["Quirinus Zzyzx"], "arxiv_id": "2401.99999"},
    ]
    assert not set(held_keys) & set(placement_lock_keys(other))
    content = jsonl.dumps(CanonicalRecord(**data) for data in other).encode()
    batch = batch_create(content=content, original_name="other.jsonl", format="jsonl", enqueue=False)

    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                placement_lock(held_keys)
                holding.set()
                release.wait(60)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(30)
        started = time.monotonic()
        assert batch_run(batch_id=batch.pk) == ImportBatch.Status.DONE
        assert time.monotonic() - started < 30, "the upload waited for the locks another one holds"
        assert not release.is_set()
        assert ImportBatch.objects.get(pk=batch.pk).created_count == 2
    finally:
        release.set()
        holder.join(60)
