"""Claim notifications, the trust refresh and the follow digest through a real Celery worker."""

from __future__ import annotations

import pytest

from accounts.models import Claim, FollowDigest
from accounts.services import claim_approve, claim_create
from pipeline.tasks import follow_digest_send_all_task
from profiles.models import Author
from tests.accounts.conftest import make_author, make_user
from tests.accounts.test_digest import WEEK, reader  # noqa: F401 - the digest reader fixture
from tests.conftest import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_claim_emails_trust_refresh_and_digest_run_in_a_worker(
    celery_worker_process,
    reader,  # noqa: F811
    django_user_model,
    staff,
):
    worker = celery_worker_process()

    follow_digest_send_all_task.delay(WEEK.isoformat())
    wait_until(
        lambda: FollowDigest.objects.filter(user=reader, sent_at__isnull=False).exists(),
        30,
        "the worker sent the weekly digest",
    )

    def succeeded(task: str) -> list[str]:
        lines = worker.log_path.read_text().splitlines()
        return [line.strip() for line in lines if f"pipeline.tasks.{task}[" in line and "succeeded" in line]

    grace = make_user(django_user_model, "grace")
    author = make_author("Grace Hopper")
    claim = claim_create(user=grace, author=author, evidence_text="My papers.")  # commits: tasks go out
    # Each notification task returns how many emails it sent: one to the claimant, one to staff.
    wait_until(
        lambda: len(succeeded("claim_notify_task")) == 1 and len(succeeded("claim_staff_notify_task")) == 1,
        30,
        "the worker ran the claim notifications",
    )
    assert succeeded("claim_notify_task")[0].endswith(": 1")
    assert succeeded("claim_staff_notify_task")[0].endswith(": 1")

    claim_approve(claim=Claim.objects.get(pk=claim.pk), reviewer=staff)

    def refreshed() -> bool:
        current = Author.objects.get(pk=author.pk)
        return current.trust_updated_at is not None and current.trust_breakdown.get("level") == 2

    wait_until(refreshed, 30, "the worker refreshed the trust snapshot after approval")
    wait_until(lambda: len(succeeded("claim_notify_task")) == 2, 30, "the worker sent the approval email")
    assert succeeded("claim_notify_task")[1].endswith(": 1")
    assert FollowDigest.objects.get(user=reader).week_start == WEEK
