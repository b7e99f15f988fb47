"""An import batch's report as CSV (pure: the records come fetched)."""

from __future__ import annotations

from collections.abc import Iterable

from ingest.models import ImportBatch, ImportRecord
from papers.exports import csv_text

BATCH_REPORT_HEADER = [
    "index", "line_start", "line_end", "status", "error", "title", "authors", "arxiv_id", "doi",
    "paper", "paper_url",
]  # fmt: skip


def batch_report_csv(batch: ImportBatch, records: Iterable[ImportRecord], *, site_url) -> str:
    """One row per record of the batch: where it was in the file and what became of it."""

    def row(record: ImportRecord) -> list:
        data = record.data or {}
        paper = record.paper if record.paper_id else None
        return [
            record.index,
            record.line_start,
            record.line_end,
            record.status,
            record.error,
            data.get("title"),
            "; ".join(data.get("authors") or []),
            data.get("arxiv_id"),
            data.get("doi"),
            paper.slug if paper else None,
            site_url(paper.get_absolute_url()) if paper else None,
        ]

    return csv_text(BATCH_REPORT_HEADER, (row(record) for record in records))
