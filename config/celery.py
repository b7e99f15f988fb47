"""The Celery app: configured from Django settings (CELERY_*), tasks autodiscovered per app."""

import logging
import os
import threading
import time

from celery import Celery
from celery.signals import heartbeat_sent, worker_process_init, worker_ready

from config.health import worker_heartbeat_record
from papers.embedding import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
logger = logging.getLogger(__name__)

app = Celery("profiles")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

EMBEDDING_QUEUE = "heavy"  # the queue whose tasks need the embedding model (settings' routes)
HEARTBEAT_WRITE_SECONDS = 10.0  # the worker's own heartbeat fires every 2 s; Redis needs less
_last_heartbeat_write = 0.0


@worker_ready.connect
def _resume_unfinished_work(sender, **kwargs) -> None:
    """A worker that starts picks up imports whose previous worker died, and says it is alive."""
    sender.app.send_task("pipeline.tasks.resume_stale_batches_task")
    _record_heartbeat(force=True)


@heartbeat_sent.connect
def _worker_alive(sender, **kwargs) -> None:
    """The worker's main process (not a busy pool child) tells /healthz it is alive."""
    _record_heartbeat()


def _record_heartbeat(*, force: bool = False) -> None:
    global _last_heartbeat_write
    now = time.monotonic()
    if force or now - _last_heartbeat_write >= HEARTBEAT_WRITE_SECONDS:
        try:
            worker_heartbeat_record()
            _last_heartbeat_write = now
        except Exception:  # the cache being down must not stop the worker; healthz will say so
            logger.warning("could not write the worker heartbeat for /healthz", exc_info=True)


@worker_process_init.connect
def _warm_embedding_model(**kwargs) -> None:
    """A pool process of a worker that takes heavy tasks loads the model as it starts.

    In a thread: the pool gives a new process a few seconds to report ready, less than a load
    takes; a task that arrives meanwhile waits for the same load. Workers that consume only
    light queues never load it.
    """
    if EMBEDDING_QUEUE not in app.amqp.queues.consume_from:
        return
    threading.Thread(target=_warm_up_logged, name="embedding-warm-up", daemon=True).start()


def _warm_up_logged() -> None:
    try:
        warm_up()
    except Exception:  # the first heavy task will load it again and report its own error
        logger.exception("could not load the embedding model at worker start")
