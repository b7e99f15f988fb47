"""The Celery app: configured from Django settings (CELERY_*), tasks autodiscovered per app."""

import os

from celery import Celery
from celery.signals import worker_ready

from config.health import worker_heartbeat_record

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("profiles")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _resume_unfinished_work(sender, **kwargs) -> None:
    """A worker that starts picks up imports whose previous worker died, and says it is alive."""
    sender.app.send_task("ingest.tasks.resume_stale_batches_task")
    sender.app.send_task("config.celery.worker_heartbeat_task")


@app.task(name="config.celery.worker_heartbeat_task", ignore_result=True, expires=30)
def worker_heartbeat_task() -> None:
    """Beat sends this every 15 s; whichever worker runs it writes the time /healthz reads."""
    worker_heartbeat_record()
