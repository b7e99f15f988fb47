"""An import survives its database and its broker restarting in the middle (`make faults`).

Slow (a few minutes: each test imports the same file twice through a real worker), and they
stop and start the embedded PostgreSQL and Redis, so they run only with RUN_FAULT_TESTS=1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.db import connections

from ingest.formats import synth
from ingest.models import ImportBatch
from ingest.services import batch_create, batch_undo
from papers.models import Authorship, Paper
from profiles.models import Author
from tests.conftest import REPO, wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.faults,
    pytest.mark.skipif(not os.environ.get("RUN_FAULT_TESTS"), reason="set RUN_FAULT_TESTS=1 (make faults)"),
]

RECORDS = 500
DOWN_SECONDS = 5


def _embedded(call: str) -> None:
    """Stop or start an embedded server from a fresh process (this one caches its server handle)."""
    subprocess.run(
        [sys.executable, "-c", f"from config import embedded; embedded.{call}()"],
        cwd=REPO,
        check=True,
        timeout=120,
    )


def _status(batch_id: int) -> str:
    return ImportBatch.objects.get(pk=batch_id).status


def _counts(batch_id: int) -> dict:
    batch = ImportBatch.objects.values(
        "status", "processed_records", "created_count", "updated_count", "unchanged_count", "failed_count"
    ).get(pk=batch_id)
    return {
        **batch,
        "papers": Paper.objects.count(),
        "authors": Author.objects.filter(merged_into=None).count(),
        "authorships": Authorship.objects.count(),
    }


def _undisturbed_counts(celery_worker_process, content: bytes) -> dict:
    """Import the file with nothing going wrong, note the outcome, and undo it."""
    celery_worker_process()
    reference = batch_create(content=content, original_name="undisturbed.txt")
    wait_until(lambda: _status(reference.pk) == "done", 600, "the undisturbed import did not finish")
    expected = _counts(reference.pk)
    batch_undo(batch=ImportBatch.objects.get(pk=reference.pk))
    assert Paper.objects.count() == 0 and Author.objects.count() == 0
    return expected


def _when_placing(batch_id: int, at_least: int) -> None:
    wait_until(
        lambda: ImportBatch.objects.get(pk=batch_id).processed_records >= at_least,
        300,
        "placing never reached the fault",
    )
    assert _status(batch_id) == "placing", "the import finished before the fault"


@pytest.fixture
def import_file(monkeypatch) -> bytes:
    monkeypatch.setenv("IMPORT_CHUNK_SIZE", "10")  # many small transactions: the fault lands mid-import
    return synth.generate(RECORDS, seed=23, format="paper_feed").encode()


def test_import_survives_a_postgresql_restart(celery_worker_process, import_file):
    expected = _undisturbed_counts(celery_worker_process, import_file)
    batch = batch_create(content=import_file, original_name="postgres-restart.txt")
    _when_placing(batch.pk, 100)

    connections.close_all()
    _embedded("stop_database")  # pg_ctl's fast shutdown: every connection is cut, as in a restart
    time.sleep(DOWN_SECONDS)
    _embedded("ensure_database")
    restarted = time.monotonic()

    wait_until(lambda: _status(batch.pk) == "done", 600, "the import did not finish after the restart")
    print(f"finished {time.monotonic() - restarted:.1f}s after PostgreSQL came back")
    assert _counts(batch.pk) == expected
    assert expected["processed_records"] == RECORDS and expected["failed_count"] == 0


def test_import_survives_a_redis_restart(celery_worker_process, import_file):
    expected = _undisturbed_counts(celery_worker_process, import_file)
    batch = batch_create(content=import_file, original_name="redis-restart.txt")
    _when_placing(batch.pk, 100)

    _embedded("stop_redis")  # broker and cache at once
    time.sleep(DOWN_SECONDS)
    _embedded("ensure_redis")
    restarted = time.monotonic()

    wait_until(lambda: _status(batch.pk) == "done", 600, "the import did not finish after the restart")
    print(f"finished {time.monotonic() - restarted:.1f}s after Redis came back")
    assert _counts(batch.pk) == expected
    assert expected["processed_records"] == RECORDS and expected["failed_count"] == 0
