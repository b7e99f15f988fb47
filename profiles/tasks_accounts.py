"""Account emails and the weekly follow digest: thin tasks that take ids and re-read rows.

Registered with Celery through profiles/tasks.py, which imports this module.
"""

from __future__ import annotations

import datetime
import smtplib

from celery import shared_task

from profiles import selectors_accounts, services_accounts
from profiles.services import authors_refresh_trust

_MAIL_RETRY = {
    "acks_late": True,
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 60 * 30,
    "max_retries": 6,
    "time_limit": 120,
    "soft_time_limit": 110,
}


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10)
def author_trust_refresh_task(author_ids: list[int], with_collaborators: bool = False) -> None:
    authors_refresh_trust(author_ids=author_ids, with_collaborators=with_collaborators)


@shared_task(**_MAIL_RETRY)
def claim_notify_task(claim_id: int) -> int:
    return services_accounts.claim_notification_send(claim_id=claim_id)


@shared_task(**_MAIL_RETRY)
def claim_staff_notify_task(claim_id: int) -> int:
    return services_accounts.claim_staff_notification_send(claim_id=claim_id)


@shared_task(**_MAIL_RETRY)
def message_notify_task(message_id: int) -> int:
    return services_accounts.message_notification_send(message_id=message_id)


@shared_task(**_MAIL_RETRY)
def report_notify_task(report_id: int) -> int:
    return services_accounts.report_notification_send(report_id=report_id)


@shared_task(**_MAIL_RETRY)
def follow_digest_send_task(user_id: int, week_start: str) -> str:
    return services_accounts.follow_digest_send(
        user_id=user_id, week_start=datetime.date.fromisoformat(week_start)
    )


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def follow_digest_send_all_task(week_start: str | None = None) -> int:
    """Run weekly by beat: one task per opted-in user still without this week's digest."""
    week = datetime.date.fromisoformat(week_start) if week_start else services_accounts.digest_week_start()
    recipients = selectors_accounts.digest_recipient_ids(week_start=week)
    for user_id in recipients:
        follow_digest_send_task.delay(user_id, week.isoformat())
    return len(recipients)
