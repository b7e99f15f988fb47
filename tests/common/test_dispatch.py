"""The outbox: a broker outage at commit time neither fails the write nor loses its follow-up task."""

from __future__ import annotations

import base64
import json
import socket
from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from common.dispatch import enqueue_on_commit, outbox_resend
from common.models import Outbox
from config.celery import app
from ingest.models import ImportBatch
from tests.api.conftest import client_for, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


def _use_broker(url: str) -> None:
    app.conf.broker_url = url
    app._pool = None  # connections are pooled per URL; drop the old pool
    app.amqp._producer_pool = None


@pytest.fixture
def broker(settings):
    """Tasks go to a real broker (no eager mode); ``broker.down()`` / ``broker.up()`` switch it."""

    class Switch:
        def down(self) -> None:
            _use_broker(f"redis://127.0.0.1:{_closed_port()}/0")

        def up(self) -> None:
            _use_broker(django_settings.CELERY_BROKER_URL)

        def queued(self) -> list[tuple[str, dict]]:
            """(task name, kwargs) of every message waiting in the default queue."""
            messages = redis.Redis.from_url(django_settings.BROKER_REDIS_URL).lrange("default", 0, -1)
            found = []
            for raw in messages:
                message = json.loads(raw)
                _, kwargs, _ = json.loads(base64.b64decode(message["body"]))
                found.append((message["headers"]["task"], kwargs))
            return found

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    redis.Redis.from_url(django_settings.BROKER_REDIS_URL).delete("default")
    switch = Switch()
    yield switch
    switch.up()
    redis.Redis.from_url(django_settings.BROKER_REDIS_URL).delete("default")
    app.conf.task_always_eager = True


def test_an_upload_during_a_broker_outage_succeeds_and_its_import_is_sent_later(broker, django_user_model):
    staff = make_user(django_user_model, "outage-staff", staff=True)
    broker.down()
    response = client_for(staff).post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("dump.txt", b"Abstract:Text during an outage.\n")},
        format="multipart",
    )
    assert response.status_code == 201, response.content  # the write stands
    batch = ImportBatch.objects.get(pk=response.json()["id"])
    row = Outbox.objects.get()
    assert (row.task_name, row.kwargs, row.sent_at) == (
        "pipeline.tasks.import_batch_task",
        {"batch_id": batch.pk},
        None,
    )
    assert "connecting" in row.last_error.lower() or "refused" in row.last_error.lower()

    assert outbox_resend() == 0  # too young: the request that wrote it may still be sending it
    assert outbox_resend() == 0
    Outbox.objects.update(created_at=timezone.now() - timedelta(seconds=31))
    assert outbox_resend() == 0  # broker still down: kept for the next sweep
    assert Outbox.objects.get().sent_at is None

    broker.up()
    assert outbox_resend() == 1
    assert Outbox.objects.get().sent_at is not None
    assert broker.queued() == [("pipeline.tasks.import_batch_task", {"batch_id": batch.pk})]
    assert outbox_resend() == 0  # sent once


def test_with_the_broker_up_the_task_goes_out_at_commit_and_is_marked_sent(broker):
    with transaction.atomic():
        enqueue_on_commit("pipeline.tasks.batch_followups_task", {"batch_id": 41})
        assert broker.queued() == []  # nothing leaves before the commit
    assert broker.queued() == [("pipeline.tasks.batch_followups_task", {"batch_id": 41})]
    assert Outbox.objects.get().sent_at is not None


def test_a_rolled_back_write_sends_nothing(broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit("pipeline.tasks.batch_followups_task", {"batch_id": 42})
        raise RuntimeError("the write fails")
    assert Outbox.objects.count() == 0
    assert broker.queued() == []
