"""Import tasks: thin wrappers that take ids and re-read the rows they act on."""

from celery import shared_task
from celery.exceptions import Retry
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

from graph.services import edges_refresh
from ingest import services
from ingest.models import ImportBatch
from papers.tasks import embed_batch_task
from profiles.services import authors_refresh_counts

# How long an import waits before looking again whether the imports uploaded before it are done.
WAIT_FOR_EARLIER_SECONDS = 2
# A database that went away (a restart, a failover) is waited for: 2, 4, 8 ... 60 s between tries,
# about half an hour in all, before the import is left to beat's stale-batch sweep.
DATABASE_RETRY_FIRST_SECONDS = 2
DATABASE_RETRY_MAX_SECONDS = 60
DATABASE_RETRIES = 40


def database_retry_countdown(attempt: int) -> int:
    """Seconds before try number `attempt` (1, 2, ...) after the database went away."""
    return min(DATABASE_RETRY_MAX_SECONDS, DATABASE_RETRY_FIRST_SECONDS * 2 ** (attempt - 1))


@shared_task(bind=True, acks_late=True, time_limit=6 * 60 * 60, soft_time_limit=None)
def import_batch_task(self, batch_id: int, database_attempts: int = 0) -> str:
    try:
        if not ImportBatch.objects.filter(pk=batch_id).exists():
            return "gone"
        if not self.request.is_eager and services.batch_has_earlier_active(batch_id=batch_id):
            # Imports are applied in upload order, so that which record created a paper or an author
            # (and so what a later one is matched against) does not depend on worker timing.
            raise self.retry(countdown=WAIT_FOR_EARLIER_SECONDS, max_retries=None)
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
    # Vectors, inferred topics and author centroids on the heavy queue (papers.tasks).
    embed_batch_task.delay(batch_id)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10)
def authors_derived_refresh_task(author_ids: list[int]) -> None:
    """Collaborator edges first, then the counts and the trust score that depend on them."""
    edges_refresh(author_ids=author_ids)
    authors_refresh_counts(author_ids=author_ids)
