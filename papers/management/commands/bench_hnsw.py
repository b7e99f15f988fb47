"""Benchmark: HNSW recall@10 against latency for several ef_search values, on the loaded corpus.

Runs on whatever ``papers_paper`` holds (``manage.py synth_corpus --papers 1000000`` first):
the exact top 10 of each query is computed in NumPy over every stored vector, then the same
query goes through the index (``ORDER BY embedding <=> q LIMIT 10``) with each ``ef_search``.
Queries are stored vectors moved by noise (a query near some papers but equal to none), plain
and with filters (a recent year range; the topic of the paper the query came from) that the
iterative index scan must serve. One untimed pass first warms the index pages.
"""

from __future__ import annotations

import time

import numpy as np
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

from common.benchmarks import BenchmarkCommand

# COPY ... (FORMAT BINARY) of (bigint id, vector(384)): fixed-width rows after a 19-byte header.
_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("id_length", ">i4"),
        ("id", ">i8"),
        ("vector_length", ">i4"),
        ("dimensions", ">i2"),
        ("unused", ">i2"),
        ("vector", ">f4", 384),
    ]
)
_HEADER = 19


def _percentile(values: list[float], share: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000, share * 100))


class Command(BenchmarkCommand):
    help = "HNSW recall@10 and latency (p50/p95) per ef_search on the stored paper vectors."
    docs_block = "hnsw"

    def add_arguments(self, parser):
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--ef-search", default="40,100,200,400,800", help="Comma-separated values.")
        parser.add_argument("--seed", type=int, default=11)

    def handle(self, *args, queries: int, ef_search: str, seed: int, **options):
        started = time.perf_counter()
        ids, vectors, years, topics = self._load()
        if len(ids) < 1000:
            raise CommandError(
                "fewer than 1,000 embedded papers: load a corpus first (manage.py synth_corpus)"
            )
        self.stdout.write(f"{len(ids):,} vectors read in {time.perf_counter() - started:.1f}s")
        rng = np.random.default_rng(seed)
        sources = rng.integers(len(ids), size=queries)
        probes = vectors[sources] + 0.6 * rng.normal(size=(queries, vectors.shape[1])).astype(
            np.float32
        ) / np.sqrt(vectors.shape[1])
        probes /= np.linalg.norm(probes, axis=1, keepdims=True)
        recent = int(np.percentile(years, 70))
        everything = np.ones(len(ids), bool)
        # (rows each query may return, SQL condition, its parameter per query)
        cases = {
            "no filter": ([everything] * queries, "", [[]] * queries),
            f"year >= {recent} ({(years >= recent).mean():.0%})": (
                [years >= recent] * queries,
                "AND year >= %s",
                [[recent]] * queries,
            ),
            # "More like this in its own topic": the topic of the paper the query was made from.
            f"own topic (~{1 / len(np.unique(topics)):.1%})": (
                [topics == topics[source] for source in sources],
                "AND primary_category_id = %s",
                [[int(topics[source])] for source in sources],
            ),
        }
        values = [int(value) for value in ef_search.split(",") if value.strip()]
        self.stdout.write(f"{queries} queries; recall@10 against the exact top 10; latency in ms\n")
        self.stdout.write(
            f"{'filter':24} {'ef_search':>9} {'recall@10':>10} {'p50':>7} {'p95':>7} {'QPS 1 conn':>11}"
        )
        self._index(probes, [set()] * queries, max(values), "", [[]] * queries)  # warm the index pages
        for name, (masks, condition, params) in cases.items():
            exact = self._exact(vectors, ids, probes, masks)
            for ef in values:
                recall, timings = self._index(probes, exact, ef, condition, params)
                self.stdout.write(
                    f"{name:24} {ef:>9} {recall:>10.3f} {_percentile(timings, 0.5):>7.1f} "
                    f"{_percentile(timings, 0.95):>7.1f} {len(timings) / sum(timings):>11.0f}"
                )

    def _load(self):
        chunks = []
        with connection.cursor() as cursor:
            with cursor.cursor.copy(
                "COPY (SELECT id, embedding FROM papers_paper WHERE embedding IS NOT NULL ORDER BY id) "
                "TO STDOUT (FORMAT BINARY)"
            ) as copy:
                for data in copy:
                    chunks.append(bytes(data))
            cursor.execute(
                "SELECT coalesce(year, 0), coalesce(primary_category_id, 0) FROM papers_paper "
                "WHERE embedding IS NOT NULL ORDER BY id"
            )
            meta = np.asarray(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
        data = b"".join(chunks)
        rows = np.frombuffer(data[_HEADER : len(data) - 2], dtype=_ROW)
        vectors = np.ascontiguousarray(rows["vector"].astype(np.float32))
        return rows["id"].astype(np.int64), vectors, meta[:, 0], meta[:, 1]

    def _exact(self, vectors, ids, probes, masks) -> list[set[int]]:
        best = []
        for start in range(0, len(probes), 50):
            scores = probes[start : start + 50] @ vectors.T
            for row, mask in enumerate(masks[start : start + 50]):
                scores[row, ~mask] = -np.inf
            top = np.argpartition(-scores, 10, axis=1)[:, :10]
            best.extend({int(ids[row]) for row in rows} for rows in top)
        return best

    def _index(self, probes, exact, ef: int, condition: str, params: list[list]) -> tuple[float, list[float]]:
        found, timings = [], []
        with connection.cursor() as cursor:
            cursor.execute(f"SET hnsw.ef_search = {int(ef)}")
            query = sql.SQL(
                "SELECT id FROM papers_paper WHERE embedding IS NOT NULL {} "
                "ORDER BY embedding <=> %s::vector LIMIT 10"
            ).format(sql.SQL(condition))
            for probe, probe_params in zip(probes, params, strict=True):
                vector = "[" + ",".join(f"{value:.6f}" for value in probe) + "]"
                started = time.perf_counter()
                cursor.execute(query, [*probe_params, vector])
                rows = cursor.fetchall()
                timings.append(time.perf_counter() - started)
                found.append({row[0] for row in rows})
            cursor.execute("RESET hnsw.ef_search")
        recall = float(np.mean([len(a & b) / 10 for a, b in zip(exact, found, strict=True)]))
        return recall, timings
