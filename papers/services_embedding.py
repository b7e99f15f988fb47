"""Writes for vectors: paper and topic embeddings, inferred topics, author centroids.

Run by the heavy Celery queue (``pipeline.tasks``) and ``manage.py embed``. Every function is
idempotent: a paper whose text hash and model are unchanged is skipped, topics and centroids
are recomputed from what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from pgvector.django import CosineDistance

from papers.embedding import Embedder, get_embedder, paper_text, text_hash
from papers.models import Authorship, Paper, PaperTopic, Topic
from papers.services import topics_seed
from papers.topics import NOT_INFERRED, infer_topics, topic_embedding_text

# Papers embedded per model call and per transaction.
EMBED_CHUNK = 64
# A title-less abstract is the same paper as an embedded one at or above this cosine.
# Measured on the sample dumps with the real model (docs/benchmarks.md): title-less records
# score 0.964-0.969 against their titled papers, and at most 0.796 against any other paper;
# an abstract cut by its first and last sentences still scores 0.93 on average (5th
# percentile 0.84) against its own paper, while the closest other paper reaches 0.818.
# Text matching runs first and catches lightly edited versions; this catches the rest
# without attaching an abstract to the wrong paper.
ABSTRACT_MATCH_MIN_SIMILARITY = 0.88
# Too short to say anything about identity.
ABSTRACT_MATCH_MIN_WORDS = 12


@dataclass
class EmbedResult:
    embedded: list[int] = field(default_factory=list)
    skipped: int = 0


def _needs_vector(paper: Paper, text: str, model_id: str, force: bool) -> bool:
    return (
        force
        or not paper.has_vector
        or paper.embedding_model != model_id
        or paper.embedding_text_hash != text_hash(text)
    )


def papers_embed(
    *,
    paper_ids: Iterable[int] | None = None,
    force: bool = False,
    embedder: Embedder | None = None,
    progress: Callable[[int], None] | None = None,
) -> EmbedResult:
    """Embed the given papers (all when None) whose text or model changed; report each chunk."""
    embedder = embedder or get_embedder()
    papers = Paper.objects.annotate(
        has_vector=ExpressionWrapper(Q(embedding__isnull=False), output_field=BooleanField())
    ).only("pk", "title", "abstract", "embedding_model", "embedding_text_hash")
    if paper_ids is not None:
        papers = papers.filter(pk__in=list(paper_ids))
    result = EmbedResult()
    pending: list[tuple[Paper, str]] = []

    def flush() -> None:
        vectors = embedder.encode([text for _, text in pending])
        with transaction.atomic():
            for (paper, text), vector in zip(pending, vectors, strict=True):
                paper.embedding = vector
                paper.embedding_model = embedder.model_id
                paper.embedding_text_hash = text_hash(text)
            Paper.objects.bulk_update(
                [paper for paper, _ in pending], ["embedding", "embedding_model", "embedding_text_hash"]
            )
        result.embedded.extend(paper.pk for paper, _ in pending)
        if progress:
            progress(len(pending))
        pending.clear()

    for paper in papers.order_by("pk").iterator(chunk_size=2000):
        text = paper_text(paper.title, paper.abstract)
        if not text or not _needs_vector(paper, text, embedder.model_id, force):
            result.skipped += 1
            if progress:
                progress(1)
            continue
        pending.append((paper, text))
        if len(pending) >= EMBED_CHUNK:
            flush()
    if pending:
        flush()
    return result


@transaction.atomic
def topics_embed(*, force: bool = False, embedder: Embedder | None = None) -> int:
    """Embed topic names and descriptions (missing ones, or all with ``force``)."""
    embedder = embedder or get_embedder()
    topics_seed()  # the taxonomy is inferred from, so it must be complete
    topics = list(Topic.objects.all() if force else Topic.objects.filter(embedding=None))
    if not topics:
        return 0
    vectors = embedder.encode(
        [topic_embedding_text(topic.code, topic.name, topic.description) for topic in topics]
    )
    for topic, vector in zip(topics, vectors, strict=True):
        topic.embedding = vector
    Topic.objects.bulk_update(topics, ["embedding"])
    return len(topics)


def papers_assign_topics(*, paper_ids: Iterable[int] | None = None) -> int:
    """Infer topics for embedded papers that state none; drop inferred ones where one is stated.

    Returns how many papers got inferred topics.
    """
    candidates = Topic.objects.exclude(embedding=None).exclude(code__in=NOT_INFERRED)
    topics = list(candidates.values_list("pk", "embedding"))
    if not topics:
        topics_embed()
        topics = list(candidates.values_list("pk", "embedding"))
    topic_ids = [pk for pk, _ in topics]
    topic_vectors = np.asarray([vector for _, vector in topics], dtype=np.float32)

    papers = Paper.objects.exclude(embedding=None).annotate(
        stated=Exists(PaperTopic.objects.filter(paper=OuterRef("pk"), inferred=False))
    )
    if paper_ids is not None:
        papers = papers.filter(pk__in=list(paper_ids))
    assigned = 0
    stated_ids: list[int] = []
    rows: list[PaperTopic] = []
    for paper in papers.only("pk", "embedding", "primary_category").iterator(chunk_size=2000):
        if paper.stated or paper.primary_category_id:
            stated_ids.append(paper.pk)
            continue
        for choice in infer_topics(paper.embedding, topic_ids, topic_vectors):
            rows.append(
                PaperTopic(paper_id=paper.pk, topic_id=choice.topic_id, inferred=True, score=choice.score)
            )
        assigned += 1
    inferred_papers = {row.paper_id for row in rows}
    with transaction.atomic():
        PaperTopic.objects.filter(paper_id__in=stated_ids, inferred=True).delete()
        PaperTopic.objects.filter(paper_id__in=inferred_papers, inferred=True).delete()
        PaperTopic.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["paper", "topic"],
            update_fields=["inferred", "score"],
        )
    return assigned


_CENTROIDS_UPSERT = """
INSERT INTO papers_author_centroid (author_id, embedding, paper_count, model, updated_at)
SELECT authorship.author_id, l2_normalize(avg(paper.embedding)), count(*), %s, now()
FROM papers_authorship AS authorship
JOIN papers_paper AS paper ON paper.id = authorship.paper_id
WHERE paper.embedding IS NOT NULL {where}
GROUP BY authorship.author_id
ON CONFLICT (author_id) DO UPDATE
SET embedding = excluded.embedding, paper_count = excluded.paper_count,
    model = excluded.model, updated_at = excluded.updated_at
"""
_CENTROIDS_DROP_EMPTY = """
DELETE FROM papers_author_centroid AS centroid
WHERE {where} NOT EXISTS (
    SELECT 1 FROM papers_authorship AS authorship
    JOIN papers_paper AS paper ON paper.id = authorship.paper_id
    WHERE authorship.author_id = centroid.author_id AND paper.embedding IS NOT NULL
)
"""


@transaction.atomic
def author_centroids_refresh(*, author_ids: Iterable[int] | None = None, model_id: str = "") -> int:
    """Recompute the mean paper vector of the given authors (all when None); return how many."""
    model_id = model_id or get_embedder().model_id
    with connection.cursor() as cursor:
        if author_ids is None:
            cursor.execute(_CENTROIDS_UPSERT.format(where=""), [model_id])
            count = cursor.rowcount
            cursor.execute(_CENTROIDS_DROP_EMPTY.format(where=""))
        else:
            ids = sorted(set(author_ids))
            if not ids:
                return 0
            cursor.execute(
                _CENTROIDS_UPSERT.format(where="AND authorship.author_id = ANY(%s)"), [model_id, ids]
            )
            count = cursor.rowcount
            cursor.execute(_CENTROIDS_DROP_EMPTY.format(where="centroid.author_id = ANY(%s) AND"), [ids])
    return count


def papers_needing_topics(*, paper_ids: Iterable[int], changed: Iterable[int]) -> list[int]:
    """Of these papers: those whose vector changed, those without a topic, and those whose
    inferred topics a stated one has since made obsolete. Re-importing changes nothing."""
    has_topic = PaperTopic.objects.filter(paper=OuterRef("pk"))
    return list(
        Paper.objects.filter(pk__in=list(paper_ids))
        .filter(
            Q(pk__in=list(changed))
            | ~Exists(has_topic)
            | (Exists(has_topic.filter(inferred=False)) & Exists(has_topic.filter(inferred=True)))
        )
        .values_list("pk", flat=True)
    )


def papers_missing_vectors(*, limit: int, model_id: str = "") -> list[int]:
    """Ids of papers with text but no vector, or a vector from another model."""
    model_id = model_id or get_embedder().model_id
    return list(
        Paper.objects.filter(Q(embedding__isnull=True) | ~Q(embedding_model=model_id))
        .exclude(title="", abstract="")
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def authors_of_papers(*, paper_ids: Iterable[int]) -> list[int]:
    return list(
        Authorship.objects.filter(paper_id__in=list(paper_ids)).values_list("author_id", flat=True).distinct()
    )


def papers_nearest_to_abstracts(abstracts: Sequence[str]) -> list[tuple[Paper | None, float]]:
    """The embedded paper closest to each title-less abstract, with its cosine (None when none).

    The abstracts are embedded in one call; each then takes one nearest-neighbour query.
    """
    found: list[tuple[Paper | None, float]] = [(None, 0.0)] * len(abstracts)
    wanted = [i for i, text in enumerate(abstracts) if len(text.split()) >= ABSTRACT_MATCH_MIN_WORDS]
    if not wanted or not Paper.objects.filter(embedding__isnull=False).exists():
        return found
    vectors = get_embedder().encode([paper_text(None, abstracts[i]) for i in wanted])
    for i, vector in zip(wanted, vectors, strict=True):
        paper = (
            Paper.objects.filter(embedding__isnull=False)
            .annotate(distance=CosineDistance("embedding", vector))
            .order_by("distance")
            .only("pk", "title", "abstract")
            .first()
        )
        if paper is not None:
            found[i] = (paper, 1.0 - float(paper.distance))
    return found


def papers_match_by_embedding(abstracts: Sequence[str]) -> list[Paper | None]:
    """The paper each title-less abstract belongs to, when its nearest neighbour is close enough."""
    return [
        paper if paper is not None and similarity >= ABSTRACT_MATCH_MIN_SIMILARITY else None
        for paper, similarity in papers_nearest_to_abstracts(abstracts)
    ]


def paper_match_by_embedding(*, abstract: str) -> Paper | None:
    return papers_match_by_embedding([abstract])[0]
