"""Benchmark: records/s for parsing and for placement (no embeddings) on a synthetic dump."""

import os
import platform
import time

from django.core.management.base import BaseCommand

from ingest import formats, services
from ingest.formats import synth
from ingest.models import ImportBatch


class Command(BaseCommand):
    help = "Import a generated dump in-process and print parse and placement rates."

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--keep", action="store_true", help="Keep the imported data (default: undo it).")

    def handle(self, *args, records, seed, keep, **options):
        self.stdout.write(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
        started = time.perf_counter()
        text = synth.generate(records, seed=seed, format="paper_feed")
        self.stdout.write(f"generate: {records:,} records in {time.perf_counter() - started:.1f}s")

        started = time.perf_counter()
        result = formats.parse(text, format="paper_feed")
        parse_seconds = time.perf_counter() - started
        self.stdout.write(
            f"parse: {len(result.records):,} records in {parse_seconds:.1f}s "
            f"= {len(result.records) / parse_seconds:,.0f} records/s"
        )

        batch = services.batch_create(
            content=text.encode(), original_name=f"bench-{records}.txt", enqueue=False
        )
        # run in this process, not through a worker, so the figure is the pipeline's own cost
        services.batch_lease(batch_id=batch.pk)
        started = time.perf_counter()
        services.batch_parse(batch=batch)
        stored_seconds = time.perf_counter() - started
        batch.refresh_from_db()
        started = time.perf_counter()
        while services.batch_place_chunk(batch=batch):
            pass
        place_seconds = time.perf_counter() - started
        batch.refresh_from_db()
        self.stdout.write(
            f"parse + store records: {batch.total_records:,} in {stored_seconds:.1f}s "
            f"= {batch.total_records / stored_seconds:,.0f} records/s"
        )
        self.stdout.write(
            f"placement: {batch.processed_records:,} records in {place_seconds:.1f}s "
            f"= {batch.processed_records / place_seconds:,.0f} records/s "
            f"(created {batch.created_count:,}, unchanged {batch.unchanged_count:,}, "
            f"failed {batch.failed_count:,})"
        )
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.DONE)
        if not keep:
            services.batch_undo(batch=ImportBatch.objects.get(pk=batch.pk))
            self.stdout.write("benchmark data removed (use --keep to keep it)")
