"""A real Celery worker over Redis runs our tasks; /healthz reports what is up."""

import time

import pytest
from celery.signals import heartbeat_sent
from django.core.cache import cache

from config import celery as celery_module
from config import health
from config.celery import app
from pipeline.tasks import authors_refresh_counts_task
from profiles.models import Author
from tests.conftest import wait_until
from tests.factories import AuthorFactory, PaperFactory


def _author_with_papers(count: int) -> Author:
    author = AuthorFactory(display_name="Ada Worker")
    for index in range(count):
        PaperFactory(slug=f"paper-{index}", title=f"Paper {index}", authors=[author])
    return author


@pytest.mark.worker
def test_a_task_sent_over_redis_runs_in_a_worker_process_and_writes_to_the_database(celery_worker_process):
    author = _author_with_papers(3)
    assert author.work_count == 0
    worker = celery_worker_process()

    authors_refresh_counts_task.delay([author.pk])

    wait_until(lambda: Author.objects.get(pk=author.pk).work_count == 3, 30, "worker never updated the count")
    assert worker.process.poll() is None


@pytest.fixture
def fresh_health(settings, monkeypatch):
    """No heartbeat and no remembered probe results from an earlier test."""
    cache.delete(health.WORKER_HEARTBEAT_KEY)
    health._probed.clear()
    monkeypatch.setattr(celery_module, "_last_heartbeat_write", 0.0)
    yield
    health._probed.clear()


@pytest.mark.worker
def test_healthz_reports_database_redis_and_worker_up(client, celery_worker_process, fresh_health, settings):
    settings.HEALTHZ_CACHE_SECONDS = 0
    celery_worker_process()  # a starting worker writes its heartbeat
    wait_until(lambda: client.get("/healthz").status_code == 200, 30, "healthz never saw the worker")
    response = client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "up", "redis": "up", "worker": "up"}
    # A running worker keeps beating on its own (no task, no beat process needed).
    cache.delete(health.WORKER_HEARTBEAT_KEY)
    wait_until(lambda: client.get("/healthz").status_code == 200, 20, "the worker stopped beating")


@pytest.mark.django_db
def test_healthz_says_degraded_when_no_worker_answers(client, fresh_health):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "up"
    assert body["redis"] == "up"
    assert body["worker"] == "down"


@pytest.mark.django_db
def test_healthz_reads_the_worker_heartbeat_instead_of_pinging(client, fresh_health, monkeypatch, settings):
    def no_broadcasts(*args, **kwargs):
        raise AssertionError("healthz must not broadcast to workers")

    monkeypatch.setattr(app.control, "ping", no_broadcasts)
    settings.HEALTHZ_CACHE_SECONDS = 0
    settings.HEALTHZ_WORKER_SECONDS = 60
    heartbeat_sent.send(sender=None)  # what a worker's main process sends every 2 s

    started = time.perf_counter()
    response = client.get("/healthz")
    assert time.perf_counter() - started < 0.5  # a ping waited a full second for answers
    assert response.status_code == 200
    assert response.json()["worker"] == "up"

    cache.set(health.WORKER_HEARTBEAT_KEY, time.time() - 61)  # the worker went silent a minute ago
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == "down"


@pytest.mark.django_db
def test_healthz_reuses_its_probe_results_for_a_few_seconds(
    client, fresh_health, settings, django_assert_num_queries
):
    settings.HEALTHZ_CACHE_SECONDS = 5
    with django_assert_num_queries(1):  # SELECT 1
        client.get("/healthz")
    with django_assert_num_queries(0):
        for _ in range(20):
            client.get("/healthz")
    health._probed["database"] = (health._probed["database"][0] - 6, "up")  # five seconds later
    with django_assert_num_queries(1):
        client.get("/healthz")
