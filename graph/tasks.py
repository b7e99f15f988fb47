from celery import shared_task

from graph.services import edges_refresh, slices_invalidate


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10)
def edges_refresh_task(author_ids: list[int]) -> None:
    edges_refresh(author_ids=author_ids)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10)
def slices_invalidate_task(author_ids: list[int]) -> None:
    """Drop cached graph slices (for changes that do not rebuild edges, e.g. a rename)."""
    slices_invalidate(author_ids=author_ids)
