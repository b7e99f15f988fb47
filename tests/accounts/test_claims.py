"""Claiming a profile: evidence, automatic approval, the admin queue, emails and the trust snapshot."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.urls import reverse

from accounts.models import Claim
from papers.models import Authorship, Paper
from profiles.models import Author, Institution
from tests.accounts.conftest import make_author, make_user

pytestmark = pytest.mark.django_db

CLAIM_URL = "accounts:claim"
EVIDENCE = {"evidence_text": "I wrote these papers.", "evidence_homepage": "https://example.org/grace"}


def _claim(client, author, data=None):
    return client.post(reverse(CLAIM_URL, args=[author.slug]), data or EVIDENCE)


def _with_papers(author: Author, count: int) -> Author:
    for index in range(count):
        paper = Paper.objects.create(slug=f"{author.slug}-paper-{index}", title=f"Paper {index}", year=2020)
        Authorship.objects.create(paper=paper, author=author, position=0, name_as_written=author.display_name)
    return author


def test_a_claim_with_evidence_waits_for_review_and_both_sides_are_told(
    client, django_user_model, staff, django_capture_on_commit_callbacks
):
    grace = make_user(django_user_model, "grace")
    author = make_author("Grace Hopper")
    client.force_login(grace)
    with django_capture_on_commit_callbacks(execute=True):
        response = _claim(client, author)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:claims")
    claim = Claim.objects.get(user=grace, author=author)
    assert claim.status == "pending" and claim.evidence_homepage == "https://example.org/grace"
    author.refresh_from_db()
    assert author.claimed_by is None and author.verification_level == 1

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert "We received your claim for Grace Hopper" in subjects["grace@example.org"]
    assert "New claim to review: Grace Hopper" in subjects["staff@example.org"]
    assert "Pending" in client.get(reverse("accounts:claims")).content.decode()
    assert "Your claim is waiting" in client.get(author.get_absolute_url()).content.decode()


def test_a_claim_needs_some_evidence(client, django_user_model):
    client.force_login(make_user(django_user_model, "grace"))
    author = make_author("Grace Hopper")
    response = _claim(client, author, {"evidence_text": ""})
    assert response.status_code == 400
    assert b"at least one piece of evidence" in response.content
    assert not Claim.objects.exists()


def test_an_address_at_the_institution_domain_is_evidence_for_the_reviewer_not_an_approval(
    client, django_user_model, staff, django_capture_on_commit_callbacks
):
    """Any student or colleague has a mailbox at the domain: it proves affiliation, not identity."""
    institution = Institution.objects.create(
        name="Example University", slug="example", email_domain="example.edu"
    )
    author = make_author("Grace Hopper", institution=institution)
    colleague = make_user(django_user_model, "colleague")
    EmailAddress.objects.create(user=colleague, email="colleague@cs.example.edu", verified=True)
    client.force_login(colleague)
    with django_capture_on_commit_callbacks(execute=True):
        response = _claim(client, author, {"evidence_text": ""})
    assert response["Location"] == reverse("accounts:claims")
    author.refresh_from_db()
    assert author.claimed_by is None and author.verification_level == Author.Verification.IMPORTED
    claim = Claim.objects.get(user=colleague)
    assert claim.status == "pending" and claim.evidence_email == "colleague@cs.example.edu"
    to_staff = [message for message in mail.outbox if message.to == ["staff@example.org"]]
    assert "email at institution domain example.edu" in to_staff[0].body

    client.force_login(staff)
    queue = client.get(reverse("admin:accounts_claim_changelist")).content.decode()
    assert "email at institution domain example.edu" in queue
    detail = client.get(reverse("admin:accounts_claim_change", args=[claim.pk])).content.decode()
    assert "email at institution domain example.edu" in detail


def test_an_unverified_institution_address_is_not_strong_evidence(client, django_user_model):
    institution = Institution.objects.create(
        name="Example University", slug="example", email_domain="example.edu"
    )
    author = make_author("Grace Hopper", institution=institution)
    grace = make_user(django_user_model, "grace")
    EmailAddress.objects.create(user=grace, email="grace@example.edu", verified=False)
    client.force_login(grace)
    _claim(client, author)
    assert Claim.objects.get(user=grace).status == "pending"


@pytest.mark.parametrize("source", ["import", "admin"])
def test_signing_in_with_the_records_orcid_approves_at_l3(client, django_user_model, source):
    author = make_author("Grace Hopper", orcid="0000-0002-1825-0097", orcid_source=source)
    grace = make_user(django_user_model, "grace")
    SocialAccount.objects.create(user=grace, provider="orcid", uid="0000-0002-1825-0097")
    client.force_login(grace)
    _claim(client, author, {"evidence_text": ""})
    author.refresh_from_db()
    assert author.claimed_by == grace and author.verification_level == Author.Verification.VERIFIED


@pytest.mark.parametrize("source", ["owner", ""])
def test_an_orcid_typed_by_an_owner_or_of_unknown_origin_does_not_approve(client, django_user_model, source):
    """A former owner typed their own iD on the record: signing in with it must not win it back."""
    author = make_author("Grace Hopper", orcid="0000-0002-1825-0097", orcid_source=source)
    mallory = make_user(django_user_model, "mallory")
    SocialAccount.objects.create(user=mallory, provider="orcid", uid="0000-0002-1825-0097")
    client.force_login(mallory)
    response = _claim(client, author, {"evidence_text": ""})
    assert response.status_code == 400 and b"at least one piece of evidence" in response.content
    _claim(client, author, {"evidence_text": "It is me."})
    author.refresh_from_db()
    assert author.claimed_by is None and Claim.objects.get(user=mallory).status == "pending"


def test_an_orcid_typed_into_the_form_only_helps_the_reviewer(client, django_user_model):
    author = make_author("Grace Hopper", orcid="0000-0002-1825-0097")
    client.force_login(make_user(django_user_model, "grace"))
    _claim(client, author, {"evidence_orcid": "https://orcid.org/0000-0002-1825-0097"})
    claim = Claim.objects.get()
    assert claim.status == "pending" and claim.evidence_orcid == "0000-0002-1825-0097"
    client.force_login(make_user(django_user_model, "typo"))
    bad = _claim(client, make_author("Other Person"), {"evidence_orcid": "0000-0002-1825-0098"})
    assert b"checksum" in bad.content


def test_an_account_claims_one_profile_and_can_withdraw_a_pending_claim(client, django_user_model):
    grace = make_user(django_user_model, "grace")
    first, second = make_author("Grace Hopper"), make_author("G Hopper")
    client.force_login(grace)
    _claim(client, first)
    refused = _claim(client, second)
    assert refused.status_code == 409 and b"still pending" in refused.content

    claim = Claim.objects.get(author=first)
    client.post(reverse("accounts:claim_withdraw", args=[claim.pk]))
    assert Claim.objects.get(pk=claim.pk).status == "withdrawn"
    assert _claim(client, second).status_code == 302

    Claim.objects.filter(author=second).update(status="approved")
    Author.objects.filter(pk=second.pk).update(claimed_by=grace)
    refused = _claim(client, make_author("Third Person"))
    assert refused.status_code == 409 and b"one profile" in refused.content


def test_competing_claims_are_flagged_and_the_losers_are_told_why(
    client, django_user_model, staff, django_capture_on_commit_callbacks
):
    author = make_author("Grace Hopper")
    claimants = [make_user(django_user_model, name) for name in ("grace", "impostor")]
    for claimant in claimants:
        client.force_login(claimant)
        _claim(client, author)
    client.force_login(staff)
    queue = client.get(reverse("admin:accounts_claim_changelist")).content.decode()
    assert queue.count("1 other pending") == 2

    winner = Claim.objects.get(user=claimants[0])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:accounts_claim_changelist"),
            {"action": "approve_claims", "_selected_action": [winner.pk]},
        )
    loser = Claim.objects.get(user=claimants[1])
    assert Claim.objects.get(pk=winner.pk).status == "approved"
    assert (
        loser.status == "rejected" and loser.decision_reason == "Another claim for this profile was approved."
    )
    to_loser = [message for message in mail.outbox if message.to == ["impostor@example.org"]]
    assert "Another claim for this profile was approved." in to_loser[0].body


def test_staff_reject_with_a_reason_the_claimant_reads(
    client, django_user_model, staff, django_capture_on_commit_callbacks
):
    author = make_author("Grace Hopper")
    grace = make_user(django_user_model, "grace")
    client.force_login(grace)
    _claim(client, author)
    claim = Claim.objects.get()
    changelist = reverse("admin:accounts_claim_changelist")
    client.force_login(staff)

    form = client.post(changelist, {"action": "reject_claims", "_selected_action": [claim.pk]})
    assert form.status_code == 200 and b"Reject with this reason" in form.content
    blank = client.post(
        changelist, {"action": "reject_claims", "_selected_action": [claim.pk], "apply": "1", "reason": ""}
    )
    assert blank.status_code == 200 and Claim.objects.get().status == "pending"

    mail.outbox.clear()
    reason = "The homepage lists a different Grace Hopper."
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            changelist,
            {"action": "reject_claims", "_selected_action": [claim.pk], "apply": "1", "reason": reason},
        )
    assert done.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "rejected" and claim.reviewer == staff and claim.decision_reason == reason
    assert reason in mail.outbox[0].body and mail.outbox[0].to == ["grace@example.org"]
    client.force_login(grace)
    assert reason in client.get(reverse("accounts:claims")).content.decode()
    assert reason in client.get(author.get_absolute_url()).content.decode()


def test_admin_cannot_approve_by_editing_the_status_field(client, django_user_model, staff):
    claim = Claim.objects.create(
        user=make_user(django_user_model, "grace"), author=make_author("Grace Hopper")
    )
    client.force_login(staff)
    url = reverse("admin:accounts_claim_change", args=[claim.pk])
    client.post(url, {"user": claim.user_id, "author": claim.author_id, "status": "approved"})
    claim.refresh_from_db()
    assert claim.status == "pending"
    assert claim.author.claimed_by is None


def test_approval_marks_the_profile_claimed_and_raises_its_trust_score(
    client, django_user_model, staff, django_capture_on_commit_callbacks
):
    from profiles.services import authors_refresh_counts

    author = _with_papers(make_author("Grace Hopper"), 3)
    authors_refresh_counts(author_ids=[author.pk])
    author.refresh_from_db()
    before = author.trust_score
    grace = make_user(django_user_model, "grace")
    client.force_login(grace)
    with django_capture_on_commit_callbacks(execute=True):
        _claim(client, author)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:accounts_claim_changelist"),
            {"action": "approve_claims_identity_verified", "_selected_action": [Claim.objects.get().pk]},
        )
    author.refresh_from_db()
    assert author.claimed_by == grace and author.verification_level == Author.Verification.VERIFIED
    assert author.trust_score > before
    client.logout()
    page = client.get(author.get_absolute_url()).content.decode()
    assert "Claimed" in page and "Invite to collaborate" not in page  # anonymous: log in first
    assert "to invite this researcher" in page


def test_the_owner_edits_the_profile(client, django_user_model):
    grace = make_user(django_user_model, "grace")
    author = make_author("Grace Hopper", claimed_by=grace, verification_level=2)
    client.force_login(grace)
    url = reverse("accounts:author_edit", args=[author.slug])
    assert "Grace Hopper" in client.get(url).content.decode()
    bad = client.post(url, {"orcid": "1234", "bio": "x"})
    assert bad.status_code == 200 and b"checksum" in bad.content
    client.post(
        url,
        {
            "role": "Rear admiral",
            "affiliation": "Yale University",
            "bio": "Compilers.",
            "homepage": "https://example.org/grace",
            "orcid": "0000-0002-1825-0097",
            "open_to_collaborate": "on",
        },
    )
    author.refresh_from_db()
    assert author.institution.name == "Yale University" and author.orcid == "0000-0002-1825-0097"
    assert author.orcid_source == "owner"  # the owner's word, not proof of identity
    assert "(self-reported)" in client.get(author.get_absolute_url()).content.decode()
    assert author.open_to_collaborate and author.bio == "Compilers." and author.role == "Rear admiral"


def test_an_owner_saving_the_imported_orcid_unchanged_keeps_its_source(client, django_user_model):
    grace = make_user(django_user_model, "grace")
    author = make_author(
        "Grace Hopper",
        claimed_by=grace,
        verification_level=2,
        orcid="0000-0002-1825-0097",
        orcid_source="import",
    )
    client.force_login(grace)
    url = reverse("accounts:author_edit", args=[author.slug])
    client.post(url, {"bio": "Compilers.", "orcid": "0000-0002-1825-0097"})
    author.refresh_from_db()
    assert author.bio == "Compilers." and author.orcid_source == "import"
    page = client.get(author.get_absolute_url()).content.decode()
    assert "orcid.org/0000-0002-1825-0097" in page and "(self-reported)" not in page
    client.post(url, {"bio": "Compilers.", "orcid": ""})
    author.refresh_from_db()
    assert author.orcid == "" and author.orcid_source == ""


def test_the_orcid_provider_is_installed_only_when_its_keys_are_set():
    from django.conf import settings

    assert "allauth.socialaccount.providers.orcid" not in settings.INSTALLED_APPS
    env = {**os.environ, "ORCID_CLIENT_ID": "APP-TEST", "ORCID_SECRET": "not-secret"}
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print('allauth.socialaccount.providers.orcid' in settings.INSTALLED_APPS, "
        "settings.SOCIALACCOUNT_PROVIDERS['orcid']['APPS'][0]['client_id'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings_test"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "APP-TEST"]


def test_the_owner_asks_to_remove_a_paper_and_the_edit_page_stays_cheap(
    client, django_user_model, django_assert_max_num_queries
):
    from curation.models import CurationItem

    grace = make_user(django_user_model, "grace")
    author = _with_papers(make_author("Grace Hopper", claimed_by=grace, verification_level=2), 200)
    client.force_login(grace)
    url = reverse("accounts:author_edit", args=[author.slug])
    with django_assert_max_num_queries(8):
        page = client.get(url).content.decode()
    assert "Papers on your profile" in page and "Page 1 of 10" in page
    paper = Paper.objects.get(slug=f"{author.slug}-paper-0")
    response = client.post(
        reverse("accounts:paper_disown", args=[author.slug, paper.slug]),
        {"reason": "A namesake wrote it", "next": url},
    )
    assert response["Location"] == url
    item = CurationItem.objects.get(kind="disowned")
    assert item.paper == paper and item.details["reason"] == "A namesake wrote it"
    assert Authorship.objects.filter(paper=paper, author=author).exists()  # nothing removed before review
    assert "Review requested" in client.get(url).content.decode()  # "Paper 0" sorts first
