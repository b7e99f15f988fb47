"""Run imports inside a test, through the same services and tasks the product uses."""

from pathlib import Path

from ingest import services
from ingest.models import ImportBatch


def import_bytes(capture, content: bytes, name: str = "dump.txt", **options) -> ImportBatch:
    """Create a batch and run its (eager) tasks, including those queued on commit."""
    with capture(execute=True):
        batch = services.batch_create(content=content, original_name=name, **options)
    batch.refresh_from_db()
    return batch


def import_file(capture, path: Path, **options) -> ImportBatch:
    return import_bytes(capture, path.read_bytes(), path.name, **options)
