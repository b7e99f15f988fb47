"""Benchmark the import pipeline in-process on an arXiv-shaped synthetic corpus.

Prints records/s for parsing, placement (papers, authorships, institutions), identity at
placement (the resolver and the chunk's pair re-checks, timed apart), the re-clustering of
every block the import touched (what the ``blocks_changed`` task runs after an import), the
whole import end to end, queries per record and the process's peak memory, at each requested
number of authorships already stored (``--preload 0,100000,1000000``).
"""

from __future__ import annotations

import os
import platform
import resource
import time
from contextlib import contextmanager

from django.core.management.base import BaseCommand
from django.db import connection

from identity.services_cluster import blocks_recluster
from identity.services_resolve import ChunkIdentity
from ingest import formats, services
from ingest.bench import corpus_preload
from ingest.formats import synth
from ingest.models import ImportBatch
from papers.models import Authorship


class _Meter:
    """Counts queries and the seconds spent inside the identity resolver."""

    def __init__(self) -> None:
        self.queries = 0
        self.identity_seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)

    @contextmanager
    def timing_identity(self):
        resolve = services.author_resolve_mention

        def timed(**kwargs):
            started = time.perf_counter()
            try:
                return resolve(**kwargs)
            finally:
                self.identity_seconds += time.perf_counter() - started

        settle = ChunkIdentity.settle

        def settle_timed(chunk):
            started = time.perf_counter()
            try:
                return settle(chunk)
            finally:
                self.identity_seconds += time.perf_counter() - started

        services.author_resolve_mention = timed
        ChunkIdentity.settle = settle_timed
        try:
            yield
        finally:
            services.author_resolve_mention = resolve
            ChunkIdentity.settle = settle


class Command(BaseCommand):
    help = "Import an arXiv-shaped synthetic corpus in-process and print parse, placement and identity rates."

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--preload",
            default="0",
            help="Comma-separated authorship counts to have stored before each run (e.g. 0,100000,1000000).",
        )
        parser.add_argument("--keep", action="store_true", help="Keep the imported data (default: undo it).")

    def handle(self, *args, records, seed, preload, keep, **options):
        self.stdout.write(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
        levels = [int(level) for level in preload.split(",") if level.strip()]
        rows = []
        for run, level in enumerate(levels):
            stored = Authorship.objects.count()
            if stored < level:
                started = time.perf_counter()
                added = corpus_preload(authorships=level - stored, seed=seed + 100 + run)
                self.stdout.write(
                    f"preload: {added:,} authorships in {time.perf_counter() - started:.0f}s "
                    f"(now {Authorship.objects.count():,})"
                )
            rows.append(self._run(records=records, seed=seed + run, keep=keep))
        self.stdout.write("")
        self.stdout.write(
            f"{'stored authorships':>18} {'parse rec/s':>11} {'placement rec/s':>15} {'identity rec/s':>14} "
            f"{'place+identity rec/s':>20} {'re-cluster rec/s':>16} {'end to end rec/s':>16} "
            f"{'queries/rec':>11} {'peak MB':>8}"
        )
        for row in rows:
            self.stdout.write(
                f"{row['stored']:>18,} {row['parse']:>11,.0f} {row['placement']:>15,.0f} "
                f"{row['identity']:>14,.0f} {row['total']:>20,.1f} {row['recluster']:>16,.1f} "
                f"{row['end_to_end']:>16,.1f} {row['queries']:>11,.1f} "
                f"{row['peak_mb']:>8,.0f}"
            )

    def _run(self, *, records: int, seed: int, keep: bool) -> dict:
        stored = Authorship.objects.count()
        text = synth.generate(records, seed=seed, format="arxiv")
        started = time.perf_counter()
        result = formats.parse(text, format="jsonl")
        parse_rate = len(result.records) / (time.perf_counter() - started)
        mentions = sum(len(record.authors) for record in result.records)

        batch = services.batch_create(
            content=text.encode(),
            original_name=f"bench-{records}-{seed}.jsonl",
            format="jsonl",
            enqueue=False,
        )
        # In this process, not through a worker, so the figure is the pipeline's own cost.
        lease = services.batch_lease(batch_id=batch.pk)
        batch.refresh_from_db()
        services.batch_parse(batch=batch, lease=lease)
        batch.refresh_from_db()
        meter = _Meter()
        started = time.perf_counter()
        with connection.execute_wrapper(meter), meter.timing_identity():
            while services.batch_place_chunk(batch=batch, lease=lease):
                pass
        seconds = time.perf_counter() - started
        batch.refresh_from_db()
        placed = batch.processed_records
        identity_seconds = meter.identity_seconds
        placement_seconds = max(seconds - identity_seconds, 1e-9)
        self.stdout.write(
            f"{stored:,} stored: {placed:,} records ({mentions:,} author mentions) in {seconds:.1f}s; "
            f"identity {identity_seconds:.1f}s, the rest {placement_seconds:.1f}s; "
            f"created {batch.created_count:,}, unchanged {batch.unchanged_count:,}, "
            f"failed {batch.failed_count:,}"
        )
        started = time.perf_counter()
        outcome = blocks_recluster(batch=batch)
        recluster_seconds = max(time.perf_counter() - started, 1e-9)
        self.stdout.write(
            f"re-clustering: {outcome.blocks:,} blocks in {recluster_seconds:.1f}s ({outcome.as_dict()})"
        )
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.DONE)
        if not keep:
            services.batch_undo(batch=ImportBatch.objects.get(pk=batch.pk))
        return {
            "stored": stored,
            "parse": parse_rate,
            "placement": placed / placement_seconds,
            "identity": placed / identity_seconds if identity_seconds else float("inf"),
            "total": placed / seconds,
            "recluster": placed / recluster_seconds,
            "end_to_end": placed / (seconds + recluster_seconds),
            "queries": meter.queries / max(placed, 1),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
