"""Canonical records and small worlds of authors for the identity tests."""

from __future__ import annotations

import json
from itertools import count

import pytest

from papers.models import Paper
from tests.factories import AuthorshipFactory, PaperFactory
from tests.ingest.helpers import import_bytes

_serial = count(1)

BIOLOGY = (
    "Single-cell chromatin accessibility maps of developing cortex identify enhancers, transcription "
    "factor motifs and regulatory variants that drive neuronal differentiation and gene expression "
    "programmes in progenitor cells of the embryonic mouse brain."
)
VISION = (
    "Self-supervised depth estimation from monocular video trains a convolutional network to predict "
    "per-pixel depth and camera motion from unlabelled frames with photometric reconstruction losses, "
    "occlusion-aware masks and multi-scale image pyramids for outdoor driving scenes."
)
LANGUAGE = (
    "Large language models are evaluated for faithfulness of generated summaries; annotators mark "
    "hallucinated content, detectors of unsupported statements are trained, and reference-free "
    "evaluation metrics for text generation are compared against human judgements."
)
PHYSIOLOGY = (
    "Muscle glycogen depletion during repeated sprint exercise in elite basketball players was "
    "measured with biopsies of the vastus lateralis; carbohydrate supplementation preserved jumping "
    "performance, fatigue resistance and recovery between matches."
)
STATISTICS = (
    "Variational inference for hierarchical Bayesian nonparametric mixtures: stochastic updates for "
    "Dirichlet process posteriors, bounds on the approximation error, and scalable inference for "
    "topic discovery in large text corpora with convergence guarantees."
)


def record(title: str, authors: list[str], *, abstract: str = "", category=None, institutions=()) -> dict:
    """A canonical record (docs/canonical-format.md) with every key present."""
    return {
        "title": title,
        "authors": authors,
        "authors_truncated": False,
        "authors_more": None,
        "institutions": list(institutions),
        "abstract": abstract,
        "arxiv_id": None,
        "doi": None,
        "date": "2024",
        "category": category,
        "score": None,
        "has_code": None,
        "venue": None,
        "kind": None,
        "source": None,
    }


def import_records(capture, records: list[dict], **options):
    content = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in records)
    name = f"constructed-{next(_serial)}.jsonl"
    return import_bytes(capture, content.encode(), name, format="jsonl", **options)


def make_paper(title: str, authors, *, abstract: str = "", placeholder=None) -> Paper:
    """A paper with these authors listed in order (and a listing's placeholder for another)."""
    paper = PaperFactory(
        title=title, slug=f"identity-paper-{next(_serial)}", abstract=abstract, authors=authors
    )
    if placeholder is not None:
        AuthorshipFactory(paper=paper, author=placeholder, position=len(authors), from_subject=True)
    return paper


@pytest.fixture
def fast_embedder():
    """A hashing stand-in for the sentence model (tests/papers/fakes.py): identity is not about
    embeddings, and loading the model would dominate these tests' time."""
    try:
        from papers import embedding
        from tests.papers.fakes import HashingEmbedder
    except ImportError:  # the embedding work is not there: nothing to replace
        yield None
        return
    previous = embedding.set_embedder(HashingEmbedder())
    yield
    embedding.set_embedder(previous)
