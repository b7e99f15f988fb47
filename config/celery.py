"""The Celery app: configured from Django settings (CELERY_*), tasks autodiscovered per app."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("profiles")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _resume_unfinished_work(sender, **kwargs) -> None:
    """A worker that starts picks up imports whose previous worker died."""
    sender.app.send_task("ingest.tasks.resume_stale_batches_task")
