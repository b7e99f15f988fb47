"""Benchmark: keyword search, author-name search and the researcher list on the loaded corpus.

Run after ``synth_corpus`` (it reads the development database as it is and writes nothing).
Each figure is the p50/p95 of repeated calls of what the page or API runs, after one untimed
warming pass.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from common.benchmarks import BenchmarkCommand
from papers.management.commands.bench_search import _percentile
from papers.models import Paper
from papers.search import FusedHit, SearchParams
from papers.selectors import search_authors, search_paper_ids_by_text, search_result_papers
from profiles.models import Author, AuthorAlias

ONE_WORD = ["transformers", "graph", "robust", "learning", "segmentation", "retrieval"]
MANY_WORDS = [
    "graph neural networks for molecule property prediction",
    "robust speech recognition",
    "sparse attention transformers",
    "reinforcement learning from human feedback",
]
# Names of the synthetic corpus (papers/synthetic_corpus.py): common, rare, one word.
EXACT_NAMES = ["Wei Wang", "Tatsunori Hashimoto", "Sarah Schmidt", "Priya Nair", "Hashimoto"]
TYPO_NAMES = ["hashimotto", "tatsunory hashimoto", "sarah schmitd", "priya nayr", "christopher lehman"]
# A typo in a very common short name: each of its trigrams is common (the hard case).
HARD_TYPO = ["wei wnag"]


class Command(BenchmarkCommand):
    help = "p50/p95 of keyword search, author-name search, profiles and /authors/ pages on the loaded data."
    docs_block = "pages"

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=10, help="Timed rounds over each query list.")
        parser.add_argument("--only", choices=["search", "pages"], default="", help="One half only.")

    def handle(self, *args, repeat: int, only: str, **options):
        papers, authors, aliases = Paper.objects.count(), Author.objects.count(), AuthorAlias.objects.count()
        load = os.getloadavg()
        self.stdout.write(
            f"{papers:,} papers, {authors:,} authors, {aliases:,} aliases; {os.cpu_count()} cores, "
            f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
        )
        self.repeat = repeat
        if only != "pages":
            self.measure_search()
        if only != "search":
            self.measure_pages()

    def measure_search(self) -> None:
        def keyword(query: str) -> None:
            ids = search_paper_ids_by_text(params=SearchParams(query=query))
            search_result_papers(
                hits=[FusedHit(pk, 0.0, rank, None) for rank, pk in enumerate(ids[:20], 1)], query=query
            )

        self.measure("keyword search, one common word (ranked ids + first page)", ONE_WORD, keyword)
        self.measure("keyword search, several words", MANY_WORDS, keyword)
        self.measure("author-name search, exact names", EXACT_NAMES, lambda q: search_authors(query=q))
        self.measure("author-name search, with a typo", TYPO_NAMES, lambda q: search_authors(query=q))
        self.measure(
            "author-name search, typo in a common name", HARD_TYPO, lambda q: search_authors(query=q)
        )

    def measure_pages(self) -> None:
        client = Client(HTTP_HOST="localhost")
        deep = self.deep_page_path()
        self.measure(
            "/search page (words, meaning, people; query vectors cached after the warm-up)",
            ["/search?q=robust+speech+recognition", "/search?q=learning", "/search?q=Tatsunori+Hashimoto"],
            lambda path: _get(client, path),
        )
        self.measure_profiles(client)
        self.measure("/authors/ page 1", ["/authors/"], lambda path: _get(client, path))
        self.measure(f"/authors/ deep page ({deep})", [deep], lambda path: _get(client, path))
        self.measure(
            "/authors/?q= (name filter, typo)", ["/authors/?q=hashimotto"], lambda path: _get(client, path)
        )
        self.measure(
            "/api/v1/authors/?q= (name filter)",
            ["/api/v1/authors/?q=wei+wang"],
            lambda path: _get(client, path),
        )

    def measure_profiles(self, client: Client) -> None:
        """A typical profile (5-40 works) and the biggest, rendered each time and from the page cache."""
        typical = list(
            Author.objects.filter(merged_into=None, work_count__range=(5, 40))
            .order_by("pk")
            .values_list("slug", flat=True)[:: max(1, Author.objects.count() // 400)][:50]
        )
        biggest = (
            Author.objects.filter(merged_into=None).order_by("-work_count").values_list("slug", flat=True)[:1]
        )
        typical_paths = [f"/authors/{slug}/" for slug in typical]
        hub_paths = [f"/authors/{slug}/" for slug in biggest]
        with override_settings(PROFILE_PAGE_CACHE_SECONDS=0):
            with CaptureQueriesContext(connection) as queries:
                _get(client, typical_paths[0])
            self.stdout.write(f"profile page: {len(queries)} queries (rendered, {typical_paths[0]})")
            self.measure(
                "profile, typical author, rendered (signed-in or first view)",
                typical_paths,
                lambda p: _get(client, p),
            )
            self.measure("profile, most works, rendered", hub_paths, lambda p: _get(client, p))
        with override_settings(PROFILE_PAGE_CACHE_SECONDS=120):
            _get(client, typical_paths[0])
            with CaptureQueriesContext(connection) as queries:
                _get(client, typical_paths[0])
            self.stdout.write(f"profile page: {len(queries)} queries (from the page cache)")
            self.measure(
                "profile, typical author, anonymous (page cache)", typical_paths, lambda p: _get(client, p)
            )

    def deep_page_path(self) -> str:
        """The researcher list 80% of the way down, as its Next links reach it (keyset pages)."""
        live = Author.objects.filter(merged_into=None).order_by("display_name", "pk")
        boundary = live.values_list("pk", flat=True)[int(live.count() * 0.8)]
        return f"/authors/?after={boundary}"

    def measure(self, label: str, queries: list[str], run: Callable[[str], object]) -> None:
        for query in queries:  # warm caches and plans
            run(query)
        timings = []
        for _ in range(self.repeat):
            for query in queries:
                started = time.perf_counter()
                run(query)
                timings.append(time.perf_counter() - started)
        self.stdout.write(
            f"{label}: p50 {1000 * _percentile(timings, 0.5):.1f} ms, "
            f"p95 {1000 * _percentile(timings, 0.95):.1f} ms, mean {1000 * statistics.mean(timings):.1f} ms "
            f"({len(timings)} calls)"
        )


def _get(client: Client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
