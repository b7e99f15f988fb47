"""Reads of import batches and their records."""

from __future__ import annotations

from django.db.models import QuerySet

from ingest.models import ImportBatch, ImportRecord


def import_batches() -> QuerySet[ImportBatch]:
    """Every batch, newest first, with who made it and whom it is about."""
    return ImportBatch.objects.select_related("subject_author", "created_by").order_by("-created_at", "-pk")


def import_records(*, batch: ImportBatch) -> QuerySet[ImportRecord]:
    """A batch's records in file order, with the paper each became."""
    return batch.records.select_related("paper").order_by("index")
