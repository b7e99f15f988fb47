"""Embed papers (and topics), infer topics and refresh author centroids, with a progress bar."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from papers import services_embedding
from papers.embedding import get_embedder
from papers.models import Paper


class Command(BaseCommand):
    help = "Compute paper embeddings in this process: --missing (default) or --all."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--missing",
            action="store_true",
            help="Papers without a vector, or whose text or model changed (the default).",
        )
        which.add_argument("--all", action="store_true", help="Every paper, even if unchanged.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (logs, CI).")

    def handle(self, *args, missing: bool, all: bool, no_progress: bool, **options):  # noqa: A002
        embedder = get_embedder()
        started = time.perf_counter()
        try:
            self.stderr.write(f"model: {embedder.model_id}")
            topics = services_embedding.topics_embed(force=True, embedder=embedder)
        except Exception as error:
            raise CommandError(f"cannot load the embedding model: {error}") from error
        total = Paper.objects.count()
        with tqdm(total=total, unit="paper", disable=no_progress, file=self.stderr) as bar:
            result = services_embedding.papers_embed(force=all, embedder=embedder, progress=bar.update)
        inferred = services_embedding.papers_assign_topics(paper_ids=None)
        centroids = services_embedding.author_centroids_refresh(author_ids=None, model_id=embedder.model_id)
        seconds = time.perf_counter() - started
        rate = len(result.embedded) / seconds if seconds else 0.0
        self.stdout.write(
            f"embedded {len(result.embedded):,} papers, {result.skipped:,} unchanged, "
            f"{topics} topics; inferred topics for {inferred:,} papers; "
            f"{centroids:,} author centroids; {seconds:.1f}s ({rate:.1f} papers/s)"
        )
