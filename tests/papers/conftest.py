"""Papers tests embed with a fast fake unless they ask for the real model (``real_embedder``)."""

from __future__ import annotations

import pytest

from papers import embedding
from tests.papers.fakes import HashingEmbedder

_real: embedding.SentenceTransformerEmbedder | None = None


@pytest.fixture(autouse=True)
def fake_embedder():
    fake = HashingEmbedder()
    previous = embedding.set_embedder(fake)
    yield fake
    embedding.set_embedder(previous)


@pytest.fixture
def real_embedder(fake_embedder, settings):
    """all-MiniLM-L6-v2 as the product runs it (settings' backend), loaded once per session."""
    global _real
    if _real is None:
        _real = embedding.SentenceTransformerEmbedder(
            backend=settings.EMBEDDING_BACKEND, cache_dir=settings.EMBEDDING_CACHE_DIR
        )
        _real.load()
    embedding.set_embedder(_real)
    yield _real
    embedding.set_embedder(fake_embedder)


@pytest.fixture
def seeded_topics(db):
    """The arXiv taxonomy as migration 0003 seeds it (a transactional test elsewhere may have
    flushed it from the reused test database)."""
    from papers.models import Topic
    from papers.services import topics_seed

    topics_seed()
    return Topic.objects.all()
