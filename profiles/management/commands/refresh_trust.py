"""Recompute every researcher's cached trust score (or the named ones), in chunks.

The pipeline refreshes the authors an import touched; this is for an operator after a formula
change or a bulk load that bypassed the pipeline (``synth_corpus`` calls it at its end).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from profiles.models import Author
from profiles.services import TRUST_REFRESH_CHUNK, authors_refresh_trust

BATCH = 20 * TRUST_REFRESH_CHUNK  # authors per transaction


class Command(BaseCommand):
    help = "Recompute the cached trust score and breakdown of every author (or of the given ids)."

    def add_arguments(self, parser):
        parser.add_argument("author_ids", nargs="*", type=int, help="only these authors (default: all)")

    def handle(self, *args, author_ids: list[int], **options):
        started = time.perf_counter()
        ids = author_ids or list(
            Author.objects.filter(merged_into=None).order_by("pk").values_list("pk", flat=True)
        )
        for start in range(0, len(ids), BATCH):
            authors_refresh_trust(author_ids=ids[start : start + BATCH])
        elapsed = time.perf_counter() - started
        self.stdout.write(f"refresh_trust: {len(ids):,} authors in {elapsed:.1f}s")
