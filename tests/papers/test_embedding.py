"""Embeddings: the pure maths, the idempotent embedding service, the import follow-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from config.celery import app
from curation.models import CurationItem
from ingest.models import ImportRecord
from papers.embedding import (
    BACKENDS,
    SentenceTransformerEmbedder,
    centroid,
    cosine,
    length_batches,
    mean_pool,
    neighbour_agreement,
    paper_text,
    text_hash,
)
from papers.models import Paper, PaperTopic
from papers.services import abstracts_match, paper_find
from papers.services_embedding import paper_match_by_embedding, papers_embed, papers_missing_vectors
from pipeline.tasks import embed_papers_task
from tests.factories import PaperFactory
from tests.ingest.helpers import import_bytes, import_file

REPO = Path(__file__).resolve().parents[2]


# --- pure ----------------------------------------------------------------------------------


def test_paper_text_joins_title_and_abstract_and_collapses_spaces():
    assert paper_text("A  title.", " Some\n abstract ") == "A title. Some abstract"
    assert paper_text("", "Only an abstract") == "Only an abstract"
    assert text_hash(paper_text("T", "A")) != text_hash(paper_text("T", "B"))


def test_centroid_is_the_unit_mean_direction():
    vector = centroid([[1, 0, 0], [0, 1, 0]])
    assert np.allclose(vector, [2**-0.5, 2**-0.5, 0])
    assert cosine(centroid([[1, 0], [1, 0], [0, 1]], weights=[1, 1, 0]), [1, 0]) == pytest.approx(1)


def test_neighbour_agreement_counts_shared_top_k():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(50, 16))
    assert neighbour_agreement(vectors, vectors, k=5) == 1.0
    assert neighbour_agreement(vectors, vectors + rng.normal(scale=0.01, size=vectors.shape), k=5) > 0.9
    assert neighbour_agreement(vectors, rng.normal(size=(50, 16)), k=5) < 0.4


def test_the_web_process_does_not_load_the_model_at_import_time():
    code = (
        "import django, os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings_test';"
        "django.setup();"
        "import config.urls, papers.selectors, papers.views_search, pipeline.tasks, papers.services;"
        "heavy = ('torch', 'sentence_transformers', 'openvino', 'tokenizers');"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_embedding_tasks_go_to_the_heavy_queue():
    route = app.amqp.router.route({}, "pipeline.tasks.embed_papers_task")
    assert route["queue"].name == "heavy"


# --- service -------------------------------------------------------------------------------


def _paper(title: str, abstract: str, **fields) -> Paper:
    return PaperFactory(title=title, abstract=abstract, **fields)


@pytest.mark.django_db
def test_embedding_is_skipped_when_text_and_model_are_unchanged(fake_embedder):
    first = _paper("Reward models", "We learn reward models from human preferences.")
    second = _paper("Diffusion", "Denoising diffusion for images.")
    Paper.objects.create(title="", abstract="", slug="empty")

    assert sorted(papers_embed().embedded) == sorted([first.pk, second.pk])
    assert fake_embedder.texts_encoded == 2
    first.refresh_from_db()
    assert first.embedding_model == fake_embedder.model_id
    assert first.embedding_text_hash == text_hash(paper_text(first.title, first.abstract))

    assert papers_embed().embedded == []  # nothing changed: nothing encoded
    assert fake_embedder.texts_encoded == 2

    Paper.objects.filter(pk=second.pk).update(abstract="Denoising diffusion for images and video.")
    assert papers_embed().embedded == [second.pk]

    fake_embedder.model_id = "fake-hashing-v2"  # a model change re-embeds everything
    assert len(papers_embed().embedded) == 2
    assert len(papers_embed(force=True).embedded) == 2


@pytest.mark.django_db
def test_importing_a_dump_embeds_its_papers_and_gives_each_a_topic(
    django_capture_on_commit_callbacks, sample_dump, seeded_topics
):
    import_file(django_capture_on_commit_callbacks, sample_dump("004"))
    with_text = Paper.objects.exclude(abstract="")
    assert with_text.count() > 10
    assert not with_text.filter(embedding=None).exists()
    assert not with_text.exclude(paper_topics__isnull=False).exists()
    assert PaperTopic.objects.filter(inferred=True).exists()


REWRITTEN = (
    "Reward models trained on pairwise human preference labels steer language model policies. "
    "We compare eleven simulated annotators against crowd workers on instruction following. "
    "Simulated feedback reproduces the ranking of training methods at a fraction of the cost."
)


@pytest.mark.django_db
def test_a_titleless_abstract_rewritten_beyond_word_order_is_linked_by_meaning(
    django_capture_on_commit_callbacks,
):
    paper = _paper("Simulated preference feedback", REWRITTEN)
    papers_embed()
    reordered = " ".join(reversed(REWRITTEN.split(". ")))  # same words, another order
    assert not abstracts_match(REWRITTEN, reordered)  # the text step alone would miss it
    assert paper_find(record={"title": None, "abstract": reordered}) is None  # placement: text only
    assert paper_match_by_embedding(abstract=reordered) == paper

    unrelated = (
        "Convex hulls of point sets in the plane are computed in linear time by a new sweep algorithm."
    )
    assert paper_match_by_embedding(abstract=unrelated * 2) is None


@pytest.mark.django_db
def test_a_waiting_titleless_abstract_attaches_once_its_paper_is_embedded(django_capture_on_commit_callbacks):
    reordered = " ".join(reversed(REWRITTEN.split(". ")))
    batch = import_bytes(django_capture_on_commit_callbacks, f"Abstract:{reordered}\n".encode(), "abs.txt")
    item = CurationItem.objects.get(batch=batch)
    assert item.status == CurationItem.Status.OPEN

    paper = _paper("Simulated preference feedback", REWRITTEN)
    # The heavy queue embeds and finds the match; the default queue attaches it (eager here).
    with django_capture_on_commit_callbacks(execute=True):
        embed_papers_task([paper.pk])
    item.refresh_from_db()
    assert item.status == CurationItem.Status.RESOLVED and item.paper == paper
    assert ImportRecord.objects.get(pk=item.record_id).paper == paper


@pytest.mark.django_db
def test_embed_command_reports_what_it_did(capsys, fake_embedder):
    _paper("One", "First abstract about graphs.")
    _paper("Two", "Second abstract about proofs.")
    call_command("embed", "--missing", "--no-progress")
    assert "embedded 2 papers, 0 unchanged" in capsys.readouterr().out
    call_command("embed", "--no-progress")
    assert "embedded 0 papers, 2 unchanged" in capsys.readouterr().out
    call_command("embed", "--all", "--no-progress")
    assert "embedded 2 papers, 0 unchanged" in capsys.readouterr().out
    assert Paper.objects.filter(embedding_model=fake_embedder.model_id).count() == 2


@pytest.mark.django_db
def test_the_periodic_task_embeds_papers_from_before_embeddings_and_after_a_model_change(fake_embedder):
    from pipeline.tasks import embed_missing_task

    old = [_paper(f"Old {index}", f"Imported before vectors existed, number {index}.") for index in range(3)]
    Paper.objects.create(title="", abstract="", slug="nothing-to-embed")
    assert embed_missing_task() == 3
    assert embed_missing_task() == 0
    fake_embedder.model_id = "fake-hashing-v2"
    assert embed_missing_task(limit=2) == 2  # a slice at a time
    assert embed_missing_task() == 1
    assert set(
        Paper.objects.filter(pk__in=[p.pk for p in old]).values_list("embedding_model", flat=True)
    ) == {"fake-hashing-v2"}


# --- model identity ------------------------------------------------------------------------


def test_a_vectors_model_id_names_the_model_and_recipe_not_the_processor():
    ids = {backend: SentenceTransformerEmbedder(backend=backend).model_id for backend in BACKENDS}
    # Vectors already stored by torch keep their id, so they stay current.
    assert ids == {
        "torch": "all-MiniLM-L6-v2@0.1.0/torch",
        "openvino": "all-MiniLM-L6-v2@0.1.0/openvino-bf16",
    }


@pytest.mark.django_db
def test_vectors_made_by_another_worker_with_the_same_recipe_are_not_made_again(fake_embedder):
    """Workers on different processors share one id per recipe, so none re-embeds another's work."""
    current = SentenceTransformerEmbedder(backend="openvino").model_id
    elsewhere = _paper("Made elsewhere", "An abstract.", embedding=[1.0] + [0.0] * 383)
    older_recipe = _paper("Older recipe", "An abstract.", embedding=[1.0] + [0.0] * 383)
    Paper.objects.filter(pk=elsewhere.pk).update(embedding_model=current)
    Paper.objects.filter(pk=older_recipe.pk).update(
        embedding_model="all-MiniLM-L6-v2@0.1.0/onnx-int8-avx512_vnni-mid-layers"
    )
    assert papers_missing_vectors(limit=10, model_id=current) == [older_recipe.pk]


def test_texts_are_batched_by_length_and_pooled_over_their_real_tokens():
    token_ids = [[1, 2], [1, 2, 3, 4, 5], [7], [1, 2, 3, 4]]
    batches = list(length_batches(token_ids, batch_size=2))
    assert [rows.tolist() for rows, _, _ in batches] == [[1, 3], [0, 2]]
    rows, ids, mask = batches[1]
    assert ids.tolist() == [[1, 2], [7, 0]] and mask.tolist() == [[1, 1], [1, 0]]
    hidden = np.array([[[1.0, 0.0], [3.0, 2.0]], [[5.0, 5.0], [100.0, 100.0]]])
    assert mean_pool(hidden, mask).tolist() == [[2.0, 1.0], [5.0, 5.0]]  # padding ignored
