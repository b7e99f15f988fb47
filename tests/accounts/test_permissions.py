"""Who may do what: every account action for every kind of visitor (the permission matrix).

Roles: anonymous, signed in with an unverified email, verified stranger (who invited the owner),
the claim owner, another verified user, and staff. Each cell names the answer the person gets;
the action's effect must be visible exactly when the answer is a success.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from accounts.models import AbuseReport, AccountPreferences, Claim, Conversation, Follow, Message, UserBlock
from curation.models import CurationItem
from tests.accounts.conftest import ROLES, World

pytestmark = pytest.mark.django_db

LOGIN = "login"  # redirected to the sign-in page
ADMIN_LOGIN = "admin-login"


@dataclass
class Action:
    name: str
    run: Callable  # (client, world) -> response
    expect: dict  # role -> status code, LOGIN or ADMIN_LOGIN
    succeeded: Callable | None = None  # (world, actor) -> bool: did the action take effect?
    success_codes: tuple = (200, 302)
    prepare: Callable | None = None  # (world) -> None


def row(anonymous, unverified, verified, owner, other, staff) -> dict:
    return dict(zip(ROLES, [anonymous, unverified, verified, owner, other, staff], strict=True))


def _claim_url(author):
    return reverse("accounts:claim", args=[author.slug])


def _pending_claim(world: World) -> Claim:
    return Claim.objects.get_or_create(
        user=world.user("verified"), author=world.unclaimed, status=Claim.Status.PENDING
    )[0]


def _follow_everyone(world: World) -> None:
    for role in ROLES[1:]:
        Follow.objects.create(user=world.user(role), author=world.unclaimed)


def _owned_paper(world: World):
    from papers.models import Authorship, Paper

    paper, created = Paper.objects.get_or_create(slug="owned-paper", defaults={"title": "Not really mine"})
    if created:
        Authorship.objects.create(
            paper=paper, author=world.owned, position=0, name_as_written="O. Researcher"
        )
    return paper


def _conversation_url(name: str, world: World) -> str:
    return reverse(f"accounts:{name}", args=[world.conversation.pk])


CLAIM_DATA = {
    "evidence_text": "These are my papers; see my homepage.",
    "evidence_homepage": "https://example.org",
}
EDIT_DATA = {
    "role": "Professor",
    "affiliation": "Example University",
    "bio": "New bio",
    "homepage": "https://example.org/me",
    "orcid": "0000-0002-1825-0097",
    "open_to_collaborate": "on",
}
INVITE_DATA = {"subject": "A new collaboration", "body": "Would you like to work together?"}

ACTIONS = [
    Action(
        "claim form",
        lambda client, world: client.get(_claim_url(world.unclaimed)),
        row(LOGIN, 403, 200, 409, 200, 200),
    ),
    Action(
        "claim an unclaimed profile",
        lambda client, world: client.post(_claim_url(world.unclaimed), CLAIM_DATA),
        row(LOGIN, 403, 302, 409, 302, 302),
        lambda world, actor: Claim.objects.filter(user=actor, author=world.unclaimed).exists(),
    ),
    Action(
        "claim a claimed profile",
        lambda client, world: client.post(_claim_url(world.owned), CLAIM_DATA),
        row(LOGIN, 403, 409, 409, 409, 409),
        lambda world, actor: Claim.objects.filter(author=world.owned, status="pending").exists(),
    ),
    Action(
        "withdraw the verified user's pending claim",
        lambda client, world: client.post(
            reverse("accounts:claim_withdraw", args=[_pending_claim(world).pk])
        ),
        row(LOGIN, 404, 302, 404, 404, 404),
        lambda world, actor: Claim.objects.filter(status=Claim.Status.WITHDRAWN).exists(),
        prepare=_pending_claim,
    ),
    Action(
        "list my claims", lambda client, world: client.get(reverse("accounts:claims")), row(LOGIN, *[200] * 5)
    ),
    Action(
        "edit form of the owned profile",
        lambda client, world: client.get(reverse("accounts:author_edit", args=[world.owned.slug])),
        row(LOGIN, 403, 403, 200, 403, 403),
    ),
    Action(
        "save the owned profile",
        lambda client, world: client.post(
            reverse("accounts:author_edit", args=[world.owned.slug]), EDIT_DATA
        ),
        row(LOGIN, 403, 403, 302, 403, 403),
        lambda world, actor: type(world.owned).objects.get(pk=world.owned.pk).bio == "New bio",
    ),
    Action(
        "disown a paper of the owned profile",
        lambda client, world: client.post(
            reverse("accounts:paper_disown", args=[world.owned.slug, _owned_paper(world).slug]),
            {"reason": "Another person with my name"},
        ),
        row(LOGIN, 403, 403, 302, 403, 403),
        lambda world, actor: CurationItem.objects.filter(kind="disowned", author=world.owned).exists(),
        prepare=_owned_paper,
    ),
    Action(
        "follow the owned profile",
        lambda client, world: client.post(reverse("accounts:follow", args=[world.owned.slug])),
        row(LOGIN, 302, 302, 409, 302, 302),
        lambda world, actor: Follow.objects.filter(user=actor, author=world.owned).exists(),
    ),
    Action(
        "unfollow",
        lambda client, world: client.post(reverse("accounts:unfollow", args=[world.unclaimed.slug])),
        row(LOGIN, 302, 302, 302, 302, 302),
        lambda world, actor: (
            actor is not None and not Follow.objects.filter(user=actor, author=world.unclaimed).exists()
        ),
        prepare=_follow_everyone,
    ),
    Action(
        "following feed",
        lambda client, world: client.get(reverse("accounts:following")),
        row(LOGIN, *[200] * 5),
    ),
    Action(
        "email preferences",
        lambda client, world: client.post(
            reverse("accounts:preferences"), {"weekly_digest": "on", "email_on_message": "on"}
        ),
        row(LOGIN, *[302] * 5),
        lambda world, actor: AccountPreferences.objects.filter(user=actor, weekly_digest=True).exists(),
    ),
    Action(
        "invitation form for the claimed researcher",
        lambda client, world: client.get(reverse("accounts:conversation_new", args=[world.owned.slug])),
        # The verified user's first invitation still waits for a reply.
        row(LOGIN, 403, 409, 409, 200, 200),
    ),
    Action(
        "send an invitation to the claimed researcher",
        lambda client, world: client.post(
            reverse("accounts:conversation_new", args=[world.owned.slug]), INVITE_DATA
        ),
        row(LOGIN, 403, 409, 409, 302, 302),
        lambda world, actor: Conversation.objects.filter(
            initiator=actor, subject=INVITE_DATA["subject"]
        ).exists(),
    ),
    Action(
        "send an invitation to an unclaimed profile",
        lambda client, world: client.post(
            reverse("accounts:conversation_new", args=[world.unclaimed.slug]), INVITE_DATA
        ),
        row(LOGIN, 403, 409, 409, 409, 409),
        lambda world, actor: Conversation.objects.filter(author=world.unclaimed).exists(),
    ),
    Action("inbox", lambda client, world: client.get(reverse("accounts:inbox")), row(LOGIN, *[200] * 5)),
    Action(
        "read the thread",
        lambda client, world: client.get(_conversation_url("conversation", world)),
        row(LOGIN, 404, 200, 200, 404, 404),
    ),
    Action(
        "reply in the thread",
        lambda client, world: client.post(_conversation_url("conversation_reply", world), {"body": "Yes!"}),
        # The inviter may not write again before the researcher answers.
        row(LOGIN, 404, 409, 302, 404, 404),
        lambda world, actor: (
            Message.objects.filter(conversation=world.conversation, sender=actor).count()
            == (2 if actor == world.user("verified") else 1)
        ),
    ),
    Action(
        "accept the invitation",
        lambda client, world: client.post(_conversation_url("conversation_accept", world)),
        row(LOGIN, 404, 403, 302, 404, 404),
        lambda world, actor: Conversation.objects.get(pk=world.conversation.pk).status == "accepted",
    ),
    Action(
        "decline the invitation",
        lambda client, world: client.post(_conversation_url("conversation_decline", world)),
        row(LOGIN, 404, 403, 302, 404, 404),
        lambda world, actor: Conversation.objects.get(pk=world.conversation.pk).status == "declined",
    ),
    Action(
        "block the other person",
        lambda client, world: client.post(_conversation_url("conversation_block", world)),
        row(LOGIN, 404, 302, 302, 404, 404),
        lambda world, actor: UserBlock.objects.filter(blocker=actor).exists(),
    ),
    Action(
        "report the other person",
        lambda client, world: client.post(
            _conversation_url("conversation_report", world), {"reason": "Spam"}
        ),
        row(LOGIN, 404, 302, 302, 404, 404),
        lambda world, actor: AbuseReport.objects.filter(reporter=actor).exists(),
    ),
    Action(
        "open the claims queue in the admin",
        lambda client, world: client.get(reverse("admin:accounts_claim_changelist")),
        row(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    ),
    Action(
        "approve a claim in the admin",
        lambda client, world: client.post(
            reverse("admin:accounts_claim_changelist"),
            {"action": "approve_claims", "_selected_action": [_pending_claim(world).pk]},
        ),
        row(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 302),
        lambda world, actor: Claim.objects.filter(
            status=Claim.Status.APPROVED, author=world.unclaimed
        ).exists(),
        prepare=_pending_claim,
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name)
def test_permission_matrix(client, world, action: Action, role: str):
    actor = world.user(role)
    if action.prepare:
        action.prepare(world)
    if actor is not None:
        client.force_login(actor)
    response = action.run(client, world)
    expected = action.expect[role]

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == expected, response.content.decode()[:500]
    if expected in (403, 409, 429):
        assert b"problem-message" in response.content  # a readable explanation, not a bare error

    if action.succeeded is not None:
        took_effect = action.succeeded(world, actor)
        assert took_effect == (expected in action.success_codes), f"{action.name} as {role}"


def test_others_never_see_a_private_conversation_in_their_inbox(client, world):
    for role, sees in [("verified", True), ("owner", True), ("other", False), ("staff", False)]:
        client.force_login(world.user(role))
        page = client.get(reverse("accounts:inbox")).content.decode()
        assert ("Joint paper?" in page) is sees, role


def test_claims_list_shows_only_my_own_claims(client, world):
    _pending_claim(world)
    client.force_login(world.user("verified"))
    assert "Unclaimed Researcher" in client.get(reverse("accounts:claims")).content.decode()
    client.force_login(world.user("other"))
    assert "Unclaimed Researcher" not in client.get(reverse("accounts:claims")).content.decode()


def test_a_participant_whose_email_is_no_longer_verified_cannot_write(client, world):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=world.user("owner")).update(verified=False)
    client.force_login(world.user("owner"))
    response = client.post(_conversation_url("conversation_reply", world), {"body": "Hello"})
    assert response.status_code == 403
    assert b"verify your email" in response.content
    assert world.conversation.messages.count() == 1
