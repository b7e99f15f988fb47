"""Embedding tasks (the "heavy" queue: ``papers.tasks.embed_*`` in CELERY_TASK_ROUTES).

Thin wrappers taking ids. The model loads once per worker process, on the first task.
"""

from __future__ import annotations

from celery import shared_task

from common.dispatch import enqueue_on_commit
from papers import services_embedding
from papers.models import Paper

# Papers per embedding task: a few seconds of work, so a killed worker loses little.
PAPERS_PER_TASK = 256


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30, soft_time_limit=20 * 60)
def embed_batch_task(batch_id: int) -> int:
    """Queue embedding of every paper an import batch created or touched; return task count."""
    paper_ids = list(
        Paper.objects.filter(import_records__batch_id=batch_id)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    chunks = [
        paper_ids[start : start + PAPERS_PER_TASK] for start in range(0, len(paper_ids), PAPERS_PER_TASK)
    ]
    for chunk in chunks:
        embed_papers_task.delay(chunk)
    return len(chunks)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30, soft_time_limit=20 * 60)
def embed_papers_task(paper_ids: list[int]) -> int:
    """Embed papers whose text changed, infer their topics, refresh their authors' centroids.

    Then attach waiting title-less abstracts that the new vectors now match, and refresh
    the authors' cached counts (topics changed). Returns how many papers were embedded.
    """
    result = services_embedding.papers_embed(paper_ids=paper_ids)
    services_embedding.topics_embed()
    services_embedding.papers_assign_topics(
        paper_ids=services_embedding.papers_needing_topics(paper_ids=paper_ids, changed=result.embedded)
    )
    author_ids = services_embedding.authors_of_papers(paper_ids=paper_ids)
    services_embedding.author_centroids_refresh(author_ids=author_ids)
    if result.embedded:
        _after_new_vectors(author_ids)
    return len(result.embedded)


@shared_task(acks_late=True, soft_time_limit=20 * 60)
def embed_missing_task(limit: int = 8 * PAPERS_PER_TASK) -> int:
    """Embed papers that have no vector or another model's (beat, every few minutes).

    Catches papers imported before embeddings existed and re-embeds after a model change,
    a slice at a time. Returns how many were embedded.
    """
    paper_ids = services_embedding.papers_missing_vectors(limit=limit)
    return embed_papers_task(paper_ids) if paper_ids else 0


def _after_new_vectors(author_ids: list[int]) -> None:
    # Imported here: ingest and profiles build on papers, not the other way round.
    from ingest.models import CurationItem
    from ingest.services import curation_retry_unattributed
    from profiles.services import authors_refresh_counts

    waiting = CurationItem.objects.filter(
        kind=CurationItem.Kind.UNATTRIBUTED_ABSTRACT, status=CurationItem.Status.OPEN
    )
    waiting_ids = list(waiting.values_list("pk", flat=True))
    if waiting_ids and curation_retry_unattributed():
        # An attached abstract can fill a paper's text: embed those papers again.
        attached = list(
            CurationItem.objects.filter(pk__in=waiting_ids, status=CurationItem.Status.RESOLVED)
            .exclude(paper=None)
            .values_list("paper_id", flat=True)
            .distinct()
        )
        if attached:
            enqueue_on_commit("papers.tasks.embed_papers_task", {"paper_ids": attached})
    authors_refresh_counts(author_ids=author_ids)
