"""Every state-changing POST refuses a request without the CSRF token and accepts it with one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccountPreferences, Claim, Conversation, Follow, Message
from curation.models import CurationItem
from tests.accounts.test_permissions import CLAIM_DATA, EDIT_DATA, INVITE_DATA, _owned_paper

pytestmark = pytest.mark.django_db


def _post_cases(world):
    """(name, role allowed to do it, url, data, check that it took effect)."""
    conversation = world.conversation
    pending = Claim.objects.create(user=world.user("other"), author=world.unclaimed)
    conv = lambda name: reverse(f"accounts:{name}", args=[conversation.pk])  # noqa: E731
    return [
        (
            "claim",
            "verified",
            reverse("accounts:claim", args=[world.unclaimed.slug]),
            CLAIM_DATA,
            lambda: Claim.objects.filter(user=world.user("verified")).exists(),
        ),
        (
            "withdraw",
            "other",
            reverse("accounts:claim_withdraw", args=[pending.pk]),
            {},
            lambda: Claim.objects.get(pk=pending.pk).status == "withdrawn",
        ),
        (
            "edit",
            "owner",
            reverse("accounts:author_edit", args=[world.owned.slug]),
            EDIT_DATA,
            lambda: type(world.owned).objects.get(pk=world.owned.pk).bio == "New bio",
        ),
        (
            "disown",
            "owner",
            reverse("accounts:paper_disown", args=[world.owned.slug, _owned_paper(world).slug]),
            {"reason": "Not mine"},
            lambda: CurationItem.objects.filter(kind="disowned").exists(),
        ),
        (
            "follow",
            "other",
            reverse("accounts:follow", args=[world.owned.slug]),
            {},
            lambda: Follow.objects.filter(user=world.user("other")).exists(),
        ),
        (
            "unfollow",
            "verified",
            reverse("accounts:unfollow", args=[world.owned.slug]),
            {},
            lambda: not Follow.objects.filter(user=world.user("verified")).exists(),
        ),
        (
            "preferences",
            "other",
            reverse("accounts:preferences"),
            {"weekly_digest": "on"},
            lambda: AccountPreferences.objects.filter(user=world.user("other"), weekly_digest=True).exists(),
        ),
        (
            "invite",
            "other",
            reverse("accounts:conversation_new", args=[world.owned.slug]),
            INVITE_DATA,
            lambda: Conversation.objects.filter(initiator=world.user("other")).exists(),
        ),
        (
            "reply",
            "owner",
            conv("conversation_reply"),
            {"body": "Happy to."},
            lambda: Message.objects.filter(sender=world.user("owner")).exists(),
        ),
        (
            "accept",
            "owner",
            conv("conversation_accept"),
            {},
            lambda: Conversation.objects.get(pk=conversation.pk).status == "accepted",
        ),
        (
            "decline",
            "owner",
            conv("conversation_decline"),
            {},
            lambda: Conversation.objects.get(pk=conversation.pk).status == "declined",
        ),
        (
            "block",
            "owner",
            conv("conversation_block"),
            {},
            lambda: world.user("owner").blocks_made.exists(),
        ),
        (
            "unblock",
            "owner",
            conv("conversation_unblock"),
            {},
            lambda: True,
        ),
        (
            "report",
            "verified",
            conv("conversation_report"),
            {"reason": "Rude"},
            lambda: world.user("verified").abuse_reports_made.exists(),
        ),
        (
            "admin reject",
            "staff",
            reverse("admin:accounts_claim_changelist"),
            {
                "action": "reject_claims",
                "_selected_action": [pending.pk],
                "apply": "1",
                "reason": "No evidence",
            },
            lambda: Claim.objects.get(pk=pending.pk).status == "rejected",
        ),
        (
            "logout",
            "verified",
            reverse("account_logout"),
            {},
            lambda: True,
        ),
    ]


CASE_NAMES = [
    "claim",
    "withdraw",
    "edit",
    "disown",
    "follow",
    "unfollow",
    "preferences",
    "invite",
    "reply",
    "accept",
    "decline",
    "block",
    "unblock",
    "report",
    "admin reject",
    "logout",
]


@pytest.mark.parametrize("case_name", CASE_NAMES)
def test_post_without_csrf_token_is_refused_and_changes_nothing(world, case_name):
    if case_name == "unfollow":
        Follow.objects.create(user=world.user("verified"), author=world.owned)
    cases = {case[0]: case for case in _post_cases(world)}
    _, role, url, data, took_effect = cases[case_name]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user(role))

    refused = client.post(url, data)
    assert refused.status_code == 403
    if case_name not in ("unblock", "logout"):
        assert not took_effect()

    client.get(reverse("accounts:preferences"))  # any page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert accepted.status_code in (200, 302), accepted.content.decode()[:300]
    assert took_effect()


def test_follow_by_fetch_needs_the_csrf_header(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("other"))
    url = reverse("accounts:follow", args=[world.owned.slug])
    assert client.post(url, HTTP_ACCEPT="application/json").status_code == 403
    client.get(reverse("accounts:preferences"))
    response = client.post(
        url, HTTP_ACCEPT="application/json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value
    )
    assert response.status_code == 200
    assert response.json() == {"following": True, "follower_count": 1}


@pytest.mark.parametrize(
    "url_name, data",
    [
        ("account_signup", {"email": "new@example.org", "username": "newbie", "password1": "x" * 12}),
        ("account_login", {"login": "verified", "password": "verified-password"}),
    ],
)
def test_allauth_forms_refuse_posts_without_csrf_token(db, url_name, data):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse(url_name), data).status_code == 403
