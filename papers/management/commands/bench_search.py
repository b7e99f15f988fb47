"""Benchmark: search latency and HNSW recall on a synthetic corpus, in a scratch schema.

The corpus (synthetic titles and abstracts, random unit vectors) goes into a schema of its
own that shadows the real tables through ``search_path``; the real tables are never
written, and the schema is dropped at the end, also on error or Ctrl-C.
"""

from __future__ import annotations

import os
import platform
import statistics
import time

import numpy as np
from django.core.management.base import BaseCommand
from django.db import connection

from ingest.formats import synth
from papers.embedding import DIMENSIONS, get_embedder
from papers.search import SearchParams
from papers.selectors import SEARCH_SEMANTIC_CANDIDATES, search_papers, search_result_papers

# Every table the search page reads: shadowed by empty or synthetic copies in the scratch schema.
SHADOWED = [
    "papers_paper",
    "papers_topic",
    "papers_papertopic",
    "papers_authorship",
    "papers_authorship_institutions",
    "profiles_author",
    "profiles_authoralias",
    "profiles_institution",
]
_DEFAULTS_BY_TYPE = {
    "text": "''",
    "character varying": "''",
    "boolean": "false",
    "jsonb": "'{}'::jsonb",
    "timestamp with time zone": "now()",
}


def _unit_vectors(rng: np.random.Generator, count: int, kind: str, offset: int = 0) -> np.ndarray:
    """Random unit vectors; "clustered" ones scatter around 500 fixed centres (seeded by rng)."""
    centres = rng.normal(size=(500, DIMENSIONS))
    noise = np.random.default_rng(rng.integers(1 << 30) + offset)
    if kind == "clustered":
        matrix = centres[noise.integers(0, 500, count)] + noise.normal(scale=0.6, size=(count, DIMENSIONS))
    else:
        matrix = noise.normal(size=(count, DIMENSIONS))
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _latency(timings: list[float]) -> str:
    return f"p50 {1000 * _percentile(timings, 0.5):.1f} ms, p95 {1000 * _percentile(timings, 0.95):.1f} ms"


class Command(BaseCommand):
    help = "Search p50/p95 latency and HNSW recall@10 on N synthetic papers with random vectors."

    def add_arguments(self, parser):
        parser.add_argument("--papers", type=int, default=100_000)
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--vectors",
            choices=["random", "clustered"],
            default="random",
            help="Uniformly random unit vectors, or vectors around 500 topic centres (closer to real ones).",
        )

    def handle(self, *args, papers: int, queries: int, seed: int, vectors: str, **options):
        schema = f"bench_search_{os.getpid()}"
        self.stdout.write(
            f"machine: {platform.machine()}, {os.cpu_count()} cores; {papers:,} papers, "
            f"{vectors} vectors; scratch schema {schema}"
        )
        connection.ensure_connection()
        try:
            matrix = self._load(schema, papers, seed, vectors)
            self._measure(matrix, queries, seed, vectors)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET search_path TO DEFAULT")
                cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            self.stdout.write(f"dropped {schema}")

    # --- corpus ----------------------------------------------------------------------------

    def _load(self, schema: str, count: int, seed: int, kind: str) -> np.ndarray:
        from pgvector.psycopg import register_vector

        matrix = _unit_vectors(np.random.default_rng(seed), count, kind)
        rng = np.random.default_rng(seed + 2)

        started = time.perf_counter()
        _, records = synth.generate_with_records(count, seed=seed, format="jsonl")
        texts = [(record.title or "", record.abstract or "") for record in records]
        self.stdout.write(f"generate texts: {time.perf_counter() - started:.1f}s")

        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {schema}")
            for table in SHADOWED:
                # INCLUDING GENERATED: the search document is computed as the rows are copied.
                like = f"LIKE public.{table} INCLUDING DEFAULTS INCLUDING GENERATED"
                cursor.execute(f"CREATE TABLE {schema}.{table} ({like})")
            # Columns the corpus leaves empty get a value from their type.
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = %s AND table_name = 'papers_paper' AND is_nullable = 'NO' "
                "AND column_default IS NULL",
                [schema],
            )
            for column, data_type in cursor.fetchall():
                if column not in ("id", "title", "abstract", "slug", "year", "embedding"):
                    default = _DEFAULTS_BY_TYPE.get(data_type, "''")
                    cursor.execute(
                        f"ALTER TABLE {schema}.papers_paper ALTER COLUMN {column} SET DEFAULT {default}"
                    )
            cursor.execute(f"SET search_path TO {schema}, public")

        raw = connection.connection
        register_vector(raw)
        started = time.perf_counter()
        with (
            raw.cursor() as cursor,
            cursor.copy(
                "COPY papers_paper (id, title, abstract, slug, year, embedding) "
                "FROM STDIN WITH (FORMAT BINARY)"
            ) as copy,
        ):
            copy.set_types(["int8", "text", "text", "varchar", "int2", "vector"])
            years = rng.integers(1990, 2026, count)
            for index in range(count):
                title, abstract = texts[index]
                copy.write_row(
                    [index + 1, title, abstract, f"bench-{index + 1}", int(years[index]), matrix[index]]
                )
        self.stdout.write(f"copy {count:,} rows: {time.perf_counter() - started:.1f}s")

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = 'public' AND tablename = ANY(%s)",
                [SHADOWED],
            )
            definitions = cursor.fetchall()
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for name, definition in definitions:
                started = time.perf_counter()
                cursor.execute(definition.replace(" ON public.", f" ON {schema}.", 1))
                if name in ("paper_embedding_hnsw", "papers_paper_search_document"):
                    self.stdout.write(f"build index {name}: {time.perf_counter() - started:.1f}s")
            cursor.execute("ANALYZE papers_paper")
        return matrix

    # --- measurements ----------------------------------------------------------------------

    def _measure(self, matrix: np.ndarray, queries: int, seed: int, kind: str) -> None:
        # Probes come from the corpus's own distribution (same centres when clustered).
        probes = _unit_vectors(np.random.default_rng(seed), queries, kind, offset=1)
        exact = np.argsort(-(probes @ matrix.T), axis=1)[:, :10] + 1  # ids are row + 1

        for ef_search in (40, SEARCH_SEMANTIC_CANDIDATES, 200):
            recalls, timings = [], []
            for probe, truth in zip(probes, exact, strict=True):
                with connection.cursor() as cursor:
                    cursor.execute("BEGIN")
                    cursor.execute(f"SET LOCAL hnsw.ef_search = {ef_search}")
                    started = time.perf_counter()
                    cursor.execute(
                        "SELECT id FROM papers_paper ORDER BY embedding <=> %s::vector LIMIT 10",
                        [str(probe.tolist())],
                    )
                    found = [row[0] for row in cursor.fetchall()]
                    timings.append(time.perf_counter() - started)
                    cursor.execute("COMMIT")
                recalls.append(len(set(found) & set(truth.tolist())) / 10)
            self.stdout.write(
                f"HNSW top-10, ef_search={ef_search}: recall@10 {statistics.mean(recalls):.3f}, "
                f"{_latency(timings)}"
            )

        timings = []
        for probe in probes[: min(20, queries)]:
            with connection.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute("SET LOCAL enable_indexscan = off")
                started = time.perf_counter()
                cursor.execute(
                    "SELECT id FROM papers_paper ORDER BY embedding <=> %s::vector LIMIT 10",
                    [str(probe.tolist())],
                )
                cursor.fetchall()
                timings.append(time.perf_counter() - started)
                cursor.execute("COMMIT")
        self.stdout.write(f"exact top-10 (sequential scan): p50 {1000 * _percentile(timings, 0.5):.1f} ms")

        words = ["robust", "sparse", "agents", "diffusion", "translation", "reward models", "retrievers"]
        tails = ["code generation", "theorem proving", "speech recognition", "preference optimization", ""]
        texts = [f"{words[i % len(words)]} {tails[i % len(tails)]}".strip() for i in range(queries)]
        embedder = get_embedder()
        embedder.encode(["warm up"])
        for label, filters in (("no filter", {}), ("years 2015-2020", {"year_from": 2015, "year_to": 2020})):
            timings, counts = [], []
            for text in texts:
                started = time.perf_counter()
                params = SearchParams(query=text, **filters)
                hits = search_papers(params=params)
                search_result_papers(hits=hits[:20], query=text)
                timings.append(time.perf_counter() - started)
                counts.append(len(hits))
            self.stdout.write(
                f"full search ({label}: words + meaning, fusion, first page with highlights): "
                f"{_latency(timings)}, {statistics.mean(counts):.0f} hits on average"
            )
