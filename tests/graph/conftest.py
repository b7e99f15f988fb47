import pytest

from papers import embedding
from tests.papers.fakes import HashingEmbedder


@pytest.fixture(autouse=True)
def _fast_embeddings():
    """Imports embed their papers; a fast deterministic fake stands in for the real model here."""
    previous = embedding.set_embedder(HashingEmbedder())
    yield
    embedding.set_embedder(previous)
