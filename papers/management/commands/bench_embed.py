"""Benchmark: abstracts/s for each embedding backend, and agreement with torch fp32."""

from __future__ import annotations

import os
import platform
import time

import numpy as np
from django.conf import settings

from common.benchmarks import BenchmarkCommand
from ingest import formats
from ingest.formats import synth
from papers import embedding
from papers.embedding import (
    BACKENDS,
    ENCODE_BATCH_SIZE,
    SentenceTransformerEmbedder,
    neighbour_agreement,
    paper_text,
)

# The goal (issues 5 and 16): at least 3x torch fp32, top-10 neighbours >= 95% the same.
SPEEDUP_GOAL, AGREEMENT_GOAL = 3.0, 0.95


def sample_texts(limit: int) -> list[str]:
    """Title + abstract of every distinct sample-dump record with an abstract (synthetic if none)."""
    texts: dict[str, None] = {}
    folder = settings.SAMPLE_DUMPS
    for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
        for record in formats.parse(formats.decode(path.read_bytes())).records:
            data = record if isinstance(record, dict) else record.to_dict()
            if data.get("abstract"):
                texts[paper_text(data.get("title"), data["abstract"])] = None
    if not texts:
        _, records = synth.generate_with_records(limit, seed=5, format="jsonl")
        for record in records:
            data = record if isinstance(record, dict) else record.to_dict()
            texts[paper_text(data.get("title"), data.get("abstract"))] = None
    return list(texts)[:limit]


class _OpenVinoFp32:
    """The OpenVINO backend's model with fp32 arithmetic, for comparison."""

    def __init__(self, embedder: SentenceTransformerEmbedder) -> None:
        self.model = embedding._OpenVinoModel(embedder.openvino_file(), precision="f32")

    def encode(self, texts):
        return self.model.encode(texts)


class Command(BenchmarkCommand):
    help = (
        "Embed the sample abstracts with every backend (torch fp32 first), taking turns in one process; "
        "print rates and agreement with torch."
    )
    docs_block = "embed"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="Most abstracts to embed.")
        parser.add_argument("--repeat", type=int, default=2, help="Timed passes per backend (best kept).")
        parser.add_argument("--backends", default=",".join(BACKENDS), help="Comma-separated, torch first.")
        parser.add_argument(
            "--openvino-fp32",
            action="store_true",
            help="Also run the OpenVINO model with fp32 arithmetic (what a processor without bf16 gets).",
        )
        parser.add_argument(
            "--batch-size", type=int, default=ENCODE_BATCH_SIZE, help="Texts per model call (all backends)."
        )

    def handle(
        self, *args, limit: int, repeat: int, backends: str, openvino_fp32: bool, batch_size, **options
    ):
        embedding.ENCODE_BATCH_SIZE = batch_size
        texts = sample_texts(limit)
        chars = sum(len(text) for text in texts) / max(len(texts), 1)
        self.stdout.write(
            f"machine: {platform.machine()}, {os.cpu_count()} cores; {len(texts)} abstracts, "
            f"{chars:.0f} characters on average (the model reads the first 256 word pieces)"
        )
        names = [name.strip() for name in backends.split(",") if name.strip()]
        embedders = {}
        for name in names:
            embedder = SentenceTransformerEmbedder(backend=name, cache_dir=settings.EMBEDDING_CACHE_DIR)
            started = time.perf_counter()
            embedder.load()
            self.stdout.write(f"{name:10} load {time.perf_counter() - started:.1f}s ({embedder.model_id})")
            embedder.encode(texts[:8])  # warm-up: first calls allocate and pick kernels
            embedders[name] = embedder
            if name == "openvino" and openvino_fp32:
                embedders["openvino-fp32"] = _OpenVinoFp32(embedder)
                embedders["openvino-fp32"].encode(texts[:8])
        # Backends take turns, pass after pass, so a busy moment on the machine hits them all.
        names = list(embedders)
        best = dict.fromkeys(names, float("inf"))
        vectors_by_name: dict[str, np.ndarray] = {}
        for _ in range(max(repeat, 1)):
            for name, embedder in embedders.items():
                started = time.perf_counter()
                vectors_by_name[name] = embedder.encode(texts)
                best[name] = min(best[name], time.perf_counter() - started)
        results = {name: (len(texts) / best[name], vectors_by_name[name]) for name in names}
        for name, (rate, _) in results.items():
            self.stdout.write(f"{name:10} {rate:7.1f} abstracts/s (best of {max(repeat, 1)} passes)")

        if "torch" not in results:
            return
        base_rate, reference = results["torch"]
        self.stdout.write("\nagainst torch fp32 (same run):")
        for name, (rate, vectors) in results.items():
            if name == "torch":
                continue
            cosines = np.sum(reference * vectors, axis=1)
            agreement = neighbour_agreement(reference, vectors, k=10)
            verdict = (
                "meets" if rate / base_rate >= SPEEDUP_GOAL and agreement >= AGREEMENT_GOAL else "misses"
            )
            self.stdout.write(
                f"{name:10} speed x{rate / base_rate:.2f}; cosine to fp32 mean {cosines.mean():.4f} "
                f"min {cosines.min():.4f}; top-10 neighbour agreement {agreement:.1%} "
                f"({verdict} the goal: x{SPEEDUP_GOAL:.0f} and {AGREEMENT_GOAL:.0%})"
            )
