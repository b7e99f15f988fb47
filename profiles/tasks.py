from celery import shared_task

from profiles.services import authors_refresh_counts


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10)
def authors_refresh_counts_task(author_ids: list[int]) -> None:
    authors_refresh_counts(author_ids=author_ids)


# Account emails and the follow digest live in their own module; importing it registers them.
from profiles import tasks_accounts  # noqa: E402, F401
