"""The layout move (issue 13) on a database that holds real data: nothing is lost, nothing breaks.

The database is taken back to the state before the move (claims, follows, conversations and the
identity models in `profiles`, CurationItem in `ingest`), filled through the historical models
with what a running site holds, then migrated to the latest schema and read with today's models.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps as current_apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Claim, Conversation, Follow
from common.models import Outbox
from curation.models import CurationItem
from identity import services as identity_services
from identity.models import AuthorIdentityLog
from profiles.models import Author

NEW_APPS = ("accounts", "identity", "curation")
BEFORE_THE_MOVE = {
    "profiles": "0010_long_institution_names",
    "ingest": "0005_record_warning",
    "common": "0001_outbox",
}
NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)

# Old model (app_label, model_name) → where today's code finds the same table.
TABLES = {
    ("auth", "user"): "auth.User",
    ("auth", "group"): "auth.Group",
    ("profiles", "institution"): "profiles.Institution",
    ("profiles", "author"): "profiles.Author",
    ("profiles", "authoralias"): "profiles.AuthorAlias",
    ("papers", "paper"): "papers.Paper",
    ("papers", "authorship"): "papers.Authorship",
    ("ingest", "importbatch"): "ingest.ImportBatch",
    ("ingest", "importrecord"): "ingest.ImportRecord",
    ("profiles", "claim"): "accounts.Claim",
    ("profiles", "follow"): "accounts.Follow",
    ("profiles", "conversation"): "accounts.Conversation",
    ("profiles", "message"): "accounts.Message",
    ("profiles", "abusereport"): "accounts.AbuseReport",
    ("profiles", "userblock"): "accounts.UserBlock",
    ("profiles", "accountpreferences"): "accounts.AccountPreferences",
    ("profiles", "followdigest"): "accounts.FollowDigest",
    ("profiles", "identitydecision"): "identity.IdentityDecision",
    ("profiles", "authoridentitylog"): "identity.AuthorIdentityLog",
    ("profiles", "distinctauthorpair"): "identity.DistinctAuthorPair",
    ("ingest", "curationitem"): "curation.CurationItem",
    ("common", "outbox"): "common.Outbox",
    ("admin", "logentry"): "admin.LogEntry",
}
# Columns the move rewrites on purpose; each is asserted on its own below.
REWRITTEN = {("profiles", "authoridentitylog"): {"data"}, ("common", "outbox"): {"task_name"}}


def _old_nodes(executor: MigrationExecutor) -> list[tuple[str, str]]:
    leaves = [
        node
        for node in executor.loader.graph.leaf_nodes()
        if node[0] not in NEW_APPS and node[0] not in BEFORE_THE_MOVE
    ]
    return leaves + list(BEFORE_THE_MOVE.items())


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    ContentType.objects.clear_cache()
    return executor


def _latest() -> MigrationExecutor:
    return _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _columns(model, app_label: str, model_name: str) -> list[str]:
    skip = REWRITTEN.get((app_label, model_name), set())
    return [f.attname for f in model._meta.concrete_fields if f.attname not in skip]


def _snapshot(get_model) -> dict[tuple[str, str], list[dict]]:
    """Every row of every table above, as plain values ordered by id."""
    rows = {}
    for (app_label, model_name), label in TABLES.items():
        model = get_model(app_label, model_name, label)
        columns = _columns(model, app_label, model_name)
        rows[(app_label, model_name)] = list(model._default_manager.order_by("pk").values(*columns))
    return rows


def _fill(old) -> dict:
    """What a running site holds, written with the models as they were before the move."""
    User = old.get_model("auth", "User")
    Group = old.get_model("auth", "Group")
    OldContentType = old.get_model("contenttypes", "ContentType")
    OldPermission = old.get_model("auth", "Permission")
    OldLogEntry = old.get_model("admin", "LogEntry")
    Institution = old.get_model("profiles", "Institution")
    OldAuthor = old.get_model("profiles", "Author")
    Alias = old.get_model("profiles", "AuthorAlias")
    Paper = old.get_model("papers", "Paper")
    Authorship = old.get_model("papers", "Authorship")
    Batch = old.get_model("ingest", "ImportBatch")
    Record = old.get_model("ingest", "ImportRecord")
    OldClaim = old.get_model("profiles", "Claim")
    OldFollow = old.get_model("profiles", "Follow")
    OldConversation = old.get_model("profiles", "Conversation")
    Message = old.get_model("profiles", "Message")
    AbuseReport = old.get_model("profiles", "AbuseReport")
    UserBlock = old.get_model("profiles", "UserBlock")
    Preferences = old.get_model("profiles", "AccountPreferences")
    Digest = old.get_model("profiles", "FollowDigest")
    Decision = old.get_model("profiles", "IdentityDecision")
    OldLog = old.get_model("profiles", "AuthorIdentityLog")
    DistinctPair = old.get_model("profiles", "DistinctAuthorPair")
    OldItem = old.get_model("ingest", "CurationItem")
    OldOutbox = old.get_model("common", "Outbox")

    # An old database never saw the new apps' labels; earlier test runs may have left some.
    OldContentType.objects.filter(app_label__in=NEW_APPS).delete()

    def user(name: str, **extra):
        return User.objects.create(username=name, email=f"{name}@example.org", password="!", **extra)

    alice, bob, carol = user("alice"), user("bob"), user("carol")
    staff = user("staff", is_staff=True)
    moderator = user("moderator", is_staff=True)
    cambridge = Institution.objects.create(name="University of Cambridge", slug="cambridge")
    survivor = OldAuthor.objects.create(
        display_name="Ada Lovelace",
        slug="ada-lovelace",
        normalized_name="ada lovelace",
        institution=cambridge,
    )
    merged = OldAuthor.objects.create(
        display_name="A. Lovelace", slug="a-lovelace", normalized_name="a lovelace", merged_into=survivor
    )
    other = OldAuthor.objects.create(
        display_name="Charles Babbage", slug="charles-babbage", normalized_name="charles babbage"
    )
    alias = Alias.objects.create(author=survivor, name="A. Lovelace", normalized_name="a lovelace")
    Alias.objects.create(author=other, name="C. Babbage", normalized_name="c babbage")

    batch = Batch.objects.create(
        original_name="lovelace.txt",
        checksum="ab" * 32,
        format="text",
        status="done",
        total_records=2,
        processed_records=2,
        created_count=2,
        created_by=staff,
        subject_author=survivor,
    )
    engine = Paper.objects.create(
        title="Notes on the Analytical Engine",
        normalized_title="notes on the analytical engine",
        slug="notes-engine",
        year=1843,
        kind="article",
        source="import",
    )
    difference = Paper.objects.create(
        title="The Difference Engine",
        normalized_title="the difference engine",
        slug="difference-engine",
        year=1822,
        kind="article",
        source="import",
    )
    moved_authorship = Authorship.objects.create(
        paper=engine, author=survivor, position=0, name_as_written="A. Lovelace"
    )
    moved_authorship.institutions.add(cambridge)
    Authorship.objects.create(paper=engine, author=other, position=1, name_as_written="Charles Babbage")
    Authorship.objects.create(paper=difference, author=other, position=0, name_as_written="C. Babbage")
    record = Record.objects.create(
        batch=batch,
        index=0,
        line_start=1,
        line_end=4,
        data={"title": engine.title},
        status="created",
        paper=engine,
    )

    approved = OldClaim.objects.create(
        author=survivor,
        user=alice,
        status="approved",
        evidence_email="ada@cam.ac.uk",
        reviewer=staff,
        decided_at=NOW,
    )
    OldAuthor.objects.filter(pk=survivor.pk).update(claimed_by=alice, verification_level=2)
    pending = OldClaim.objects.create(
        author=survivor, user=carol, status="pending", evidence_text="I am the A. Lovelace of the 1843 notes"
    )
    follow_moved = OldFollow.objects.create(user=bob, author=survivor)
    OldFollow.objects.create(user=carol, author=other)
    conversation = OldConversation.objects.create(
        author=survivor, initiator=bob, recipient=alice, subject="Your notes", paper=engine
    )
    Message.objects.create(conversation=conversation, sender=bob, body="Could we talk about Note G?")
    Message.objects.create(conversation=conversation, sender=alice, body="Gladly.", read_at=NOW)
    AbuseReport.objects.create(reporter=alice, reported_user=carol, conversation=conversation, reason="spam")
    UserBlock.objects.create(blocker=alice, blocked=carol)
    Preferences.objects.create(user=bob, weekly_digest=True)
    Digest.objects.create(user=bob, week_start=dt.date(2026, 10, 26), paper_count=1, sent_at=NOW)

    Decision.objects.create(
        action="merged",
        name="A. Lovelace",
        block_key="lovelace a",
        score=0.97,
        author=survivor,
        other_author=merged,
        batch=batch,
        paper=engine,
        reasons=["same coauthor"],
    )
    Decision.objects.create(
        action="created", name="Charles Babbage", block_key="babbage c", batch=batch, author=other
    )
    DistinctPair.objects.create(author_low=survivor, author_high=other, decided_by=staff, reason="two people")
    item_moved = OldItem.objects.create(
        kind="disowned", summary="Alice disowns a paper", author=survivor, paper=difference
    )
    OldItem.objects.create(
        kind="duplicate",
        status="open",
        summary="Same person?",
        author=survivor,
        other_author=other,
        batch=batch,
        record=record,
    )

    merge_log = OldLog.objects.create(
        action="merge",
        author=survivor,
        other_author=merged,
        actor=staff,
        reason="same person",
        data={
            "survivor": {"id": survivor.pk, "name": survivor.display_name, "slug": survivor.slug},
            "merged": {"id": merged.pk, "name": merged.display_name, "slug": merged.slug},
            "evidence": {},
            "authorships": [moved_authorship.pk],
            "authorships_removed": [],
            "aliases": [alias.pk],
            "aliases_removed": [],
            "follows": [],
            "follows_removed": [],
            "items_resolved": [],
            "distinct_pairs_created": [],
            "survivor_fields": {},
            "claimed_by": None,
            "verification_level": 2,
            "merged_from": [],
            "moved": {
                "profiles.Follow.author": [follow_moved.pk],
                "profiles.Claim.author": [pending.pk],
                "profiles.Conversation.author": [conversation.pk],
                "ingest.CurationItem.author": [item_moved.pk],
            },
        },
    )

    claim_type, _ = OldContentType.objects.get_or_create(app_label="profiles", model="claim")
    view_claim, _ = OldPermission.objects.get_or_create(
        content_type=claim_type, codename="view_claim", defaults={"name": "Can view claim"}
    )
    change_claim, _ = OldPermission.objects.get_or_create(
        content_type=claim_type, codename="change_claim", defaults={"name": "Can change claim"}
    )
    staff.user_permissions.add(view_claim)
    reviewers = Group.objects.create(name="claim reviewers")
    reviewers.permissions.add(change_claim)
    moderator.groups.add(reviewers)
    log_entry = OldLogEntry.objects.create(
        user=staff,
        content_type=claim_type,
        object_id=str(approved.pk),
        object_repr=str(approved.pk),
        action_flag=CHANGE,
        change_message="Approved",
        action_time=NOW,
    )
    for task_name in ("ingest.tasks.import_batch_task", "profiles.tasks_accounts.claim_notify_task"):
        OldOutbox.objects.create(task_name=task_name, kwargs={"id": 1})
    OldOutbox.objects.create(task_name="ingest.tasks.import_batch_task", kwargs={"id": 0}, sent_at=NOW)

    return {
        "staff": staff.pk,
        "moderator": moderator.pk,
        "survivor": survivor.pk,
        "merged": merged.pk,
        "approved": approved.pk,
        "pending": pending.pk,
        "follow": follow_moved.pk,
        "conversation": conversation.pk,
        "item": item_moved.pk,
        "merge_log": merge_log.pk,
        "claim_type": claim_type.pk,
        "view_claim": view_claim.pk,
        "change_claim": change_claim.pk,
        "log_entry": log_entry.pk,
    }


def _assert_same_rows(before: dict, after: dict) -> None:
    for table, rows in before.items():
        # Columns later migrations add (e.g. an import's lease) are not part of the move.
        kept = [{key: row[key] for key in old} for row, old in zip(after[table], rows, strict=False)]
        assert len(after[table]) == len(rows) and kept == rows, f"{table}: rows changed in the move"
    assert all(before.values()), "every table holds rows, so the comparison compares something"


def _assert_moved_labels(ids: dict) -> None:
    User = get_user_model()
    claim_type = ContentType.objects.get_for_model(Claim)
    assert claim_type.pk == ids["claim_type"], "the content type was relabelled, not recreated"
    assert not ContentType.objects.filter(app_label="profiles", model="claim").exists()
    for model in (Claim, Follow, Conversation, AuthorIdentityLog, CurationItem):
        assert ContentType.objects.filter(model=model._meta.model_name).count() == 1, model
    assert Permission.objects.get(pk=ids["view_claim"]).content_type_id == claim_type.pk
    assert User.objects.get(pk=ids["staff"]).has_perm("accounts.view_claim")
    assert User.objects.get(pk=ids["moderator"]).has_perm("accounts.change_claim")
    entry = LogEntry.objects.get(pk=ids["log_entry"])
    assert entry.content_type_id == claim_type.pk
    assert entry.get_edited_object() == Claim.objects.get(pk=ids["approved"])


@pytest.mark.django_db(transaction=True)
def test_a_filled_database_survives_the_layout_move_forwards_and_back():
    executor = _migrate(_old_nodes(MigrationExecutor(connection)))
    try:
        old_state = executor.loader.project_state(_old_nodes(executor), at_end=True).apps
        ids = _fill(old_state)
        before = _snapshot(lambda app_label, model_name, label: old_state.get_model(app_label, model_name))

        _latest()
        after = _snapshot(lambda app_label, model_name, label: current_apps.get_model(label))
        _assert_same_rows(before, after)
        _assert_moved_labels(ids)
        assert set(AuthorIdentityLog.objects.get(pk=ids["merge_log"]).data["moved"]) == {
            "accounts.Follow.author",
            "accounts.Claim.author",
            "accounts.Conversation.author",
            "curation.CurationItem.author",
        }
        unsent = Outbox.objects.filter(sent_at=None).order_by("pk").values_list("task_name", flat=True)
        assert list(unsent) == ["pipeline.tasks.import_batch_task", "pipeline.tasks.claim_notify_task"]
        assert Outbox.objects.get(sent_at__isnull=False).task_name == "ingest.tasks.import_batch_task"

        # Back to before the move: the old labels return and every row is still there.
        executor = _migrate(_old_nodes(executor))
        old_state = executor.loader.project_state(_old_nodes(executor), at_end=True).apps
        assert (
            _snapshot(lambda app_label, model_name, label: old_state.get_model(app_label, model_name))
            == before
        )
        OldContentType = old_state.get_model("contenttypes", "ContentType")
        assert OldContentType.objects.get(pk=ids["claim_type"]).app_label == "profiles"
        assert not OldContentType.objects.filter(app_label__in=NEW_APPS, model="claim").exists()
        old_log = old_state.get_model("profiles", "AuthorIdentityLog").objects.get(pk=ids["merge_log"])
        assert "profiles.Follow.author" in old_log.data["moved"]
        assert "ingest.CurationItem.author" in old_log.data["moved"]

        # And forwards again.
        _latest()
        assert _snapshot(lambda app_label, model_name, label: current_apps.get_model(label)) == after
        _assert_moved_labels(ids)

        # The merge recorded before the move can still be undone: it finds the rows it moved.
        identity_services.author_merge_undo(log=AuthorIdentityLog.objects.get(pk=ids["merge_log"]))
        merged = Author.objects.get(pk=ids["merged"])
        assert merged.merged_into_id is None
        assert Follow.objects.get(pk=ids["follow"]).author_id == merged.pk
        assert Claim.objects.get(pk=ids["pending"]).author_id == merged.pk
        assert Claim.objects.get(pk=ids["approved"]).author_id == ids["survivor"]
        assert Conversation.objects.get(pk=ids["conversation"]).author_id == merged.pk
        assert CurationItem.objects.get(pk=ids["item"]).author_id == merged.pk
        assert AuthorIdentityLog.objects.get(pk=ids["merge_log"]).undone_at is not None
    finally:
        _latest()
