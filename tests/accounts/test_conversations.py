"""Direct collaboration: invitations, accept/decline, threads, unread counts, emails, block, report."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AbuseReport, AccountPreferences, Conversation, Message
from papers.models import Authorship, Paper
from tests.accounts.conftest import make_author, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(django_user_model):
    owner = make_user(django_user_model, "owner")
    author = make_author("Barbara Liskov", claimed_by=owner, verification_level=2)
    paper = Paper.objects.create(slug="abstraction", title="Programming with abstract data types", year=1974)
    Authorship.objects.create(paper=paper, author=author, position=0, name_as_written="Barbara Liskov")
    return {"owner": owner, "author": author, "paper": paper, "guest": make_user(django_user_model, "guest")}


def _invite(client, people, **extra):
    data = {"subject": "Type systems workshop", "body": "Would you join our workshop?", **extra}
    return client.post(reverse("accounts:conversation_new", args=[people["author"].slug]), data)


def _unread_in_nav(client) -> str:
    from django.template import Context, Template

    response = client.get(reverse("accounts:inbox"))
    request = response.wsgi_request
    return Template("{% load accounts_tags %}{% unread_messages as n %}{{ n }}").render(
        Context({"user": request.user, "request": request})
    )


def test_invitation_accept_reply_with_unread_counts_and_emails(
    client, people, django_capture_on_commit_callbacks
):
    owner, guest = people["owner"], people["guest"]
    client.force_login(guest)
    form = client.get(
        reverse("accounts:conversation_new", args=[people["author"].slug]) + "?paper=" + people["paper"].slug
    )
    assert f'<option value="{people["paper"].pk}" selected>' in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, people, paper=people["paper"].pk)
    conversation = Conversation.objects.get()
    assert response["Location"] == reverse("accounts:conversation", args=[conversation.pk])
    assert conversation.paper == people["paper"] and conversation.status == "pending"
    assert mail.outbox[-1].to == ["owner@example.org"]
    assert "Invitation to collaborate: Type systems workshop" in mail.outbox[-1].subject
    assert "Would you join our workshop?" in mail.outbox[-1].body

    client.force_login(owner)
    assert _unread_in_nav(client) == "1"
    inbox = client.get(reverse("accounts:inbox")).content.decode()
    assert "Type systems workshop" in inbox and "1 unread" in inbox
    thread = client.get(reverse("accounts:conversation", args=[conversation.pk])).content.decode()
    assert "Would you join our workshop?" in thread and "Accept and reply" in thread
    assert _unread_in_nav(client) == "0"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:conversation_reply", args=[conversation.pk]), {"body": "Gladly."})
    conversation.refresh_from_db()
    assert conversation.status == "accepted"  # the researcher's reply accepts the invitation
    assert mail.outbox[-1].to == ["guest@example.org"] and "New message" in mail.outbox[-1].subject

    client.force_login(guest)
    assert _unread_in_nav(client) == "1"
    client.post(reverse("accounts:conversation_reply", args=[conversation.pk]), {"body": "Great, thanks!"})
    assert list(conversation.messages.values_list("body", flat=True)) == [
        "Would you join our workshop?",
        "Gladly.",
        "Great, thanks!",
    ]


def test_the_inviter_waits_and_a_declined_invitation_is_closed(client, people):
    client.force_login(people["guest"])
    _invite(client, people)
    conversation = Conversation.objects.get()
    early = client.post(reverse("accounts:conversation_reply", args=[conversation.pk]), {"body": "Hello??"})
    assert early.status_code == 409 and b"Wait for the researcher" in early.content
    again = _invite(client, people)
    assert again.status_code == 409 and b"still awaiting a reply" in again.content

    client.force_login(people["owner"])
    client.post(reverse("accounts:conversation_decline", args=[conversation.pk]))
    client.force_login(people["guest"])
    closed = client.post(reverse("accounts:conversation_reply", args=[conversation.pk]), {"body": "Why?"})
    assert closed.status_code == 409 and b"declined" in closed.content
    assert (
        "This invitation was declined"
        in client.get(reverse("accounts:conversation", args=[conversation.pk])).content.decode()
    )
    assert _invite(client, people).status_code == 302  # a new, separate invitation is allowed


def test_blocking_stops_invitations_and_messages(client, people, django_user_model):
    client.force_login(people["guest"])
    _invite(client, people)
    conversation = Conversation.objects.get()
    client.force_login(people["owner"])
    client.post(reverse("accounts:conversation_block", args=[conversation.pk]))
    conversation.refresh_from_db()
    assert conversation.status == "declined"

    client.force_login(people["guest"])
    refused = _invite(client, people, subject="Second try")
    assert refused.status_code == 403 and b"cannot contact" in refused.content
    profile = client.get(people["author"].get_absolute_url()).content.decode()
    assert "You cannot contact this researcher" in profile
    assert Conversation.objects.count() == 1

    client.force_login(people["owner"])
    client.post(reverse("accounts:conversation_unblock", args=[conversation.pk]))
    client.force_login(people["guest"])
    assert _invite(client, people, subject="After unblock").status_code == 302


def test_a_report_reaches_the_administrators(client, people, staff, django_capture_on_commit_callbacks):
    client.force_login(people["guest"])
    _invite(client, people, body="Buy cheap citations!")
    conversation = Conversation.objects.get()
    client.force_login(people["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:conversation_report", args=[conversation.pk]), {"reason": "Spam offer"})
    report = AbuseReport.objects.get()
    assert report.reporter == people["owner"] and report.reported_user == people["guest"]
    assert mail.outbox[-1].to == ["staff@example.org"] and "Spam offer" in mail.outbox[-1].body
    client.force_login(staff)
    assert "guest" in client.get(reverse("admin:accounts_abusereport_changelist")).content.decode()


def test_no_email_when_the_recipient_opted_out(client, people, django_capture_on_commit_callbacks):
    AccountPreferences.objects.create(user=people["owner"], email_on_message=False)
    client.force_login(people["guest"])
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, people)
    assert mail.outbox == []
    assert Message.objects.count() == 1


def test_messages_are_escaped(client, people):
    client.force_login(people["guest"])
    _invite(client, people, body="<script>alert(1)</script>")
    client.force_login(people["owner"])
    page = client.get(reverse("accounts:conversation", args=[Conversation.objects.get().pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_a_paper_must_be_by_the_invited_researcher(client, people):
    other = Paper.objects.create(slug="other", title="Someone else's paper")
    client.force_login(people["guest"])
    response = _invite(client, people, paper=other.pk)
    assert response.status_code == 200 and b"Select a valid choice" in response.content
    assert not Conversation.objects.exists()


def test_inbox_has_a_fixed_query_count(client, people, django_user_model):
    owner = people["owner"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("accounts:inbox")).status_code == 200
        return len(captured)

    def invite_from(name: str) -> None:
        sender = make_user(django_user_model, name)
        conversation = Conversation.objects.create(
            initiator=sender, author=people["author"], recipient=owner, subject=name
        )
        Message.objects.bulk_create(
            Message(conversation=conversation, sender=sender, body="hi") for _ in range(3)
        )

    invite_from("first")
    client.force_login(owner)
    few = queries()
    for index in range(25):
        invite_from(f"sender{index}")
    many = queries()
    assert many == few <= 6
    assert "3 unread" in client.get(reverse("accounts:inbox")).content.decode()


def test_the_account_nav_shows_the_unread_count(rf, people):
    from django.template import engines

    Conversation.objects.create(
        initiator=people["guest"], author=people["author"], recipient=people["owner"], subject="Hi"
    )
    Message.objects.create(conversation=Conversation.objects.get(), sender=people["guest"], body="Hello")
    request = rf.get("/")
    request.user = people["owner"]
    template = engines["django"].from_string("{% load accounts_tags %}{% accounts_nav %}")
    html = template.render({"user": people["owner"]}, request)
    assert 'aria-label="unread messages">1<' in html and reverse("accounts:inbox") in html
    guest_request = rf.get("/")
    guest_request.user = people["guest"]
    assert "unread messages" not in template.render({"user": people["guest"]}, guest_request)


def test_a_new_owner_of_the_profile_cannot_read_the_old_owners_conversations(
    client, people, django_user_model, django_capture_on_commit_callbacks
):
    """Private messages belong to the person they were sent to, not to whoever owns the profile later."""
    from profiles.models import Author

    owner, guest = people["owner"], people["guest"]
    client.force_login(guest)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, people)
    conversation = Conversation.objects.get()
    assert conversation.recipient == owner

    # The profile changes hands (the claim was revoked and someone else's approved).
    successor = make_user(django_user_model, "successor")
    Author.objects.filter(pk=people["author"].pk).update(claimed_by=successor)
    thread = reverse("accounts:conversation", args=[conversation.pk])
    client.force_login(successor)
    assert client.get(thread).status_code == 404
    assert "Type systems workshop" not in client.get(reverse("accounts:inbox")).content.decode()
    assert client.post(reverse("accounts:conversation_accept", args=[conversation.pk])).status_code == 404
    reply = client.post(reverse("accounts:conversation_reply", args=[conversation.pk]), {"body": "Mine now"})
    assert reply.status_code == 404 and conversation.messages.count() == 1

    client.force_login(owner)
    page = client.get(thread).content.decode()
    assert "Would you join our workshop?" in page
    assert "Type systems workshop" in client.get(reverse("accounts:inbox")).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:conversation_reply", args=[conversation.pk]), {"body": "Happy to."})
    assert Conversation.objects.get(pk=conversation.pk).status == "accepted"
    client.force_login(guest)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:conversation_reply", args=[conversation.pk]), {"body": "Great"})
    assert [message.to for message in mail.outbox] == [["guest@example.org"], ["owner@example.org"]]


def test_the_backfill_gives_existing_conversations_the_profiles_current_owner(people):
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    backfill = importlib.import_module("profiles.migrations.0008_conversation_recipient_backfill")
    conversation = Conversation.objects.create(
        initiator=people["guest"], author=people["author"], subject="Old"
    )
    # The migration's own view of the models (Conversation still in profiles, same table).
    state = MigrationLoader(connection).project_state(("profiles", "0008_conversation_recipient_backfill"))
    backfill.recipients_from_current_owners(state.apps, None)
    assert Conversation.objects.get(pk=conversation.pk).recipient == people["owner"]
