"""Every Celery task: the reactions to the events in ``pipeline/events.py``, and beat's sweeps.

Tasks are thin: they take ids, re-read the rows they act on and call the apps' services. Services
never import this module (they announce events); the embedding tasks (``embed_*``) run on the
"heavy" queue and never place records, placement runs on "default" and never loads the model.
"""

from __future__ import annotations

import datetime
import smtplib

from celery import shared_task
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

from accounts import selectors as account_selectors
from accounts import services as account_services
from common.dispatch import outbox_resend
from curation import selectors as curation_selectors
from curation import services as curation_services
from graph.services import edges_refresh
from identity.services_cluster import blocks_recluster
from ingest import services
from ingest.models import ImportBatch
from papers import services_embedding
from papers.models import Paper
from pipeline.events import ABSTRACTS_MATCHED, PAPERS_EMBEDDED, PAPERS_TEXT_CHANGED, announce
from profiles.services import authors_refresh_counts, authors_refresh_trust

# --- Imports -----------------------------------------------------------------------------------

# A database that went away (a restart, a failover) is waited for: 2, 4, 8 ... 60 s between tries,
# about half an hour in all, before the import is left to beat's stale-batch sweep.
DATABASE_RETRY_FIRST_SECONDS = 2
DATABASE_RETRY_MAX_SECONDS = 60
DATABASE_RETRIES = 40


def database_retry_countdown(attempt: int) -> int:
    """Seconds before try number `attempt` (1, 2, ...) after the database went away."""
    return min(DATABASE_RETRY_MAX_SECONDS, DATABASE_RETRY_FIRST_SECONDS * 2 ** (attempt - 1))


# Uploads no longer wait for each other: placement locks only the papers, name blocks and
# institutions a chunk touches (ingest.services.placement_lock), so two imports run side by side.
@shared_task(
    bind=True,
    acks_late=True,
    soft_time_limit=settings.IMPORT_SOFT_TIME_LIMIT,
    time_limit=settings.IMPORT_SOFT_TIME_LIMIT + 5 * 60,
)
def import_batch_task(self, batch_id: int, database_attempts: int = 0) -> str:
    try:
        if not ImportBatch.objects.filter(pk=batch_id).exists():
            return "gone"
        status = services.batch_run(batch_id=batch_id)
        if status == "busy" and 0 < database_attempts < DATABASE_RETRIES and _still_active(batch_id):
            # Our own lease from before the outage has not run out yet (the database was down when
            # we would have freed it): come back once it is stale, unless another worker took over.
            raise _retry_after_database_error(
                self, batch_id, database_attempts, settings.IMPORT_STALE_SECONDS
            )
        return status
    except (OperationalError, InterfaceError) as error:
        # Every chunk commits with its progress, so nothing is lost: the next try resumes from the
        # last committed chunk once the database answers again.
        connections.close_all()  # broken connections are reopened by the next query
        if self.request.is_eager or database_attempts >= DATABASE_RETRIES:
            raise
        raise _retry_after_database_error(
            self, batch_id, database_attempts, database_retry_countdown(database_attempts + 1), error
        ) from error
    except Retry:
        raise
    except SoftTimeLimitExceeded:
        # The chunk in progress rolled back and the lease is free: a new task resumes from there.
        if self.request.is_eager:
            raise
        raise self.retry(countdown=0, max_retries=None) from None
    except services.LeaseLost:
        return "taken over"  # another worker resumed the batch; this one wrote nothing since
    except Exception as error:
        # Progress is in the database; the next worker (or beat) resumes from there.
        services.batch_record_crash(batch_id=batch_id, error=error)
        raise


def _still_active(batch_id: int) -> bool:
    return ImportBatch.objects.filter(pk=batch_id, status__in=services.ACTIVE_STATUSES).exists()


def _retry_after_database_error(task, batch_id: int, attempts: int, countdown: int, error=None):
    return task.retry(
        kwargs={"batch_id": batch_id, "database_attempts": attempts + 1},
        countdown=countdown,
        max_retries=None,
        exc=error,
    )


@shared_task(acks_late=True)
def resume_stale_batches_task() -> list[int]:
    """Re-queue imports whose worker died (run by beat and at every worker start)."""
    stale = services.batches_stale()
    for batch_id in stale:
        import_batch_task.delay(batch_id)
    return stale


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10)
def batch_followups_task(batch_id: int) -> None:
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return
    authors_derived_refresh_task(services.batch_authors(batch=batch))
    # Vectors, inferred topics and author centroids on the heavy queue.
    embed_batch_task.delay(batch_id)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10, soft_time_limit=30 * 60)
def blocks_recluster_task(batch_id: int) -> dict:
    """Cluster again every name block the import added mentions to (identity by block)."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return {}
    outcome = blocks_recluster(batch=batch)
    services.batch_identity_settled(batch_id=batch_id)
    return outcome.as_dict()


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10)
def authors_derived_refresh_task(author_ids: list[int]) -> None:
    """Collaborator edges first, then the counts and the trust score that depend on them."""
    edges_refresh(author_ids=author_ids)
    authors_refresh_counts(author_ids=author_ids)


# --- Embeddings (the heavy queue) --------------------------------------------------------------

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
        announce(PAPERS_EMBEDDED, paper_ids=result.embedded, author_ids=author_ids)
    return len(result.embedded)


@shared_task(acks_late=True, soft_time_limit=20 * 60)
def embed_missing_task(limit: int = 8 * PAPERS_PER_TASK) -> int:
    """Embed papers that have no vector or another model's (beat, every few minutes).

    Catches papers imported before embeddings existed and re-embeds after a model change,
    a slice at a time. Returns how many were embedded.
    """
    paper_ids = services_embedding.papers_missing_vectors(limit=limit)
    return embed_papers_task(paper_ids) if paper_ids else 0


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30, soft_time_limit=20 * 60)
def embed_unattributed_task() -> int:
    """Find, by meaning, the paper each waiting title-less abstract belongs to (heavy queue).

    Only notes the match on the curation item; attaching it is placement, which runs on the
    default queue (``unattributed_attach_task``). Returns how many matched.
    """
    waiting = curation_selectors.unattributed_abstracts_waiting()
    papers = services_embedding.papers_match_by_embedding([abstract for _item_id, abstract in waiting])
    matched = []
    for (item_id, _abstract), paper in zip(waiting, papers, strict=True):
        if paper is not None:
            curation_services.item_note_match(item_id=item_id, paper_id=paper.pk)
            matched.append(item_id)
    if matched:
        announce(ABSTRACTS_MATCHED, item_ids=matched)
    return len(matched)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10)
def unattributed_attach_task(item_ids: list[int] | None = None) -> int:
    """Attach waiting abstracts to the papers found for them; those papers are embedded again."""
    attached = services.curation_retry_unattributed(item_ids=item_ids)
    if attached:
        announce(PAPERS_TEXT_CHANGED, paper_ids=attached)
    return len(attached)


# --- Authors' derived data ---------------------------------------------------------------------


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10)
def authors_refresh_counts_task(author_ids: list[int]) -> None:
    authors_refresh_counts(author_ids=author_ids)


# --- Accounts: emails and the weekly digest ----------------------------------------------------

_MAIL_RETRY = {
    "acks_late": True,
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 60 * 30,
    "max_retries": 6,
    "time_limit": 120,
    "soft_time_limit": 110,
}


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10)
def author_trust_refresh_task(author_ids: list[int], with_collaborators: bool = False) -> None:
    authors_refresh_trust(author_ids=author_ids, with_collaborators=with_collaborators)


@shared_task(**_MAIL_RETRY)
def claim_notify_task(claim_id: int) -> int:
    return account_services.claim_notification_send(claim_id=claim_id)


@shared_task(**_MAIL_RETRY)
def claim_staff_notify_task(claim_id: int) -> int:
    return account_services.claim_staff_notification_send(claim_id=claim_id)


@shared_task(**_MAIL_RETRY)
def message_notify_task(message_id: int) -> int:
    return account_services.message_notification_send(message_id=message_id)


@shared_task(**_MAIL_RETRY)
def report_notify_task(report_id: int) -> int:
    return account_services.report_notification_send(report_id=report_id)


@shared_task(**_MAIL_RETRY)
def follow_digest_send_task(user_id: int, week_start: str) -> str:
    return account_services.follow_digest_send(
        user_id=user_id, week_start=datetime.date.fromisoformat(week_start)
    )


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def follow_digest_send_all_task(week_start: str | None = None) -> int:
    """Run weekly by beat: one task per opted-in user still without this week's digest."""
    week = datetime.date.fromisoformat(week_start) if week_start else account_services.digest_week_start()
    recipients = account_selectors.digest_recipient_ids(week_start=week)
    for user_id in recipients:
        follow_digest_send_task.delay(user_id, week.isoformat())
    return len(recipients)


# --- Outbox ------------------------------------------------------------------------------------


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def outbox_resend_task() -> int:
    """Beat, every 30 s: send the tasks a broker outage kept from going out after their commit."""
    return outbox_resend()
