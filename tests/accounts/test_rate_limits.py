"""Abuse limits: claims, invitations, messages, failed logins (common/ratelimit.py) and sign-up (allauth)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Claim, Conversation, Message
from tests.accounts.conftest import make_author, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_limits(settings):
    settings.RATE_LIMIT_CLAIMS = "2/h"
    settings.RATE_LIMIT_INVITATIONS = "2/d"
    settings.RATE_LIMIT_MESSAGES = "3/h"


def test_too_many_claims_get_a_clear_answer(client, django_user_model, tight_limits):
    client.force_login(make_user(django_user_model, "grace"))
    author = make_author("Grace Hopper")
    url = reverse("accounts:claim", args=[author.slug])
    client.post(url, {"evidence_text": "mine"})
    client.post(reverse("accounts:claim_withdraw", args=[Claim.objects.get().pk]))
    assert client.post(url, {"evidence_text": "mine again"}).status_code == 302
    limited = client.post(url, {"evidence_text": "and again"})
    assert limited.status_code == 429
    assert b"several claims in a short time" in limited.content
    assert Claim.objects.count() == 2
    assert client.get(url).status_code == 409  # reading the form is not limited (a claim is pending)


def test_too_many_invitations_and_messages_get_a_clear_answer(client, django_user_model, tight_limits):
    owner = make_user(django_user_model, "owner")
    first = make_author("First Researcher", claimed_by=owner)
    client.force_login(make_user(django_user_model, "guest"))
    data = {"subject": "Hello", "body": "Shall we?"}
    assert client.post(reverse("accounts:conversation_new", args=[first.slug]), data).status_code == 302
    assert client.post(reverse("accounts:conversation_new", args=[first.slug]), data).status_code == 409
    limited = client.post(reverse("accounts:conversation_new", args=[first.slug]), data)
    assert limited.status_code == 429 and b"many invitations today" in limited.content
    assert Conversation.objects.count() == 1

    client.force_login(owner)
    reply_url = reverse("accounts:conversation_reply", args=[Conversation.objects.get().pk])
    for _ in range(3):
        assert client.post(reply_url, {"body": "Yes"}).status_code == 302
    limited = client.post(reply_url, {"body": "Yes"})
    assert limited.status_code == 429 and b"sending messages too quickly" in limited.content
    assert Message.objects.count() == 4


def test_repeated_failed_logins_are_refused_with_a_message(client, django_user_model):
    make_user(django_user_model, "grace")
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": "grace", "password": "wrong"})
        assert b"Too many failed login attempts" not in response.content
    response = client.post(url, {"login": "grace", "password": "grace-password"})
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_too_many_signups_from_one_address_are_refused(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    url = reverse("account_signup")
    for index in range(2):
        data = {
            "email": f"user{index}@example.org",
            "username": f"user{index}",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
        }
        assert client.post(url, data).status_code == 302
        client.logout()
    data = {**data, "email": "third@example.org", "username": "third"}
    limited = client.post(url, data)
    assert limited.status_code == 429
    assert b"Too many attempts" in limited.content
