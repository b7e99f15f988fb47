"""A fast stand-in for the sentence model: hashed bag of word stems (tests only).

Texts sharing words get similar vectors, so nearest neighbours, topics and search behave
sensibly on small test data without loading the real model.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from papers.embedding import DIMENSIONS, normalize_rows

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "we",
        "with",
        "our",
        "which",
        "these",
        "their",
        "can",
        "than",
        "into",
        "not",
    ]
)


def _stem(word: str) -> str:
    for suffix in ("ing", "ers", "er", "es", "ed", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


class HashingEmbedder:
    model_id = "fake-hashing-v1"

    def __init__(self) -> None:
        self.calls = 0
        self.texts_encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts_encoded += len(texts)
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                if word in _STOP:
                    continue
                digest = hashlib.blake2b(_stem(word).encode(), digest_size=8).digest()
                column = int.from_bytes(digest[:4], "little") % DIMENSIONS
                vectors[row, column] += 1.0 if digest[4] & 1 else -1.0
        return normalize_rows(vectors)
