"""The benchmark corpus: arXiv-shaped when generated, whole and indexed when loaded with COPY."""

from __future__ import annotations

import io
import itertools
from collections import Counter

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from papers import synthetic_corpus as corpus
from papers.models import Authorship, Paper
from papers.selectors import paper_search_query

TABLES = (
    "profiles_institution",
    "profiles_author",
    "profiles_authoralias",
    "papers_paper",
    "papers_papertopic",
    "papers_authorship",
    "papers_authorship_institutions",
    "graph_collaboratoredge",
    "papers_author_centroid",
)


@pytest.fixture(scope="module")
def generated():
    rng = np.random.default_rng(3)
    sizes = corpus.Sizes.for_papers(40_000)
    people = corpus.make_people(rng, sizes)
    authorships, _, _ = corpus.make_authorships(rng, sizes, people)
    return sizes, people, authorships


def test_author_lists_are_shaped_like_arxivs(generated):
    sizes, _, authorships = generated
    per_paper = np.bincount(authorships.paper, minlength=sizes.papers)
    assert np.median(per_paper) == 4
    assert 5.3 <= per_paper.mean() <= 6.5
    assert per_paper.max() > 100
    assert per_paper.min() >= 1


def test_common_names_belong_to_many_different_people(generated):
    _, people, authorships = generated
    most_common, people_named = Counter(people.display_names).most_common(1)[0]
    assert people_named >= 50, most_common
    assert np.bincount(authorships.author).min() >= 1  # nobody without a paper


def test_hubs_have_hundreds_of_papers_and_a_thousand_collaborators(generated):
    sizes, people, authorships = generated
    year = np.full(sizes.papers, 2020, dtype=np.int16)
    low, high, *_ = corpus.collaborator_edges(authorships, year, sizes.authors)
    works = np.bincount(authorships.author, minlength=sizes.authors)
    collaborators = np.bincount(low, minlength=sizes.authors) + np.bincount(high, minlength=sizes.authors)
    for hub in people.hubs:
        assert works[hub] >= 500 and collaborators[hub] >= 1000


def test_collaborator_edges_count_every_pair_of_co_authors_once():
    rng = np.random.default_rng(5)
    sizes = corpus.Sizes.for_papers(600)
    people = corpus.make_people(rng, sizes)
    authorships, _, _ = corpus.make_authorships(rng, sizes, people)
    year = rng.integers(2000, 2020, size=sizes.papers).astype(np.int16)
    expected: dict[tuple[int, int], list[int]] = {}
    for paper, rows in itertools.groupby(
        range(len(authorships.paper)), key=lambda row: authorships.paper[row]
    ):
        names = sorted(int(authorships.author[row]) for row in rows)
        for pair in itertools.combinations(names, 2):
            expected.setdefault(pair, []).append(int(year[paper]))
    low, high, shared, first, last = corpus.collaborator_edges(authorships, year, sizes.authors)
    found = {
        (int(a), int(b)): (int(s), int(f), int(t))
        for a, b, s, f, t in zip(low, high, shared, first, last, strict=True)
    }
    assert found == {pair: (len(years), min(years), max(years)) for pair, years in expected.items()}


def test_vectors_cluster_by_sub_topic_like_sentence_embeddings():
    rng = np.random.default_rng(7)
    directions = corpus.topic_directions(rng, topics=10, subtopics_per_topic=20)
    subtopic = rng.integers(len(directions), size=4000)
    vectors = next(corpus.paper_vectors(rng, subtopic, directions, chunk=4000))
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    same = vectors[subtopic == subtopic[0]]
    assert 0.6 < float((same @ same.T)[np.triu_indices(len(same), 1)].mean()) < 0.9
    assert abs(float((vectors[:500] @ vectors[500:1000].T).mean())) < 0.15
    nearest = np.argsort(-(vectors[:200] @ vectors.T), axis=1)[:, 1]
    assert (subtopic[nearest] == subtopic[:200]).mean() > 0.9


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) "
            "UNION ALL SELECT conname FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
            [list(TABLES), list(TABLES)],
        )
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db
def test_the_loaded_corpus_is_whole_consistent_and_indexed(client):
    indexes_before = _indexes()
    call_command("synth_corpus", papers=3000, replace=True, stdout=io.StringIO())

    assert _indexes() == indexes_before
    assert Paper.objects.count() == 3000
    assert not Paper.objects.filter(embedding__isnull=True).exists()
    with connection.cursor() as cursor:
        # Edges are exactly the co-author pairs, counted with their years.
        cursor.execute(
            """
            SELECT count(*) FROM (
                SELECT a.author_id AS low, b.author_id AS high, count(*) AS shared,
                       min(p.year) AS first_year, max(p.year) AS last_year
                FROM papers_authorship a JOIN papers_authorship b
                  ON a.paper_id = b.paper_id AND a.author_id < b.author_id
                JOIN papers_paper p ON p.id = a.paper_id
                GROUP BY 1, 2
            ) expected FULL JOIN graph_collaboratoredge edge
              ON edge.author_low_id = expected.low AND edge.author_high_id = expected.high
             AND edge.shared_papers = expected.shared AND edge.first_year = expected.first_year
             AND edge.last_year = expected.last_year
            WHERE edge.id IS NULL OR expected.low IS NULL
            """
        )
        assert cursor.fetchone()[0] == 0
        # Cached counts agree with the rows.
        cursor.execute(
            """
            SELECT count(*) FROM profiles_author author
            WHERE author.work_count <> (SELECT count(*) FROM papers_authorship WHERE author_id = author.id)
            """
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM papers_author_centroid")
        assert cursor.fetchone()[0] == Authorship.objects.values("author").distinct().count()
    slug = Authorship.objects.values_list("author__slug", flat=True).order_by("author__work_count").last()
    assert client.get(f"/authors/{slug}/").status_code == 200
    paper = Paper.objects.order_by("pk").first()
    assert client.get(paper.get_absolute_url()).status_code == 200
    # PostgreSQL filled the generated search document as the rows were copied.
    assert not Paper.objects.filter(search_document__isnull=True).exists()
    assert Paper.objects.filter(pk=paper.pk, search_document=paper_search_query(paper.title)).exists()
    # New rows get new ids after the load.
    assert Paper.objects.create(title="After", slug="after").pk == 3001


@pytest.mark.django_db
def test_loading_over_data_needs_replace():
    Paper.objects.create(title="Kept", slug="kept")
    with pytest.raises(CommandError, match="--replace"):
        call_command("synth_corpus", papers=100)
    assert Paper.objects.filter(slug="kept").exists()


@pytest.mark.django_db
def test_the_hnsw_benchmark_prints_recall_and_latency_per_ef_search():
    call_command("synth_corpus", papers=3000, replace=True, stdout=io.StringIO())
    output = io.StringIO()
    call_command("bench_hnsw", queries=20, ef_search="10,200", stdout=output)
    lines = [line.split() for line in output.getvalue().splitlines() if line.startswith("no filter")]
    recall_by_ef = {int(fields[2]): float(fields[3]) for fields in lines}
    assert set(recall_by_ef) == {10, 200}
    assert recall_by_ef[200] >= 0.95
    assert "own topic" in output.getvalue()
