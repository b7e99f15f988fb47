"""The database is a real PostgreSQL with pgvector; migrations are complete."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from pgvector.django import CosineDistance

from papers.models import Paper


def _vector(*leading: float) -> list[float]:
    return list(leading) + [0.0] * (384 - len(leading))


@pytest.mark.django_db
def test_pgvector_nearest_neighbour_query_orders_by_cosine_distance():
    Paper.objects.create(slug="east", title="East", embedding=_vector(1.0, 0.0))
    Paper.objects.create(slug="north", title="North", embedding=_vector(0.0, 1.0))
    Paper.objects.create(slug="north-east", title="North-east", embedding=_vector(0.7, 0.7))

    # The distance operator's order, on the table itself: earlier tests' rolled-back papers stay
    # in the HNSW graph as dead entries (tens of thousands in a full run), and an index scan stops
    # after hnsw.max_scan_tuples of them. The index path is the next test's subject.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        nearest = list(Paper.objects.order_by(CosineDistance("embedding", _vector(0.9, 0.1))))
    assert [paper.slug for paper in nearest] == ["east", "north-east", "north"]


@pytest.mark.django_db
def test_embeddings_have_an_hnsw_index_and_the_server_is_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'paper_embedding_hnsw'")
        (definition,) = cursor.fetchone()
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        (version,) = cursor.fetchone()
    assert "USING hnsw" in definition
    assert "vector_cosine_ops" in definition
    assert connection.vendor == "postgresql"
    assert version


@pytest.mark.django_db
def test_migrations_are_committed_for_every_model_change():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_nearest_neighbours_are_found_past_many_deleted_papers():
    """A table where most indexed papers were deleted (imports undone) still answers in order."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW hnsw.iterative_scan")
        assert cursor.fetchone()[0] == "strict_order"
    doomed = Paper.objects.bulk_create(
        Paper(slug=f"gone-{i}", title=f"Gone {i}", embedding=_vector(1.0, 0.001 * i)) for i in range(300)
    )
    kept = Paper.objects.create(slug="kept", title="Kept", embedding=_vector(0.0, 1.0))
    Paper.objects.filter(pk__in=[paper.pk for paper in doomed]).delete()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the index, as on a large table
        # Room for the dead entries earlier tests leave in the shared test database.
        cursor.execute("SET LOCAL hnsw.max_scan_tuples = 1000000")
        nearest = list(Paper.objects.order_by(CosineDistance("embedding", _vector(1.0, 0.0)))[:5])
    assert nearest == [kept]
