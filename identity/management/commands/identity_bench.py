"""Benchmark author identity on the seeded ambiguity set, through the real import path.

The set (``identity.ambiguity``) is written as a canonical JSON Lines dump and imported in this
process (parse, then placement chunk by chunk, as a worker does), then every block the import
touched is re-clustered (``identity.services_cluster.blocks_recluster``, what the
``blocks_changed`` task runs). Every authorship is mapped to its gold person and the figures are
printed after placement and after re-clustering, beside the naive baseline "one profile per
exact name". Everything runs in one transaction that is rolled back at the end (``--keep``
commits instead), so nothing is left behind and no follow-up task is queued; placement computes
no embeddings, so the figures are those of a fresh import (identity from names, co-authors,
institutions, topics and words).
"""

import json
import os
import platform
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from identity import ambiguity
from identity.services_cluster import blocks_recluster
from ingest import services as ingest_services
from ingest.formats import jsonl
from ingest.formats.canonical import CanonicalRecord
from ingest.models import ImportBatch
from papers.models import Authorship

DOI_PREFIX = "10.5555/ambiguity."


class _RollBack(Exception):
    pass


class Command(BaseCommand):
    help = "Import the seeded ambiguity set in-process and print identity precision/recall."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=14)
        parser.add_argument("--scale", type=float, default=1.0, help="People per ambiguous name x scale.")
        parser.add_argument("--no-recluster", action="store_true", help="Placement only.")
        parser.add_argument("--keep", action="store_true", help="Commit the imported data.")
        parser.add_argument("--json", dest="as_json", action="store_true", help="Print JSON.")
        parser.add_argument(
            "--arxiv-like",
            action="store_true",
            help="Drop institutions and venues from the records, as arXiv listings come (no affiliations).",
        )

    def handle(self, *args, seed, scale, no_recluster, keep, as_json, arxiv_like, **options):
        dataset = ambiguity.generate(seed=seed, scale=scale)
        if arxiv_like:
            dataset = ambiguity.without_fields(dataset, ("institutions", "venue"))
        results: dict = {
            "seed": seed,
            "scale": scale,
            "arxiv_like": arxiv_like,
            "records": len(dataset.records),
            "naive": ambiguity.report(dataset, ambiguity.naive_clusters(dataset)),
        }
        try:
            with transaction.atomic():
                self._run(dataset, results, recluster=not no_recluster)
                if not keep:
                    raise _RollBack
        except _RollBack:
            pass
        if as_json:
            self.stdout.write(json.dumps(results, indent=2, sort_keys=True))
            return
        self._print(results)

    def _run(self, dataset: ambiguity.AmbiguitySet, results: dict, *, recluster: bool) -> None:
        content = jsonl.dumps(CanonicalRecord(**record) for record in dataset.records)
        batch = ingest_services.batch_create(
            content=content.encode(), original_name="identity-bench.jsonl", format="jsonl", enqueue=False
        )
        lease = ingest_services.batch_lease(batch_id=batch.pk)
        started = time.perf_counter()
        ingest_services.batch_parse(batch=batch, lease=lease)
        batch.refresh_from_db()
        while ingest_services.batch_place_chunk(batch=batch, lease=lease):
            pass
        batch.refresh_from_db()
        results["placement_seconds"] = time.perf_counter() - started
        results["failed_records"] = batch.failed_count
        results["placement"] = ambiguity.report(dataset, _predicted(dataset))
        if recluster:
            started = time.perf_counter()
            outcome = blocks_recluster(batch=batch)
            results["recluster_seconds"] = time.perf_counter() - started
            results["recluster_changes"] = outcome.as_dict()
            results["reclustered"] = ambiguity.report(dataset, _predicted(dataset))
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.DONE)

    def _print(self, results: dict) -> None:
        self.stdout.write(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
        self.stdout.write(
            f"ambiguity set: seed {results['seed']}, scale {results['scale']}, "
            f"{'arXiv-like (no institutions, no venues), ' if results['arxiv_like'] else ''}"
            f"{results['records']:,} records, {results['naive']['all']['mentions']:,} mentions, "
            f"{results['naive']['all']['people']:,} people "
            f"({results['naive']['ambiguous']['people']} sharing {len(ambiguity.AMBIGUOUS_NAMES)} "
            "ambiguous names)"
        )
        self.stdout.write(
            f"placement: {results['placement_seconds']:.1f}s "
            f"({results['records'] / results['placement_seconds']:.1f} records/s), "
            f"failed records: {results['failed_records']}"
        )
        if "recluster_seconds" in results:
            changes = results["recluster_changes"]
            self.stdout.write(
                f"re-clustering: {results['recluster_seconds']:.1f}s, {changes['blocks']} blocks, "
                f"{changes['splits']} splits, {changes['merges']} merges, "
                f"{changes['proposals']} close calls for curation"
            )
        header = (
            f"{'':<24} {'mentions':>8} {'people':>6} {'profiles':>8}   {'pair P':>6} {'pair R':>6} "
            f"{'pair F1':>7}   {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}"
        )
        self.stdout.write(header)
        for stage in ("naive", "placement", "reclustered"):
            if stage not in results:
                continue
            for part in ("all", "ambiguous"):
                self.stdout.write(_row(f"{stage} / {part}", results[stage][part]))
        final = results.get("reclustered") or results["placement"]
        self.stdout.write("worst names (block, after the last stage):")
        for block, figures in ambiguity.worst(final["per_name"], count=6):
            self.stdout.write(_row(f"  {block}", figures))


def _row(label: str, scores: dict) -> str:
    return (
        f"{label:<24} {scores['mentions']:>8} {scores['people']:>6} {scores['profiles']:>8}   "
        f"{scores['pairwise_precision']:>6.3f} {scores['pairwise_recall']:>6.3f} "
        f"{scores['pairwise_f1']:>7.3f}   {scores['bcubed_precision']:>6.3f} "
        f"{scores['bcubed_recall']:>6.3f} {scores['bcubed_f1']:>6.3f}"
    )


def _predicted(dataset: ambiguity.AmbiguitySet) -> dict[str, str]:
    """Mention id (record index-position) -> the author its authorship is on now."""
    predicted = {}
    rows = Authorship.objects.filter(paper__doi__startswith=DOI_PREFIX, from_subject=False).values_list(
        "paper__doi", "position", "author_id"
    )
    for doi, position, author_id in rows:
        predicted[f"{int(doi[len(DOI_PREFIX) :])}-{position}"] = str(author_id)
    # A mention placement dropped (the same person twice on a paper) stays on its own.
    for mention in ambiguity.mention_ids(dataset):
        predicted.setdefault(mention, f"missing-{mention}")
    return predicted
