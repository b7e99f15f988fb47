"""Fixtures for the accounts tests: users in every role, a claimed and an unclaimed researcher."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache

from accounts.models import Claim, Conversation, Message
from profiles.models import Author
from tests.factories import AuthorFactory, UserFactory

ROLES = ["anonymous", "unverified", "verified", "owner", "other", "staff"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the (Redis) cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def make_user(django_user_model, name: str, *, verified: bool = True, staff: bool = False):
    return UserFactory(username=name, verified=verified, staff=staff)


def make_author(name: str, **fields) -> Author:
    return AuthorFactory(display_name=name, **fields)


@dataclass
class World:
    users: dict
    owned: Author  # claimed by users["owner"]
    unclaimed: Author
    conversation: Conversation  # users["verified"] invited users["owner"]; awaiting a reply

    def user(self, role: str):
        return self.users[role]


@pytest.fixture
def world(django_user_model) -> World:
    users = {
        "anonymous": None,
        "unverified": make_user(django_user_model, "unverified", verified=False),
        "verified": make_user(django_user_model, "verified"),
        "owner": make_user(django_user_model, "owner"),
        "other": make_user(django_user_model, "other"),
        "staff": make_user(django_user_model, "staff", staff=True),
    }
    owned = make_author("Owned Researcher", claimed_by=users["owner"], verification_level=2)
    Claim.objects.create(user=users["owner"], author=owned, status=Claim.Status.APPROVED, evidence_text="me")
    unclaimed = make_author("Unclaimed Researcher")
    conversation = Conversation.objects.create(
        initiator=users["verified"], author=owned, recipient=users["owner"], subject="Joint paper?"
    )
    Message.objects.create(conversation=conversation, sender=users["verified"], body="Shall we write one?")
    return World(users=users, owned=owned, unclaimed=unclaimed, conversation=conversation)
