"""gunicorn settings for the production web process (Dockerfile, docker-compose.yml, bin/soak)."""

import os

from config.log_format import logging_config
from papers.embedding import warm_up


def default_workers() -> int:
    """One process per core the process may run on, plus one to cover a process stuck waiting.

    Python runs one request's code at a time per process, so processes are what use the cores;
    the threads below only overlap waits on PostgreSQL and Redis. Every process also holds the
    embedding model, which is why it is not gunicorn's usual 2 x cores + 1.
    """
    return len(os.sched_getaffinity(0)) + 1


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
# Threads, so that a connection can stay open between requests (gunicorn's sync workers close
# every connection); keep-alive lets a proxy or the load test reuse its connections.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then (bounded memory growth)
max_requests_jitter = 200
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logconfig_dict = logging_config(
    log_format=os.environ.get("LOG_FORMAT", "text"),
    level=os.environ.get("LOG_LEVEL", "INFO"),
    loggers={
        "gunicorn.error": {"level": "INFO", "propagate": True},
        "gunicorn.access": {"level": "INFO", "propagate": True},
    },
)


def post_worker_init(worker) -> None:
    """Load the embedding model before this process takes requests, not inside the first search.

    Measured by the soak (docs/benchmarks.md): loading it lazily made the first search of every
    gunicorn process take tens of seconds, and requests queued behind it.
    """
    if os.environ.get("GUNICORN_WARM_EMBEDDER", "true").lower() != "true":
        return
    warm_up()
