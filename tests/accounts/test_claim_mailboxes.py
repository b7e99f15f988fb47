"""One mailbox, one claim: plus-addresses and gmail dots do not make a second claimant."""

from __future__ import annotations

import threading

import pytest
from allauth.account.models import EmailAddress
from django.db import connection, transaction
from django.urls import reverse

from accounts.mailboxes import address_at_domain, mailbox_key
from accounts.models import Claim
from accounts.services import Conflict, claim_create
from tests.accounts.conftest import make_author

EVIDENCE = {"evidence_text": "These are my papers."}


def user_with(django_user_model, name: str, address: str):
    user = django_user_model.objects.create_user(name, address, f"{name}-password")
    EmailAddress.objects.create(user=user, email=address, verified=True, primary=True)
    return user


@pytest.mark.parametrize(
    ("address", "mailbox"),
    [
        ("alice@uni.edu", "alice@uni.edu"),
        ("Alice+Profiles@Uni.EDU", "alice@uni.edu"),
        ("alice+a+b@uni.edu", "alice@uni.edu"),
        ("a.l.i.c.e+x@googlemail.com", "alice@gmail.com"),
        ("a.lice@uni.edu", "a.lice@uni.edu"),  # dots matter outside gmail
        ("+tag@uni.edu", "+tag@uni.edu"),
    ],
)
def test_mailbox_key(address, mailbox):
    assert mailbox_key(address) == mailbox


def test_address_at_domain_includes_subdomains_only():
    assert address_at_domain("grace@cs.example.edu", "example.edu")
    assert address_at_domain("grace@Example.edu", "example.edu")
    assert not address_at_domain("grace@notexample.edu", "example.edu")
    assert not address_at_domain("grace@example.edu", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("alice@uni.edu", "alice+x@uni.edu"),
        ("alice+x@uni.edu", "ALICE@uni.edu"),
        ("alice.smith@gmail.com", "alicesmith+p2@googlemail.com"),
    ],
)
def test_a_second_account_on_the_same_mailbox_cannot_claim(client, django_user_model, first, second):
    holder = user_with(django_user_model, "holder", first)
    client.force_login(holder)
    client.post(reverse("accounts:claim", args=[make_author("Alice Smith").slug]), EVIDENCE)
    assert Claim.objects.get(user=holder).status == "pending"

    sock_puppet = user_with(django_user_model, "puppet", second)
    client.force_login(sock_puppet)
    response = client.post(reverse("accounts:claim", args=[make_author("Bob Jones").slug]), EVIDENCE)
    assert response.status_code == 409
    assert b"One mailbox can claim one profile" in response.content
    assert not Claim.objects.filter(user=sock_puppet).exists()

    # Once the holder withdraws, the mailbox is free for one claim again.
    Claim.objects.filter(user=holder).update(status=Claim.Status.WITHDRAWN)
    response = client.post(reverse("accounts:claim", args=[make_author("Carol Jones").slug]), EVIDENCE)
    assert response.status_code == 302 and Claim.objects.filter(user=sock_puppet).exists()


@pytest.mark.django_db
def test_an_owner_mailbox_blocks_claims_and_other_mailboxes_do_not(client, django_user_model):
    owner = user_with(django_user_model, "owner", "alice@uni.edu")
    make_author("Alice Smith", claimed_by=owner, verification_level=2)
    api = client
    api.force_login(user_with(django_user_model, "puppet", "alice+new@uni.edu"))
    assert api.post(reverse("accounts:claim", args=[make_author("Bob").slug]), EVIDENCE).status_code == 409
    api.force_login(user_with(django_user_model, "namesake", "alice2@uni.edu"))
    assert api.post(reverse("accounts:claim", args=[make_author("Carol").slug]), EVIDENCE).status_code == 302


@pytest.mark.django_db
def test_the_api_gives_the_same_clear_conflict(django_user_model):
    from rest_framework.test import APIClient

    holder = user_with(django_user_model, "holder", "alice@uni.edu")
    Claim.objects.create(user=holder, author=make_author("Alice Smith"), evidence_text="me")
    api = APIClient()
    api.force_authenticate(user_with(django_user_model, "puppet", "alice+x@uni.edu"))
    response = api.post(f"/api/v1/authors/{make_author('Bob').slug}/claims/", EVIDENCE, format="json")
    assert response.status_code == 409
    assert "One mailbox can claim one profile" in response.json()["message"]


@pytest.mark.django_db(transaction=True)
def test_two_accounts_on_one_mailbox_claiming_at_once_get_one_claim(django_user_model):
    """The second claimant waits for the first one's transaction, then sees its claim."""
    first = user_with(django_user_model, "first", "alice@uni.edu")
    second = user_with(django_user_model, "second", "alice+x@uni.edu")
    one, two = make_author("Alice Smith"), make_author("Bob Jones")
    first_holds_lock = threading.Event()
    outcome: dict[str, object] = {}

    def first_claims():
        try:
            with transaction.atomic():
                claim_create(user=first, author=one, evidence_text="me")
                first_holds_lock.set()
                threading.Event().wait(0.5)  # still uncommitted while the second one tries
        finally:
            first_holds_lock.set()
            connection.close()

    def second_claims():
        first_holds_lock.wait(10)
        try:
            claim_create(user=second, author=two, evidence_text="me")
            outcome["second"] = "created"
        except Conflict as error:
            outcome["second"] = error.message
        finally:
            connection.close()

    threads = [threading.Thread(target=first_claims), threading.Thread(target=second_claims)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert "One mailbox can claim one profile" in str(outcome["second"])
    assert list(Claim.objects.values_list("user__username", flat=True)) == ["first"]
