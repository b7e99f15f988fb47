"""Task dispatch that survives a broker outage: an outbox row written with the change it follows.

``enqueue_on_commit("pipeline.tasks.import_batch_task", {"batch_id": 7})`` inside a service's
transaction writes an ``Outbox`` row in that transaction and, once it commits, publishes the task
and marks the row sent. If the broker cannot be reached the write still succeeds (the error is
logged) and ``outbox_resend`` (beat, every 30 s) sends the row later. Delivery is at least once:
a crash between publishing and marking the row sent publishes it again, which the tasks tolerate
(they re-read rows by id and are idempotent).

Services name tasks by their registered name, so they never import a tasks module.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.utils import timezone

from common.models import Outbox

logger = logging.getLogger(__name__)

# Rows younger than this are still being sent by the transaction that wrote them.
RESEND_AFTER = timedelta(seconds=30)
# Sent rows are kept this long (to see what was sent when), then deleted by the sweep.
KEEP_SENT = timedelta(days=7)


def enqueue_on_commit(task_name: str, kwargs: dict) -> Outbox:
    """Queue ``task_name(**kwargs)`` to run after the current transaction commits."""
    row = Outbox.objects.create(task_name=task_name, kwargs=kwargs)
    transaction.on_commit(lambda: outbox_send(row_id=row.pk))
    return row


def _task(name: str):
    tasks = current_app.tasks
    if name not in tasks:
        current_app.loader.import_default_modules()  # a web process imports tasks modules lazily
    return current_app.tasks[name]


def _publish(row: Outbox, **options) -> bool:
    """Send one row's task; False (with the error kept on the row) when the broker refused it."""
    task = _task(row.task_name)
    if current_app.conf.task_always_eager:
        task.apply_async(kwargs=row.kwargs)  # runs here and now; its errors are the caller's
        return True
    try:
        task.apply_async(kwargs=row.kwargs, **options)
    except Exception as error:  # any failure to publish: the row stays unsent for the sweep
        logger.warning("Could not send %s (outbox row %s): %s", row.task_name, row.pk, error)
        Outbox.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, last_error=str(error)[:2000])
        return False
    return True


def outbox_send(*, row_id: int) -> bool:
    """Send the row just committed (one quick attempt: the request is waiting) and mark it sent."""
    row = Outbox.objects.filter(pk=row_id, sent_at=None).first()
    if row is None:
        return False
    if not _publish(row, retry=False):
        return False
    Outbox.objects.filter(pk=row.pk).update(sent_at=timezone.now(), attempts=row.attempts + 1)
    return True


def outbox_resend(*, limit: int = 500) -> int:
    """Send rows still unsent after RESEND_AFTER; returns how many went out. Safe to run in parallel."""
    now = timezone.now()
    sent = 0
    with transaction.atomic():
        rows = list(
            Outbox.objects.select_for_update(skip_locked=True)
            .filter(sent_at=None, created_at__lt=now - RESEND_AFTER)
            .order_by("created_at")[:limit]
        )
        for row in rows:
            if not _publish(row):
                break  # the broker is still down: the next sweep tries again
            Outbox.objects.filter(pk=row.pk).update(sent_at=timezone.now(), attempts=row.attempts + 1)
            sent += 1
    Outbox.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    return sent
