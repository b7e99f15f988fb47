"""What the trust formula is fed: only verified followers and verified iDs count (docs/trust.md)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import Follow
from profiles.models import Author
from profiles.selectors import authors_trust_inputs
from profiles.services import authors_refresh_trust
from tests.papers.builders import make_author

pytestmark = pytest.mark.django_db


def _follower(django_user_model, name: str, *, verified: bool):
    user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw")
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    return user


def test_throwaway_unverified_followers_do_not_raise_trust(django_user_model):
    author = make_author("Followed Person")
    authors_refresh_trust(author_ids=[author.pk])
    before = Author.objects.get(pk=author.pk).trust_score
    for index in range(5):
        Follow.objects.create(
            user=_follower(django_user_model, f"throwaway{index}", verified=False), author=author
        )
    authors_refresh_trust(author_ids=[author.pk])
    assert Author.objects.get(pk=author.pk).trust_score == before
    Follow.objects.create(user=_follower(django_user_model, "real", verified=True), author=author)
    authors_refresh_trust(author_ids=[author.pk])
    stored = Author.objects.get(pk=author.pk)
    assert stored.trust_score == before + 2
    followers = next(c for c in stored.trust_breakdown["components"] if c["key"] == "followers")
    assert followers["detail"] == "1 verified follower"


def test_a_follower_who_verifies_later_starts_to_count(
    client, django_user_model, django_capture_on_commit_callbacks
):
    author = make_author("Followed Person")
    user = _follower(django_user_model, "late", verified=False)
    Follow.objects.create(user=user, author=author)
    authors_refresh_trust(author_ids=[author.pk])
    before = Author.objects.get(pk=author.pk).trust_score
    address = EmailAddress.objects.get(user=user)
    confirmation_key = _confirmation_key(address)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_confirm_email", args=[confirmation_key]))
    assert EmailAddress.objects.get(pk=address.pk).verified
    assert Author.objects.get(pk=author.pk).trust_score == before + 2


def _confirmation_key(address) -> str:
    from allauth.account.models import EmailConfirmationHMAC

    return EmailConfirmationHMAC(address).key


@pytest.mark.parametrize(("source", "counted"), [("import", True), ("admin", True), ("owner", False)])
def test_the_orcid_field_counts_only_when_it_did_not_come_from_the_owner(source, counted):
    author = make_author("Orcid Person")
    Author.objects.filter(pk=author.pk).update(orcid="0000-0002-1825-0097", orcid_source=source)
    inputs = authors_trust_inputs(author_ids=[author.pk])[author.pk]
    assert inputs.orcid_source == source
    authors_refresh_trust(author_ids=[author.pk])
    completeness = next(
        c
        for c in Author.objects.get(pk=author.pk).trust_breakdown["components"]
        if c["key"] == "completeness"
    )
    assert completeness["points"] == (3 if counted else 0)


def test_refresh_trust_stores_a_score_for_every_author_without_one():
    from io import StringIO

    from django.core.management import call_command

    from tests.papers.builders import make_paper

    first, second = make_author("First Loaded"), make_author("Second Loaded")
    make_paper("A bulk-loaded paper", authors=[first, second], year=2021)
    Author.objects.update(trust_score=None, trust_breakdown={})
    out = StringIO()
    call_command("refresh_trust", stdout=out)
    stored = {author.pk: author for author in Author.objects.all()}
    assert all(author.trust_score is not None for author in stored.values())
    works = next(c for c in stored[first.pk].trust_breakdown["components"] if c["key"] == "publications")
    assert works["points"] > 0
    assert "refresh_trust: 2 authors" in out.getvalue()
