"""Import tasks: thin wrappers that take ids and re-read the rows they act on."""

from celery import shared_task

from graph.services import edges_refresh
from ingest import services
from ingest.models import ImportBatch
from papers.tasks import embed_batch_task
from profiles.services import authors_refresh_counts

# How long an import waits before looking again whether the imports uploaded before it are done.
WAIT_FOR_EARLIER_SECONDS = 2


@shared_task(bind=True, acks_late=True, time_limit=6 * 60 * 60, soft_time_limit=None)
def import_batch_task(self, batch_id: int) -> str:
    if not ImportBatch.objects.filter(pk=batch_id).exists():
        return "gone"
    if not self.request.is_eager and services.batch_has_earlier_active(batch_id=batch_id):
        # Imports are applied in upload order, so that which record created a paper or an author
        # (and so what a later one is matched against) does not depend on worker timing.
        raise self.retry(countdown=WAIT_FOR_EARLIER_SECONDS, max_retries=None)
    try:
        return services.batch_run(batch_id=batch_id)
    except Exception as error:
        # Progress is in the database; the next worker (or beat) resumes from there.
        services.batch_record_crash(batch_id=batch_id, error=error)
        raise


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
