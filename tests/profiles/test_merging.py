"""Curating identity: merge, "different people", split and disown, each logged and reversible."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Claim, Conversation, Follow
from curation.models import CurationItem
from graph.models import CollaboratorEdge
from identity.models import AuthorIdentityLog, DistinctAuthorPair, IdentityDecision
from identity.services import (
    IdentityError,
    author_create,
    author_merge,
    author_merge_undo,
    author_split,
    author_split_undo,
    authors_mark_different,
    authors_mark_different_undo,
    paper_disown,
)
from identity.services_resolve import duplicate_propose
from ingest.models import ImportBatch
from papers.models import Authorship, Paper
from profiles.models import Author
from tests.profiles.identity_helpers import fast_embedder, import_records, make_paper, record  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_embedder")]


@pytest.fixture
def world(alice, bob):
    """Two profiles of one researcher, with papers, a shared paper, followers, a claim and more."""
    kept = author_create(name="Tatsunori B. Hashimoto")
    dropped = author_create(name="Tatsunori Hashimoto")
    percy, esin, faisal = (
        author_create(name=name) for name in ("Percy Liang", "Esin Durmus", "Faisal Ladhak")
    )
    papers = {
        "kept": make_paper("AlpacaFarm", [percy, kept]),
        "dropped": make_paper("Spurious Correlations", [esin, faisal, dropped]),
        # A listing credited the paper to one; its author list names the other.
        "both": make_paper("Data Feedback Loops", [dropped], placeholder=kept),
    }
    Follow.objects.create(user=alice, author=kept)
    Follow.objects.create(user=alice, author=dropped)
    Follow.objects.create(user=bob, author=dropped)
    claim = Claim.objects.create(user=bob, author=dropped, evidence_text="that is me")
    conversation = Conversation.objects.create(
        initiator=alice, author=dropped, recipient=bob, subject="Collaborate?"
    )
    batch = ImportBatch.objects.create(original_name="listing.txt", checksum="0" * 64, subject_author=dropped)
    item = duplicate_propose(
        author_id=dropped.pk, other_id=kept.pk, evidence={"score": 0.45, "reasons": ["x"]}
    )
    return {
        "kept": kept,
        "dropped": dropped,
        "papers": papers,
        "coauthors": [percy, esin, faisal],
        "claim": claim,
        "conversation": conversation,
        "batch": batch,
        "item": item,
    }


def _titles(author: Author) -> set[str]:
    return set(Paper.objects.filter(authorships__author=author).values_list("title", flat=True))


def test_merge_moves_everything_and_the_old_address_redirects_permanently(
    client, staff, alice, bob, world, django_capture_on_commit_callbacks
):
    kept, dropped = world["kept"], world["dropped"]
    with django_capture_on_commit_callbacks(execute=True):
        log = author_merge(survivor=kept, merged=dropped, actor=staff, reason="same person")

    response = client.get(dropped.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == kept.get_absolute_url()
    page = client.get(kept.get_absolute_url()).content.decode()
    assert "Spurious Correlations" in page and "AlpacaFarm" in page
    assert _titles(kept) == {"AlpacaFarm", "Spurious Correlations", "Data Feedback Loops"}
    shared = world["papers"]["both"].authorships.get()  # one authorship: the listed one, not the placeholder
    assert shared.author == kept and not shared.from_subject
    assert {"Tatsunori Hashimoto", "Tatsunori B. Hashimoto"} <= set(
        kept.aliases.values_list("name", flat=True)
    )
    assert set(Follow.objects.filter(author=kept).values_list("user__username", flat=True)) == {
        "alice",
        "bob",
    }
    assert not Follow.objects.filter(author=dropped).exists()
    world["claim"].refresh_from_db()
    world["conversation"].refresh_from_db()
    assert world["claim"].author == kept and world["conversation"].author == kept
    assert ImportBatch.objects.get(pk=world["batch"].pk).subject_author == kept

    kept.refresh_from_db()
    assert (kept.work_count, kept.follower_count) == (3, 2)
    assert not CollaboratorEdge.objects.filter(author_low=dropped).exists()
    assert not CollaboratorEdge.objects.filter(author_high=dropped).exists()
    esin = world["coauthors"][1]
    assert CollaboratorEdge.objects.filter(
        author_low_id=min(esin.pk, kept.pk), author_high_id=max(esin.pk, kept.pk)
    )

    world["item"].refresh_from_db()
    assert world["item"].status == CurationItem.Status.RESOLVED
    assert (log.action, log.actor, log.automatic, log.author, log.other_author) == (
        "merge",
        staff,
        False,
        kept,
        dropped,
    )


def test_undoing_a_merge_gives_everything_back_and_keeps_them_apart(
    client, staff, world, django_capture_on_commit_callbacks
):
    kept, dropped = world["kept"], world["dropped"]
    before = {"kept": _titles(kept), "dropped": _titles(dropped)}
    with django_capture_on_commit_callbacks(execute=True):
        log = author_merge(survivor=kept, merged=dropped, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        undo = author_merge_undo(log=log, actor=staff)

    assert client.get(dropped.get_absolute_url()).status_code == 200
    assert {"kept": _titles(kept), "dropped": _titles(dropped)} == before
    placeholder = Authorship.objects.get(paper=world["papers"]["both"], author=kept)
    assert placeholder.from_subject  # the listing's credit, removed by the merge, is back
    assert set(dropped.aliases.values_list("name", flat=True)) == {"Tatsunori Hashimoto"}
    assert set(Follow.objects.filter(author=dropped).values_list("user__username", flat=True)) == {
        "alice",
        "bob",
    }
    assert Follow.objects.filter(author=kept).count() == 1
    assert Claim.objects.get(pk=world["claim"].pk).author == dropped
    assert Conversation.objects.get(pk=world["conversation"].pk).author == dropped
    assert ImportBatch.objects.get(pk=world["batch"].pk).subject_author == dropped
    dropped.refresh_from_db()
    assert dropped.merged_into is None and dropped.follower_count == 2 and dropped.work_count == 2

    log.refresh_from_db()
    assert log.undone_at is not None and log.undone_by == staff
    assert undo.action == "merge_undo" and undo.undo_of == log
    # Undone means "these are two people": the pair is remembered and not merged again, and the
    # "possible same person" item the merge answered is now answered "no", with both steps audited.
    assert DistinctAuthorPair.objects.filter(author_low=kept, author_high=dropped).exists()
    world["item"].refresh_from_db()
    assert world["item"].status == CurationItem.Status.DISMISSED and world["item"].resolved_by == staff
    assert list(world["item"].events.values_list("action", flat=True)) == [
        "opened",
        "resolved",
        "reopened",
        "dismissed",
    ]
    with pytest.raises(IdentityError, match="different people"):
        author_merge(survivor=kept, merged=dropped)
    with pytest.raises(IdentityError):
        author_merge_undo(log=log)


def test_merge_refuses_two_profiles_claimed_by_different_users(alice, bob):
    first, second = author_create(name="Ada Lovelace"), author_create(name="Ada Lovelace")
    Author.objects.filter(pk=first.pk).update(claimed_by=alice)
    Author.objects.filter(pk=second.pk).update(claimed_by=bob)
    with pytest.raises(IdentityError, match="claimed"):
        author_merge(survivor=Author.objects.get(pk=first.pk), merged=Author.objects.get(pk=second.pk))
    assert not AuthorIdentityLog.objects.exists()


def test_different_people_is_remembered_and_can_be_undone(staff, world):
    kept, dropped, item = world["kept"], world["dropped"], world["item"]
    log = authors_mark_different(author=dropped, other=kept, actor=staff, reason="two people")

    item.refresh_from_db()
    assert item.status == CurationItem.Status.DISMISSED and item.resolved_by == staff
    assert duplicate_propose(author_id=kept.pk, other_id=dropped.pk, evidence={}) is None

    authors_mark_different_undo(log=log, actor=staff)
    item.refresh_from_db()
    assert item.status == CurationItem.Status.OPEN
    assert not DistinctAuthorPair.objects.exists()


def test_split_moves_chosen_papers_to_a_new_author_and_undo_brings_them_back(
    client, staff, world, django_capture_on_commit_callbacks
):
    kept = world["kept"]
    extra = make_paper("Protein folding kinetics", [kept])
    extra.authorships.update(name_as_written="T. Hashimoto")
    chosen = list(Authorship.objects.filter(paper__in=[extra, world["papers"]["kept"]], author=kept))

    with django_capture_on_commit_callbacks(execute=True):
        log = author_split(
            author=kept, authorship_ids=[a.pk for a in chosen], actor=staff, new_name="Takeshi Hashimoto"
        )
    new = log.other_author
    assert new.display_name == "Takeshi Hashimoto" and log.data["target_created"]
    assert _titles(new) == {"Protein folding kinetics", "AlpacaFarm"}
    assert _titles(kept) == {"Data Feedback Loops"}
    assert "T. Hashimoto" in set(new.aliases.values_list("name", flat=True))
    assert DistinctAuthorPair.objects.filter(author_low=kept, author_high=new).exists()
    assert Author.objects.get(pk=new.pk).work_count == 2
    assert "Protein folding kinetics" in client.get(new.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        author_split_undo(log=log, actor=staff)
    assert _titles(kept) == {"Data Feedback Loops", "AlpacaFarm", "Protein folding kinetics"}
    assert not DistinctAuthorPair.objects.exists()
    response = client.get(new.get_absolute_url())  # the emptied author leads back to the source
    assert response.status_code == 301 and response["Location"] == kept.get_absolute_url()
    assert Author.objects.get(pk=kept.pk).work_count == 3


def test_split_to_an_existing_author_refuses_a_paper_they_already_have(world):
    kept, dropped = world["kept"], world["dropped"]
    shared = Authorship.objects.get(paper=world["papers"]["both"], author=kept)
    with pytest.raises(IdentityError, match="already an author"):
        author_split(author=kept, authorship_ids=[shared.pk], target=dropped)
    mine = Authorship.objects.get(paper=world["papers"]["kept"], author=kept)
    with pytest.raises(IdentityError, match="another author"):
        author_split(author=dropped, authorship_ids=[mine.pk], target=kept)
    log = author_split(author=kept, authorship_ids=[mine.pk], target=dropped)
    assert not log.data["target_created"] and "AlpacaFarm" in _titles(dropped)


# --- disown: the claimed researcher says "not mine" ------------------------------------------------


def _disown_url(author: Author, paper: Paper) -> str:
    return reverse("accounts:paper_disown", kwargs={"slug": author.slug, "paper_slug": paper.slug})


def test_the_claimed_researcher_disowns_a_paper_and_an_admin_decides(client, alice, bob, staff, world):
    kept, paper = world["kept"], world["papers"]["kept"]
    Author.objects.filter(pk=kept.pk).update(claimed_by=alice)
    url = _disown_url(kept, paper)

    assert client.post(url).status_code == 302 and "/login" in client.post(url)["Location"]  # anonymous
    client.force_login(bob)
    assert client.post(url, {"reason": "not me"}).status_code == 403
    client.force_login(alice)
    assert client.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(url, {"reason": "no token"}).status_code == 403

    # The profile's "Not mine" button posts here with the profile as the page to return to.
    response = client.post(url, {"reason": "I never worked on this", "next": kept.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == kept.get_absolute_url()
    client.post(url, {"reason": "again"})
    item = CurationItem.objects.get(kind=CurationItem.Kind.DISOWNED_PAPER)  # one item, however often
    assert (item.author, item.paper, item.status) == (kept, paper, CurationItem.Status.OPEN)
    assert item.details["reason"] == "I never worked on this"
    assert Authorship.objects.filter(author=kept, paper=paper).exists()  # nothing deleted
    assert AuthorIdentityLog.objects.filter(action="disown", actor=alice).count() == 1

    # The admin accepts: the paper moves to a new author; the decision can be undone.
    client.force_login(staff)
    decide = reverse("admin:curation_curationitem_identity", args=[item.pk, "accept_disown"])
    assert client.post(decide).status_code == 302
    item.refresh_from_db()
    assert item.status == CurationItem.Status.RESOLVED
    assert "AlpacaFarm" not in _titles(kept)
    split = AuthorIdentityLog.objects.get(action="split")
    assert split.other_author.display_name == "Tatsunori B. Hashimoto" and split.actor == staff
    author_split_undo(log=split, actor=staff)
    assert "AlpacaFarm" in _titles(kept)
    assert CurationItem.objects.get(pk=item.pk).status == CurationItem.Status.OPEN


def test_the_not_mine_button_shows_only_to_the_researcher_who_claimed_the_profile(client, alice, bob, world):
    kept, paper = world["kept"], world["papers"]["kept"]
    Author.objects.filter(pk=kept.pk).update(claimed_by=alice)
    assert _disown_url(kept, paper) not in client.get(kept.get_absolute_url()).content.decode()
    client.force_login(bob)
    assert _disown_url(kept, paper) not in client.get(kept.get_absolute_url()).content.decode()
    client.force_login(alice)
    page = client.get(kept.get_absolute_url()).content.decode()
    assert _disown_url(kept, paper) in page and "Not mine" in page
    assert f'name="next" value="{kept.get_absolute_url()}"' in page
    # The old address (no trailing slash) has no view of its own: it redirects to the one endpoint.
    old = client.post(f"/authors/{kept.slug}/papers/{paper.slug}/disown", {"reason": "old form"})
    assert old.status_code == 301 and old["Location"] == _disown_url(kept, paper)
    assert not CurationItem.objects.filter(kind=CurationItem.Kind.DISOWNED_PAPER).exists()


def test_only_papers_on_the_profile_can_be_disowned(alice, world):
    kept = world["kept"]
    Author.objects.filter(pk=kept.pk).update(claimed_by=alice)
    with pytest.raises(IdentityError, match="not on this profile"):
        paper_disown(author=Author.objects.get(pk=kept.pk), paper=world["papers"]["dropped"], user=alice)


# --- the admin -----------------------------------------------------------------------------------


def test_admin_lists_duplicates_side_by_side_and_merges_in_one_click(
    client, staff, world, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    item = world["item"]
    page = client.get(reverse("admin:curation_curationitem_change", args=[item.pk])).content.decode()
    assert "side by side" in page.lower()
    for text in ("Tatsunori B. Hashimoto", "Spurious Correlations", "Esin Durmus", "Merge: same person"):
        assert text in page, text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:curation_curationitem_identity", args=[item.pk, "merge"]))
    assert response.status_code == 302
    world["dropped"].refresh_from_db()
    assert world["dropped"].merged_into == world["kept"]  # the older profile survives
    # The item's page shows its history: who answered it and how.
    page = client.get(reverse("admin:curation_curationitem_change", args=[item.pk])).content.decode()
    history = page[page.lower().index("curation events") :]
    assert "Opened" in history and "Resolved" in history and "merged by an admin" in history

    log = AuthorIdentityLog.objects.get(action="merge")
    response = client.post(
        reverse("admin:identity_authoridentitylog_changelist"),
        {"action": "undo_changes", "_selected_action": [log.pk]},
    )
    assert response.status_code == 302
    assert Author.objects.get(pk=world["dropped"].pk).merged_into is None


def test_admin_actions_need_permission_and_a_post(client, alice, world):
    item = world["item"]
    url = reverse("admin:curation_curationitem_identity", args=[item.pk, "merge"])
    client.force_login(alice)  # not staff
    assert client.post(url).status_code == 302  # to the admin login
    assert Author.objects.get(pk=world["dropped"].pk).merged_into is None


def test_admin_different_people_action_and_split_page(client, staff, world):
    client.force_login(staff)
    response = client.post(
        reverse("admin:curation_curationitem_changelist"),
        {"action": "mark_different_people", "_selected_action": [world["item"].pk]},
    )
    assert response.status_code == 302
    assert DistinctAuthorPair.objects.count() == 1

    kept = world["kept"]
    split_url = reverse("admin:profiles_author_split", args=[kept.pk])
    assert "AlpacaFarm" in client.get(split_url).content.decode()
    mine = Authorship.objects.get(author=kept, paper=world["papers"]["kept"])
    response = client.post(split_url, {"authorships": [mine.pk], "new_name": "Someone Else", "reason": "r"})
    assert response.status_code == 302
    assert _titles(Author.objects.get(display_name="Someone Else")) == {"AlpacaFarm"}


def test_duplicate_list_keeps_a_fixed_number_of_queries(client, staff, django_assert_max_num_queries):
    for index in range(40):
        name = f"Ada Tester{chr(97 + index // 26)}{chr(97 + index % 26)}"  # digits would read as footnotes
        first, second = author_create(name=name), author_create(name=name)
        duplicate_propose(author_id=first.pk, other_id=second.pk, evidence={"score": 0.4})
    client.force_login(staff)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("admin:curation_curationitem_changelist"), {"kind__exact": "duplicate"})
    assert response.status_code == 200 and response.content.decode().count("Ada Testerbn") >= 2


def test_admin_shows_the_audit_log_and_every_automatic_decision(
    client, staff, world, django_capture_on_commit_callbacks
):
    import_records(
        django_capture_on_commit_callbacks, [record("A new paper", ["Percy Liang", "Esin Durmus"])]
    )
    log = author_merge(survivor=world["kept"], merged=world["dropped"], actor=staff, reason="same person")
    client.force_login(staff)
    page = client.get(reverse("admin:identity_authoridentitylog_change", args=[log.pk])).content.decode()
    assert "same person" in page and "Spurious" not in page and "authorships_removed" in page
    listing = client.get(reverse("admin:identity_identitydecision_changelist")).content.decode()
    assert "Percy Liang" in listing and "Matched an existing author" in listing
    decision = IdentityDecision.objects.get(name="Percy Liang")
    page = client.get(reverse("admin:identity_identitydecision_change", args=[decision.pk])).content.decode()
    assert "same full name" in page and "every candidate" in page.lower()


def test_a_merge_carries_the_orcid_with_its_source_and_undo_gives_both_back(staff, world):
    """The iD decides automatic claim approval only by where it came from; a merge must not lose that."""
    kept, dropped = world["kept"], world["dropped"]
    Author.objects.filter(pk=dropped.pk).update(orcid="0000-0002-1825-0097", orcid_source="import")
    dropped.refresh_from_db()
    log = author_merge(survivor=kept, merged=dropped, actor=staff)
    kept.refresh_from_db()
    assert (kept.orcid, kept.orcid_source) == ("0000-0002-1825-0097", "import")
    author_merge_undo(log=log, actor=staff)
    kept.refresh_from_db()
    assert (kept.orcid, kept.orcid_source) == ("", "")
