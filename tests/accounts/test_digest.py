"""The weekly follow digest: opt-in, only last week's new work, never the same week twice."""

from __future__ import annotations

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.models import AccountPreferences, Follow, FollowDigest
from accounts.services import digest_week_start
from papers.models import Paper
from pipeline.tasks import follow_digest_send_all_task
from tests.accounts.conftest import make_author, make_user
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

WEEK = datetime.date(2026, 3, 2)  # a Monday


def _paper(author, title: str, arrived: datetime.datetime) -> Paper:
    paper = PaperFactory(slug=title.lower().replace(" ", "-"), title=title, year=2026, authors=[author])
    Paper.objects.filter(pk=paper.pk).update(created_at=arrived)
    return paper


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def reader(django_user_model):
    user = make_user(django_user_model, "reader")
    AccountPreferences.objects.create(user=user, weekly_digest=True)
    author = make_author("Donald Knuth")
    Follow.objects.create(user=user, author=author)
    _paper(author, "Literate programming", _at(WEEK + datetime.timedelta(days=2)))
    _paper(author, "Older work", _at(WEEK - datetime.timedelta(days=1)))
    _paper(author, "This week already", _at(WEEK + datetime.timedelta(days=7)))
    return user


def test_the_digest_lists_the_weeks_new_work_and_is_sent_once(reader):
    assert follow_digest_send_all_task(WEEK.isoformat()) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.org"]
    assert "week of Mar 2, 2026" in message.subject
    assert "Literate programming" in message.body and "Donald Knuth" in message.body
    assert "Older work" not in message.body and "This week already" not in message.body
    assert f"{settings.SITE_URL}/papers/literate-programming/" in message.body

    assert follow_digest_send_all_task(WEEK.isoformat()) == 0  # beat ran twice: nothing more
    from accounts.services import follow_digest_send

    assert follow_digest_send(user_id=reader.pk, week_start=WEEK) == "already sent"  # a retried task
    assert len(mail.outbox) == 1
    digest = FollowDigest.objects.get()
    assert digest.paper_count == 1 and digest.sent_at is not None


def test_nobody_gets_a_digest_without_opting_in_and_a_verified_address(reader, django_user_model):
    AccountPreferences.objects.filter(user=reader).update(weekly_digest=False)
    assert follow_digest_send_all_task(WEEK.isoformat()) == 0
    AccountPreferences.objects.filter(user=reader).update(weekly_digest=True)
    EmailAddress.objects.filter(user=reader).update(verified=False)
    assert follow_digest_send_all_task(WEEK.isoformat()) == 0
    assert mail.outbox == []


def test_a_quiet_week_sends_nothing_but_is_remembered(reader):
    quiet = WEEK - datetime.timedelta(days=14)
    assert follow_digest_send_all_task(quiet.isoformat()) == 1
    assert mail.outbox == []
    assert FollowDigest.objects.get().sent_at is None
    assert follow_digest_send_all_task(quiet.isoformat()) == 0


def test_a_failed_send_can_be_retried(reader, monkeypatch):
    from accounts import services as services_accounts

    def broken(**kwargs):
        raise OSError("SMTP server down")

    monkeypatch.setattr(services_accounts, "_mail", broken)
    with pytest.raises(OSError):
        services_accounts.follow_digest_send(user_id=reader.pk, week_start=WEEK)
    assert not FollowDigest.objects.exists()
    monkeypatch.undo()
    assert services_accounts.follow_digest_send(user_id=reader.pk, week_start=WEEK) == "sent"


def test_the_digest_reports_the_last_complete_week_and_beat_runs_it_weekly():
    wednesday = timezone.make_aware(datetime.datetime(2026, 3, 11, 9))
    assert digest_week_start(wednesday) == datetime.date(2026, 3, 2)
    entry = settings.CELERY_BEAT_SCHEDULE["profiles-weekly-follow-digest"]
    assert entry["task"] == follow_digest_send_all_task.name
    assert entry["schedule"].day_of_week == {1}  # Mondays
