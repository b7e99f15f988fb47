"""The real all-MiniLM-L6-v2 (as the product runs it) on the sample dumps, end to end."""

from __future__ import annotations

import re

import numpy as np
import pytest

from papers.embedding import SentenceTransformerEmbedder, neighbour_agreement
from papers.management.commands.bench_embed import sample_texts
from papers.models import Paper
from papers.selectors import similar_papers
from pipeline.tasks import embed_papers_task
from tests.conftest import wait_until
from tests.ingest.helpers import import_file

PREFERENCE_WORDS = re.compile(r"human feedback|preference|reward|rlhf|alignment|harmless|instruction", re.I)


def _about_preference_learning(paper: Paper) -> bool:
    return bool(PREFERENCE_WORDS.search(f"{paper.title} {paper.abstract}"))


@pytest.mark.django_db
def test_samples_get_real_vectors_sensible_neighbours_and_search(
    client, django_capture_on_commit_callbacks, sample_dump, real_embedder, seeded_topics
):
    for number in ("000", "001", "002", "004"):
        import_file(django_capture_on_commit_callbacks, sample_dump(number))

    with_text = Paper.objects.exclude(abstract="")
    assert with_text.count() > 100
    assert set(with_text.values_list("embedding_model", flat=True)) == {real_embedder.model_id}
    assert not with_text.filter(paper_topics=None).exists()  # every paper has a topic

    alpaca_farm = Paper.objects.get(title__startswith="AlpacaFarm")
    neighbours = similar_papers(paper=alpaca_farm, limit=8)
    assert alpaca_farm not in neighbours
    assert neighbours[0].title == "Training language models to follow instructions with human feedback"
    assert sum(_about_preference_learning(paper) for paper in neighbours) >= 5
    assert all(a.similarity >= b.similarity for a, b in zip(neighbours, neighbours[1:], strict=False))

    html = client.get("/search", {"q": "reward model preference"}).content.decode()
    titles = re.findall(r'<h3 id="hit-(\d+)">', html)
    top = [Paper.objects.get(pk=pk) for pk in titles[:5]]
    assert len(top) == 5 and all(_about_preference_learning(paper) for paper in top), [p.title for p in top]

    for query in ("hashimoto", "hashimotto"):
        html = client.get("/search", {"q": query}).content.decode()
        assert "Tatsunori Hashimoto" in html and "Tatsunori B. Hashimoto" in html, query


@pytest.mark.worker
def test_a_real_worker_embeds_papers_on_the_heavy_queue(celery_worker_process, seeded_topics, monkeypatch):
    monkeypatch.setenv("EMBEDDER", "papers.embedding.SentenceTransformerEmbedder")  # the worker's model
    papers = [
        Paper.objects.create(
            slug="w1", title="Reward models from human preferences", abstract="We learn rewards."
        ),
        Paper.objects.create(
            slug="w2", title="Convex hulls in the plane", abstract="A sweep line algorithm."
        ),
    ]
    celery_worker_process()  # listens on default and heavy, like the Procfile's worker
    embed_papers_task.delay([paper.pk for paper in papers])
    wait_until(
        lambda: (
            Paper.objects.filter(pk__in=[p.pk for p in papers], paper_topics__inferred=True)
            .distinct()
            .count()
            == 2
        ),
        120,
        "the worker never stored vectors and topics",
    )
    stored = Paper.objects.get(pk=papers[0].pk)
    assert stored.embedding_model.startswith("all-MiniLM-L6-v2@")
    assert len(stored.embedding) == 384


@pytest.mark.worker
def test_a_worker_loads_the_model_at_start_only_when_it_takes_heavy_tasks(celery_worker_process, monkeypatch):
    monkeypatch.setenv("EMBEDDER", "papers.embedding.SentenceTransformerEmbedder")
    light = celery_worker_process(queues="default")
    # Every worker queues resume_stale_batches_task when ready; the light one alone runs it.
    wait_until(
        lambda: re.search(r"resume_stale_batches_task\[\S+\] succeeded", light.log_path.read_text()),
        60,
        "the light worker ran no task",
    )
    heavy = celery_worker_process(queues="default,heavy")
    wait_until(
        lambda: "embedding model ready: all-MiniLM-L6-v2@" in heavy.log_path.read_text(),
        120,
        "the heavy worker did not load the model at start",
    )
    assert "embedding model" not in light.log_path.read_text()


def test_the_default_backend_keeps_torch_fp32s_vectors_and_neighbours(real_embedder):
    texts = sample_texts(80)
    reference = SentenceTransformerEmbedder(backend="torch").encode(texts)
    vectors = real_embedder.encode(texts)
    assert np.sum(reference * vectors, axis=1).min() > 0.995
    assert neighbour_agreement(reference, vectors, k=10) >= 0.95
