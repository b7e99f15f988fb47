from celery import shared_task

from graph.services import edges_refresh


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10)
def edges_refresh_task(author_ids: list[int]) -> None:
    edges_refresh(author_ids=author_ids)
