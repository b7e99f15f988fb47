"""A real Celery worker over Redis runs our tasks; /healthz reports what is up."""

import pytest

from papers.models import Authorship, Paper
from profiles.models import Author
from profiles.tasks import authors_refresh_counts_task
from tests.conftest import wait_until


def _author_with_papers(count: int) -> Author:
    author = Author.objects.create(display_name="Ada Worker", slug="ada-worker", normalized_name="ada worker")
    for index in range(count):
        paper = Paper.objects.create(slug=f"paper-{index}", title=f"Paper {index}")
        Authorship.objects.create(paper=paper, author=author, position=0, name_as_written="Ada Worker")
    return author


@pytest.mark.worker
def test_a_task_sent_over_redis_runs_in_a_worker_process_and_writes_to_the_database(celery_worker_process):
    author = _author_with_papers(3)
    assert author.work_count == 0
    worker = celery_worker_process()

    authors_refresh_counts_task.delay([author.pk])

    wait_until(lambda: Author.objects.get(pk=author.pk).work_count == 3, 30, "worker never updated the count")
    assert worker.process.poll() is None


@pytest.mark.worker
def test_healthz_reports_database_redis_and_worker_up(client, celery_worker_process):
    celery_worker_process()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up", "redis": "up", "worker": "up"}


@pytest.mark.django_db
def test_healthz_says_degraded_when_no_worker_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "up"
    assert body["redis"] == "up"
    assert body["worker"] == "down"
