"""Curation of author identity: merge, split, "different people" and disown, each reversible.

Every service runs in one transaction, writes an :class:`AuthorIdentityLog` row holding what
moved and what was removed (enough to reverse it), and refreshes collaborator edges and
cached counts after commit. A merged author keeps its row and slug with ``merged_into`` set,
so its old URL redirects permanently to the survivor.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import Follow
from common.text import slug_base
from curation import services as curation_services
from curation.models import CurationItem
from identity.models import AuthorIdentityLog, DistinctAuthorPair
from identity.names import block_key, clean_display_name, name_key, natural_order
from papers.models import Authorship, Paper
from pipeline.events import AUTHORS_CHANGED, announce
from profiles.models import Author, AuthorAlias

Action = AuthorIdentityLog.Action

# Relations that merging handles itself (conflicts, history) rather than by a plain re-point.
_SPECIAL_RELATIONS = {
    ("profiles.Author", "merged_into"),
    ("profiles.AuthorAlias", "author"),
    ("accounts.Follow", "author"),
    ("identity.IdentityDecision", "author"),
    ("identity.IdentityDecision", "other_author"),
    ("identity.AuthorIdentityLog", "author"),
    ("identity.AuthorIdentityLog", "other_author"),
    ("identity.DistinctAuthorPair", "author_low"),
    ("identity.DistinctAuthorPair", "author_high"),
    ("papers.Authorship", "author"),
    ("graph.CollaboratorEdge", "author_low"),  # derived: rebuilt after commit
    ("graph.CollaboratorEdge", "author_high"),
}
# Profile fields a survivor takes from the merged author when its own are empty.
_FILLABLE_FIELDS = ["institution_id", "bio", "homepage", "orcid", "role"]


class IdentityError(Exception):
    """A merge, split or disown that cannot be done as asked (the message says why)."""


# --- helpers -------------------------------------------------------------------------------


def _unique_slug(base: str) -> str:
    taken = set(Author.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def author_create(*, name: str, batch=None) -> Author:
    """A new author for a written name, carrying that name as its first alias."""
    written = clean_display_name(name)
    display = (natural_order(written) or written)[:300]
    slug = _unique_slug(slug_base(display, 280, hash_when_cut=True))
    author = Author.objects.create(display_name=display, normalized_name=name_key(display)[:300], slug=slug)
    AuthorAlias.objects.bulk_create(
        [
            AuthorAlias(
                author=author,
                name=form[:300],
                normalized_name=name_key(form)[:300],
                block_key=block_key(form)[:300],
                import_batch=batch,
            )
            for form in dict.fromkeys([written, display])
        ]
    )
    return author


def alias_add(*, author: Author, name: str, batch=None) -> AuthorAlias | None:
    written = clean_display_name(name)
    if not written:
        return None
    alias, _ = AuthorAlias.objects.get_or_create(
        author=author,
        name=written[:300],
        defaults={
            "normalized_name": name_key(written)[:300],
            "block_key": block_key(written)[:300],
            "import_batch": batch,
        },
    )
    return alias


def merge_survivor(
    first: Author, second: Author, *, prefer_ids: tuple[int, ...] = ()
) -> tuple[Author, Author]:
    """(survivor, merged): the claimed author, else a preferred one, else the older profile
    (so the URL people already use keeps working without a redirect)."""

    def rank(author: Author) -> tuple:
        return (author.claimed_by_id is None, author.pk not in prefer_ids, author.pk)

    survivor, merged = sorted([first, second], key=rank)
    return survivor, merged


def _pair(first_id: int, second_id: int) -> tuple[int, int]:
    return (first_id, second_id) if first_id < second_id else (second_id, first_id)


def distinct_pair_exists(first_id: int, second_id: int) -> bool:
    low, high = _pair(first_id, second_id)
    return DistinctAuthorPair.objects.filter(author_low_id=low, author_high_id=high).exists()


def _coauthor_ids(author_ids: list[int]) -> set[int]:
    return set(
        Authorship.objects.filter(paper__authorships__author_id__in=author_ids).values_list(
            "author_id", flat=True
        )
    )


def _refresh_after_commit(author_ids: list[int]) -> None:
    """Edges and counts for these authors and everyone who shares a paper with them."""
    ids = sorted(set(author_ids) | _coauthor_ids(author_ids))
    announce(AUTHORS_CHANGED, author_ids=ids)


def _lock(*author_ids: int) -> dict[int, Author]:
    authors = Author.objects.select_for_update().filter(pk__in=author_ids).order_by("pk")
    return {author.pk: author for author in authors}


def _authorship_snapshot(authorship: Authorship) -> dict:
    return {
        "paper_id": authorship.paper_id,
        "author_id": authorship.author_id,
        "position": authorship.position,
        "name_as_written": authorship.name_as_written,
        "from_subject": authorship.from_subject,
        "institution_ids": list(authorship.institutions.values_list("pk", flat=True)),
    }


def _authorship_restore(snapshot: dict) -> Authorship | None:
    """Recreate a removed authorship if its paper still exists and the author is not on it."""
    paper_id, author_id = snapshot["paper_id"], snapshot["author_id"]
    if not Paper.objects.filter(pk=paper_id).exists() or not Author.objects.filter(pk=author_id).exists():
        return None
    if Authorship.objects.filter(paper_id=paper_id, author_id=author_id).exists():
        return None
    position = snapshot["position"]
    if Authorship.objects.filter(paper_id=paper_id, position=position).exists():
        position = (
            Authorship.objects.filter(paper_id=paper_id).aggregate(top=Max("position"))["top"] or 0
        ) + 1
    authorship = Authorship.objects.create(
        paper_id=paper_id,
        author_id=author_id,
        position=position,
        name_as_written=snapshot["name_as_written"],
        from_subject=snapshot["from_subject"],
    )
    authorship.institutions.set(snapshot["institution_ids"])
    return authorship


def _duplicate_items(first_id: int, second_id: int, *, status: str = CurationItem.Status.OPEN):
    return CurationItem.objects.filter(kind=CurationItem.Kind.POSSIBLE_DUPLICATE, status=status).filter(
        Q(author_id=first_id, other_author_id=second_id) | Q(author_id=second_id, other_author_id=first_id)
    )


def _log_undone(log: AuthorIdentityLog, actor) -> None:
    log.undone_at = timezone.now()
    log.undone_by = actor
    log.save(update_fields=["undone_at", "undone_by"])


def _generic_relations() -> list[tuple[type, str]]:
    """Every foreign key to Author that a merge simply re-points (other apps' included)."""
    relations = []
    for relation in Author._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        if relation.many_to_many:
            continue
        model = relation.related_model
        if (model._meta.label, relation.field.name) in _SPECIAL_RELATIONS:
            continue
        relations.append((model, relation.field.name))
    return relations


def _repoint(model, field: str, source: Author, target: Author) -> list[int]:
    """Point rows of model.field from source to target; rows that would clash stay put."""
    queryset = model._default_manager.filter(**{field: source})
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return []
    try:
        with transaction.atomic():
            queryset.update(**{field: target})
        return ids
    except IntegrityError:
        moved = []
        for pk in ids:
            try:
                with transaction.atomic():
                    model._default_manager.filter(pk=pk).update(**{field: target})
                moved.append(pk)
            except IntegrityError:
                continue  # e.g. a second approved claim: it stays with the merged author
        return moved


# --- validation ----------------------------------------------------------------------------


def merge_validate(*, survivor: Author, merged: Author) -> None:
    if survivor.pk == merged.pk:
        raise IdentityError("An author cannot be merged into itself.")
    if survivor.merged_into_id or merged.merged_into_id:
        raise IdentityError("One of these authors has already been merged into another.")
    if survivor.claimed_by_id and merged.claimed_by_id and survivor.claimed_by_id != merged.claimed_by_id:
        raise IdentityError("Both authors are claimed, by different users; resolve the claims first.")
    if distinct_pair_exists(survivor.pk, merged.pk):
        raise IdentityError(
            "An admin marked these authors as different people; undo that decision before merging."
        )


# --- merge ---------------------------------------------------------------------------------


@transaction.atomic
def author_merge(
    *,
    survivor: Author,
    merged: Author,
    actor=None,
    reason: str = "",
    automatic: bool = False,
    evidence: dict | None = None,
) -> AuthorIdentityLog:
    """Fold ``merged`` into ``survivor``: papers, aliases, follows, claims, conversations and
    every other reference move; the merged profile's URL redirects to the survivor."""
    locked = _lock(survivor.pk, merged.pk)
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    merge_validate(survivor=survivor, merged=merged)
    data: dict = {
        "survivor": {"id": survivor.pk, "name": survivor.display_name, "slug": survivor.slug},
        "merged": {"id": merged.pk, "name": merged.display_name, "slug": merged.slug},
        "evidence": evidence or {},
    }

    # Papers: a paper both are on keeps one authorship (a listed one over a listing's placeholder).
    moved, removed = [], []
    survivor_on = {a.paper_id: a for a in Authorship.objects.filter(author=survivor)}
    for authorship in Authorship.objects.filter(author=merged).prefetch_related("institutions"):
        kept = survivor_on.get(authorship.paper_id)
        if kept is None:
            moved.append(authorship.pk)
            continue
        if kept.from_subject and not authorship.from_subject:
            removed.append(_authorship_snapshot(kept))
            kept.delete()
            moved.append(authorship.pk)
        else:
            removed.append(_authorship_snapshot(authorship))
            authorship.delete()
    Authorship.objects.filter(pk__in=moved).update(author=survivor)
    data["authorships"], data["authorships_removed"] = moved, removed

    # Aliases: every written variant stays findable on the survivor.
    survivor_names = set(survivor.aliases.values_list("name", flat=True))
    moved_aliases, removed_aliases = [], []
    for alias in merged.aliases.all():
        if alias.name in survivor_names:
            removed_aliases.append(
                {
                    "name": alias.name,
                    "normalized_name": alias.normalized_name,
                    "batch_id": alias.import_batch_id,
                }
            )
            alias.delete()
        else:
            moved_aliases.append(alias.pk)
    AuthorAlias.objects.filter(pk__in=moved_aliases).update(author=survivor)
    data["aliases"], data["aliases_removed"] = moved_aliases, removed_aliases

    # Follows: someone following both keeps one follow.
    followers = set(survivor.follows.values_list("user_id", flat=True))
    moved_follows, removed_follows = [], []
    for follow in merged.follows.all():
        if follow.user_id in followers:
            removed_follows.append({"user_id": follow.user_id, "created_at": follow.created_at.isoformat()})
            follow.delete()
        else:
            moved_follows.append(follow.pk)
    Follow.objects.filter(pk__in=moved_follows).update(author=survivor)
    data["follows"], data["follows_removed"] = moved_follows, removed_follows

    # "Possible same person" items about this very pair are answered by the merge.
    data["items_resolved"] = curation_services.items_close(
        _duplicate_items(survivor.pk, merged.pk).values_list("pk", flat=True),
        status=CurationItem.Status.RESOLVED,
        actor=actor,
        resolution="merged automatically" if automatic else "merged by an admin",
    )
    # Everything else that points at the merged author (claims, conversations, imports, items, ...).
    data["moved"] = {}
    resolved = set(data["items_resolved"])
    for model, field in _generic_relations():
        if model is CurationItem:
            ids = curation_services.items_repoint_author(
                field=field, old_author_id=merged.pk, new_author_id=survivor.pk, exclude=resolved
            )
        else:
            ids = _repoint(model, field, merged, survivor)
        if ids:
            data["moved"][f"{model._meta.label}.{field}"] = ids

    # "Different people" decisions about the merged author now hold for the survivor too.
    created_pairs = []
    for pair in DistinctAuthorPair.objects.filter(Q(author_low=merged) | Q(author_high=merged)):
        other_id = pair.author_high_id if pair.author_low_id == merged.pk else pair.author_low_id
        if other_id == survivor.pk:
            continue
        low, high = _pair(survivor.pk, other_id)
        created, made = DistinctAuthorPair.objects.get_or_create(
            author_low_id=low, author_high_id=high, defaults={"reason": f"carried over from {merged}"}
        )
        if made:
            created_pairs.append(created.pk)
    data["distinct_pairs_created"] = created_pairs

    # Profile fields: the survivor fills its blanks; a claim moves with the person.
    filled = {}
    for field in _FILLABLE_FIELDS:
        if not getattr(survivor, field) and getattr(merged, field):
            filled[field] = getattr(survivor, field)
            setattr(survivor, field, getattr(merged, field))
    if "orcid" in filled:  # an iD keeps its provenance: only an imported or admin-set one proves identity
        filled["orcid_source"] = survivor.orcid_source
        survivor.orcid_source = merged.orcid_source
    data["survivor_fields"] = filled
    data["claimed_by"] = None
    data["verification_level"] = survivor.verification_level
    if merged.claimed_by_id and not survivor.claimed_by_id:
        data["claimed_by"] = merged.claimed_by_id
        survivor.claimed_by_id, merged.claimed_by_id = merged.claimed_by_id, None
        merged.save(update_fields=["claimed_by"])
    survivor.verification_level = max(survivor.verification_level, merged.verification_level)
    survivor.save()

    chain = list(Author.objects.filter(merged_into=merged).values_list("pk", flat=True))
    Author.objects.filter(pk__in=chain).update(merged_into=survivor)
    data["merged_from"] = chain
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into", "updated_at"])

    log = AuthorIdentityLog.objects.create(
        action=Action.MERGE,
        author=survivor,
        other_author=merged,
        actor=actor,
        automatic=automatic,
        reason=reason,
        data=data,
    )
    _refresh_after_commit([survivor.pk, merged.pk])
    return log


@transaction.atomic
def author_merge_undo(
    *, log: AuthorIdentityLog, actor=None, mark_different: bool = True
) -> AuthorIdentityLog:
    """Reverse a merge: what moved goes back, what was removed comes back, the merged URL
    serves its own profile again. By default the pair is then remembered as different people,
    so the resolver does not merge them again."""
    log = AuthorIdentityLog.objects.select_for_update().get(pk=log.pk)
    if log.action != Action.MERGE or log.undone_at is not None:
        raise IdentityError("Only a merge that has not been undone can be undone.")
    if log.author_id is None or log.other_author_id is None:
        raise IdentityError("One of the two authors no longer exists; this merge cannot be undone.")
    locked = _lock(log.author_id, log.other_author_id)
    survivor, merged = locked[log.author_id], locked[log.other_author_id]
    if merged.merged_into_id != survivor.pk:
        raise IdentityError(f"{merged} is no longer merged into {survivor}.")
    data = log.data

    merged.merged_into = None
    Author.objects.filter(pk__in=data.get("merged_from", []), merged_into=survivor).update(merged_into=merged)
    Authorship.objects.filter(pk__in=data.get("authorships", []), author=survivor).update(author=merged)
    for snapshot in data.get("authorships_removed", []):
        _authorship_restore(snapshot)
    AuthorAlias.objects.filter(pk__in=data.get("aliases", []), author=survivor).update(author=merged)
    for alias in data.get("aliases_removed", []):
        AuthorAlias.objects.get_or_create(
            author=merged,
            name=alias["name"],
            defaults={"normalized_name": alias["normalized_name"], "import_batch_id": alias["batch_id"]},
        )
    Follow.objects.filter(pk__in=data.get("follows", []), author=survivor).update(author=merged)
    for follow in data.get("follows_removed", []):
        made, _ = Follow.objects.get_or_create(user_id=follow["user_id"], author=merged)
        Follow.objects.filter(pk=made.pk).update(created_at=datetime.fromisoformat(follow["created_at"]))
    for key, ids in data.get("moved", {}).items():
        label, field = key.rsplit(".", 1)
        model = apps.get_model(label)
        model._default_manager.filter(pk__in=ids, **{field: survivor}).update(**{field: merged})
    DistinctAuthorPair.objects.filter(pk__in=data.get("distinct_pairs_created", [])).delete()

    for field, value in data.get("survivor_fields", {}).items():
        setattr(survivor, field, value)
    if data.get("claimed_by") and survivor.claimed_by_id == data["claimed_by"]:
        survivor.claimed_by_id = None
        survivor.save(update_fields=["claimed_by"])
        merged.claimed_by_id = data["claimed_by"]
    survivor.verification_level = data.get("verification_level", survivor.verification_level)
    survivor.save()
    merged.save()

    if mark_different:
        low, high = _pair(survivor.pk, merged.pk)
        DistinctAuthorPair.objects.get_or_create(
            author_low_id=low,
            author_high_id=high,
            defaults={"decided_by": actor, "reason": f"merge #{log.pk} undone"},
        )
    # The merge answered its "possible same person" items; the undo gives the question back, and
    # "different people" answers it the other way.
    curation_services.items_reopen(data.get("items_resolved", []), actor=actor, note="merge undone")
    if mark_different:
        curation_services.items_close(
            data.get("items_resolved", []),
            status=CurationItem.Status.DISMISSED,
            actor=actor,
            resolution="merge undone: different people",
        )
    _log_undone(log, actor)
    undo = AuthorIdentityLog.objects.create(
        action=Action.MERGE_UNDO,
        author=survivor,
        other_author=merged,
        actor=actor,
        undo_of=log,
        data={"mark_different": mark_different},
    )
    _refresh_after_commit([survivor.pk, merged.pk])
    return undo


# --- split ---------------------------------------------------------------------------------


@transaction.atomic
def author_split(
    *,
    author: Author,
    authorship_ids: list[int],
    target: Author | None = None,
    new_name: str = "",
    actor=None,
    reason: str = "",
    item: CurationItem | None = None,
    automatic: bool = False,
) -> AuthorIdentityLog:
    """Move chosen authorships of ``author`` to ``target``, or to a new author, and remember
    that the two are different people (unless the split is ``automatic``: re-clustering may
    bring them together again when the evidence changes; an admin's split is final)."""
    author = _lock(author.pk)[author.pk]
    if author.merged_into_id:
        raise IdentityError(f"{author} has been merged into another author; split that one instead.")
    authorships = list(Authorship.objects.filter(pk__in=authorship_ids).select_related("paper"))
    if not authorships or len(authorships) != len(set(authorship_ids)):
        raise IdentityError("Choose at least one authorship of this author.")
    if any(authorship.author_id != author.pk for authorship in authorships):
        raise IdentityError("Some of the chosen authorships belong to another author.")
    created_target = target is None
    if target is not None:
        target = _lock(target.pk)[target.pk]
        if target.pk == author.pk or target.merged_into_id:
            raise IdentityError("Choose a different, current author to move the papers to.")
        clashes = Authorship.objects.filter(
            author=target, paper_id__in=[authorship.paper_id for authorship in authorships]
        ).select_related("paper")
        if clashes:
            titles = ", ".join(str(clash.paper) for clash in clashes)
            raise IdentityError(f"{target} is already an author of: {titles}")
    else:
        written = Counter(authorship.name_as_written for authorship in authorships).most_common(1)[0][0]
        target = author_create(name=new_name or written)

    Authorship.objects.filter(pk__in=[authorship.pk for authorship in authorships]).update(author=target)
    aliases_created = []
    for name in {authorship.name_as_written for authorship in authorships}:
        before = AuthorAlias.objects.filter(author=target, name=clean_display_name(name)).exists()
        alias = alias_add(author=target, name=name)
        if alias is not None and not before:
            aliases_created.append(alias.pk)
    pair, pair_created = None, False
    if not automatic:
        low, high = _pair(author.pk, target.pk)
        pair, pair_created = DistinctAuthorPair.objects.get_or_create(
            author_low_id=low,
            author_high_id=high,
            defaults={"decided_by": actor, "reason": reason or "split"},
        )
    items = []
    if item is not None:
        items = curation_services.items_close(
            [item.pk],
            status=CurationItem.Status.RESOLVED,
            actor=actor,
            resolution=f"paper(s) moved to {target}",
        )
    log = AuthorIdentityLog.objects.create(
        action=Action.SPLIT,
        author=author,
        other_author=target,
        actor=actor,
        reason=reason,
        automatic=automatic,
        data={
            "authorships": [authorship.pk for authorship in authorships],
            "papers": [authorship.paper_id for authorship in authorships],
            "target_created": created_target,
            "aliases_created": aliases_created,
            "distinct_pair": pair.pk if pair_created else None,
            "items_resolved": items,
        },
    )
    _refresh_after_commit([author.pk, target.pk])
    return log


@transaction.atomic
def author_split_undo(*, log: AuthorIdentityLog, actor=None) -> AuthorIdentityLog:
    """Move the authorships back; an author the split created, left empty, redirects back."""
    log = AuthorIdentityLog.objects.select_for_update().get(pk=log.pk)
    if log.action != Action.SPLIT or log.undone_at is not None:
        raise IdentityError("Only a split that has not been undone can be undone.")
    if log.author_id is None or log.other_author_id is None:
        raise IdentityError("One of the two authors no longer exists; this split cannot be undone.")
    locked = _lock(log.author_id, log.other_author_id)
    source, target = locked[log.author_id], locked[log.other_author_id]
    if source.merged_into_id:
        raise IdentityError(f"{source} has since been merged into another author.")
    data = log.data
    source_papers = set(Authorship.objects.filter(author=source).values_list("paper_id", flat=True))
    movable = Authorship.objects.filter(pk__in=data.get("authorships", []), author=target).exclude(
        paper_id__in=source_papers
    )
    movable.update(author=source)
    AuthorAlias.objects.filter(pk__in=data.get("aliases_created", []), author=target).delete()
    if data.get("distinct_pair"):
        DistinctAuthorPair.objects.filter(pk=data["distinct_pair"]).delete()
    emptied = (
        data.get("target_created")
        and not target.authorships.exists()
        and not target.claimed_by_id
        and not target.follows.exists()
    )
    if emptied:
        target.merged_into = source  # its URL, if anyone kept it, leads back to the source
        target.save(update_fields=["merged_into", "updated_at"])
    curation_services.items_reopen(data.get("items_resolved", []), actor=actor, note="split undone")
    _log_undone(log, actor)
    undo = AuthorIdentityLog.objects.create(
        action=Action.SPLIT_UNDO,
        author=source,
        other_author=target,
        actor=actor,
        undo_of=log,
        data={"target_redirects": bool(emptied)},
    )
    _refresh_after_commit([source.pk, target.pk])
    return undo


# --- different people -------------------------------------------------------------------------


@transaction.atomic
def authors_mark_different(
    *, author: Author, other: Author, actor=None, reason: str = ""
) -> AuthorIdentityLog:
    """Remember that two authors are different people: never merged or proposed again."""
    if author.pk == other.pk:
        raise IdentityError("An author cannot be different from itself.")
    low, high = _pair(author.pk, other.pk)
    pair, created = DistinctAuthorPair.objects.get_or_create(
        author_low_id=low, author_high_id=high, defaults={"decided_by": actor, "reason": reason}
    )
    items = curation_services.items_close(
        _duplicate_items(author.pk, other.pk).values_list("pk", flat=True),
        status=CurationItem.Status.DISMISSED,
        actor=actor,
        resolution="different people",
    )
    return AuthorIdentityLog.objects.create(
        action=Action.DIFFERENT,
        author=author,
        other_author=other,
        actor=actor,
        reason=reason,
        data={"distinct_pair": pair.pk if created else None, "items_resolved": items},
    )


@transaction.atomic
def authors_mark_different_undo(*, log: AuthorIdentityLog, actor=None) -> AuthorIdentityLog:
    log = AuthorIdentityLog.objects.select_for_update().get(pk=log.pk)
    if log.action != Action.DIFFERENT or log.undone_at is not None:
        raise IdentityError("Only a 'different people' decision that has not been undone can be undone.")
    if log.data.get("distinct_pair"):
        DistinctAuthorPair.objects.filter(pk=log.data["distinct_pair"]).delete()
    curation_services.items_reopen(
        log.data.get("items_resolved", []), actor=actor, note="'different people' undone"
    )
    _log_undone(log, actor)
    return AuthorIdentityLog.objects.create(
        action=Action.DIFFERENT_UNDO,
        author_id=log.author_id,
        other_author_id=log.other_author_id,
        actor=actor,
        undo_of=log,
    )


@transaction.atomic
def identity_change_undo(*, log: AuthorIdentityLog, actor=None) -> AuthorIdentityLog:
    """Undo whichever reversible change the log row records."""
    undo = {
        Action.MERGE: author_merge_undo,
        Action.SPLIT: author_split_undo,
        Action.DIFFERENT: authors_mark_different_undo,
    }.get(log.action)
    if undo is None:
        raise IdentityError(f"A '{log.get_action_display()}' entry cannot be undone.")
    return undo(log=log, actor=actor)


# --- disown --------------------------------------------------------------------------------


def disown_validate(*, author: Author, paper: Paper, user) -> Authorship:
    if user is None or not user.is_authenticated or author.claimed_by_id != user.pk:
        raise IdentityError("Only the researcher who claimed this profile can disown its papers.")
    authorship = Authorship.objects.filter(author=author, paper=paper).first()
    if authorship is None:
        raise IdentityError("This paper is not on this profile.")
    return authorship


@transaction.atomic
def paper_disown(*, author: Author, paper: Paper, user, reason: str = "") -> CurationItem:
    """A claimed researcher says a paper is not theirs: an admin decides; nothing is deleted."""
    authorship = disown_validate(author=author, paper=paper, user=user)
    existing = CurationItem.objects.filter(
        kind=CurationItem.Kind.DISOWNED_PAPER, status=CurationItem.Status.OPEN, author=author, paper=paper
    ).first()
    if existing is not None:
        return existing
    title = paper.title or str(paper)
    item = curation_services.item_open(
        actor=user,
        kind=CurationItem.Kind.DISOWNED_PAPER,
        author=author,
        paper=paper,
        summary=f"{author.display_name} says “{title[:300]}” is not theirs",
        details={
            "reason": reason[:2000],
            "authorship_id": authorship.pk,
            "name_as_written": authorship.name_as_written,
            "user_id": user.pk,
        },
    )
    AuthorIdentityLog.objects.create(
        action=Action.DISOWN,
        author=author,
        actor=user,
        reason=reason[:2000],
        data={"item": item.pk, "paper": paper.pk, "authorship": authorship.pk},
    )
    return item
