"""The only writers of the curation queue. Every change leaves a CurationEvent row.

Other apps open items when they cannot decide something on their own (the importer, identity's
resolver, a researcher disowning a paper) and close them when a decision answers them (a merge, a
split, an admin's dismissal). They call these functions; none writes CurationItem itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from curation.models import CurationEvent, CurationItem

Status = CurationItem.Status
Action = CurationEvent.Action


def _events(ids: Iterable[int], *, action: str, actor=None, note: str = "") -> None:
    CurationEvent.objects.bulk_create(
        CurationEvent(item_id=pk, action=action, actor=actor, note=note[:2000]) for pk in ids
    )


@transaction.atomic
def item_open(*, kind: str, summary: str, actor=None, note: str = "", **fields) -> CurationItem:
    """A new open item (``fields``: batch, record, author, other_author, paper, details)."""
    item = CurationItem.objects.create(kind=kind, summary=summary[:500], **fields)
    _events([item.pk], action=Action.OPENED, actor=actor, note=note)
    return item


@transaction.atomic
def items_close(ids: Iterable[int], *, status: str, actor=None, resolution: str, paper=None) -> list[int]:
    """Resolve or dismiss open items; returns the ids closed (items already closed are left)."""
    if status not in (Status.RESOLVED, Status.DISMISSED):
        raise ValueError(f"An item is closed as resolved or dismissed, not {status!r}")
    closed = []
    for item in CurationItem.objects.select_for_update().filter(pk__in=list(ids), status=Status.OPEN):
        item.status = status
        item.resolved_by = actor
        item.resolved_at = timezone.now()
        item.details = {**item.details, "resolution": resolution}
        fields = ["status", "resolved_by", "resolved_at", "details"]
        if paper is not None:
            item.paper = paper
            fields.append("paper")
        item.save(update_fields=fields)
        closed.append(item.pk)
    action = Action.RESOLVED if status == Status.RESOLVED else Action.DISMISSED
    _events(closed, action=action, actor=actor, note=resolution)
    return closed


def item_resolve(*, item: CurationItem, resolution: str, actor=None, paper=None) -> bool:
    return bool(
        items_close([item.pk], status=Status.RESOLVED, actor=actor, resolution=resolution, paper=paper)
    )


def item_dismiss(*, item: CurationItem, actor, reason: str) -> bool:
    return bool(items_close([item.pk], status=Status.DISMISSED, actor=actor, resolution=reason))


@transaction.atomic
def items_reopen(ids: Iterable[int], *, actor=None, note: str) -> list[int]:
    """Open closed items again (an undone merge or split gives the question back)."""
    reopened = []
    for item in CurationItem.objects.select_for_update().filter(pk__in=list(ids)).exclude(status=Status.OPEN):
        item.status = Status.OPEN
        item.resolved_by = None
        item.resolved_at = None
        item.details = {**item.details, "resolution": note}
        item.save(update_fields=["status", "resolved_by", "resolved_at", "details"])
        reopened.append(item.pk)
    _events(reopened, action=Action.REOPENED, actor=actor, note=note)
    return reopened


@transaction.atomic
def items_repoint_author(*, field: str, old_author_id: int, new_author_id: int, exclude: Iterable[int] = ()):
    """Items about a merged author now name the survivor; returns the ids moved."""
    if field not in ("author", "other_author"):
        raise ValueError(f"CurationItem has no author field {field!r}")
    rows = CurationItem.objects.filter(**{f"{field}_id": old_author_id}).exclude(pk__in=list(exclude))
    ids = list(rows.values_list("pk", flat=True))
    CurationItem.objects.filter(pk__in=ids).update(**{f"{field}_id": new_author_id})
    _events(ids, action=Action.MOVED, note=f"{field}: author {old_author_id} → {new_author_id}")
    return ids


def item_details_update(*, item: CurationItem, details: dict) -> None:
    """Newer evidence for an open question (the same pair seen again): merged into its details."""
    item.details = {**item.details, **details}
    CurationItem.objects.filter(pk=item.pk).update(details=item.details)


def item_note_match(*, item_id: int, paper_id: int) -> None:
    """Note the paper a waiting abstract's meaning matched; placement attaches it later."""
    with transaction.atomic():
        item = CurationItem.objects.select_for_update().filter(pk=item_id, status=Status.OPEN).first()
        if item is None:
            return
        item.details = {**item.details, "embedding_match": paper_id}
        item.save(update_fields=["details"])
        _events([item.pk], action=Action.MATCHED, note=f"paper {paper_id}")
