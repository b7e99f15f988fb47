"""Re-clustering a block of mentions after an import: the database side of ``identity.clustering``.

Placement resolves one written name at a time (``services_resolve.author_resolve_mention``);
once a batch is placed, every block it touched is clustered again as a whole
(``blocks_recluster``, run by the ``blocks_changed`` task). Each cluster continues the existing
author holding most of its mentions, so slugs and URLs stay; mentions on another author move
through ``identity.services`` (``author_split``, or ``author_merge`` when an author's every paper
moves: audit rows, redirects, undo), each with an :class:`IdentityDecision` giving the evidence.
Pairs of clusters that nearly qualified become "possible same person" curation items.

What people decided is never undone here: an admin's merge or split, a claimed profile and a
listing's named researcher keep their mentions together (must-link), and authors marked as
different people, or claimed by different users, stay apart (cannot-link).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.db.models import Q

from identity import clustering
from identity.models import AuthorIdentityLog, DistinctAuthorPair, IdentityDecision
from identity.names import parse_name
from identity.services import IdentityError, author_merge, author_split
from identity.services_resolve import duplicate_propose
from ingest.models import ImportRecord
from papers.models import Authorship, Paper, PaperTopic
from profiles.models import Author, AuthorAlias

Decided = IdentityDecision.Action
# A block with more mentions than this is left to placement's decisions (clustering is
# quadratic in the block; the largest real blocks, `wang l`, hold a few thousand).
MAX_BLOCK_MENTIONS = 5000
MAX_CLOSE_CALLS_PER_BLOCK = 10


@dataclass
class ReclusterOutcome:
    blocks: int = 0
    mentions: int = 0
    splits: int = 0
    merges: int = 0
    proposals: int = 0
    skipped: int = 0  # moves refused by the identity services (kept as they were)

    def add(self, other: ReclusterOutcome) -> None:
        for key, value in asdict(other).items():
            setattr(self, key, getattr(self, key) + value)

    def as_dict(self) -> dict:
        return asdict(self)


# --- reading a block -------------------------------------------------------------------------


def batch_block_keys(*, batch) -> list[str]:
    """The blocks whose mentions this import added or changed."""
    names = (
        Authorship.objects.filter(paper__import_records__batch=batch, from_subject=False)
        .values_list("name_as_written", flat=True)
        .distinct()
    )
    return sorted({parse_name(name).block_key for name in names} - {""})


@dataclass(frozen=True)
class BlockData:
    mentions: list[clustering.BlockMention]
    author_of: dict[int, int]  # mention (authorship) id -> author id
    constraints: clustering.Constraints


def block_data(block_key: str) -> BlockData:
    """Every current mention in a block, with its paper's context and the block's constraints."""
    author_ids = set(
        AuthorAlias.objects.filter(block_key=block_key, author__merged_into=None).values_list(
            "author_id", flat=True
        )
    )
    rows = [
        row
        for row in Authorship.objects.filter(author_id__in=author_ids, from_subject=False).values_list(
            "pk",
            "author_id",
            "name_as_written",
            "paper_id",
            "orcid",
            "paper__year",
            "paper__venue",
            "paper__primary_category__code",
            "paper__title",
            "paper__abstract",
        )
        if parse_name(row[2]).block_key == block_key
    ]
    paper_ids = {row[3] for row in rows}
    mention_ids = [row[0] for row in rows]
    names_on: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for paper_id, pk, written in Authorship.objects.filter(
        paper_id__in=paper_ids, from_subject=False
    ).values_list("paper_id", "pk", "name_as_written"):
        names_on[paper_id].append((pk, written))
    institutions: dict[int, set[str]] = defaultdict(set)
    for authorship_id, slug in Authorship.institutions.through.objects.filter(
        authorship_id__in=mention_ids
    ).values_list("authorship_id", "institution__slug"):
        institutions[authorship_id].add(slug)
    topics: dict[int, set[str]] = defaultdict(set)
    for paper_id, code in PaperTopic.objects.filter(paper_id__in=paper_ids).values_list(
        "paper_id", "topic__code"
    ):
        topics[paper_id].add(code)
    embeddings = {
        pk: tuple(float(value) for value in vector)
        for pk, vector in Paper.objects.filter(pk__in=paper_ids, embedding__isnull=False).values_list(
            "pk", "embedding"
        )
    }
    mentions = []
    author_of = {}
    for pk, author_id, written, paper_id, orcid, year, venue, category, title, abstract in rows:
        author_of[pk] = author_id
        mentions.append(
            clustering.BlockMention(
                id=pk,
                name=written,
                paper=paper_id,
                coauthors=tuple(name for other, name in names_on[paper_id] if other != pk),
                institutions=frozenset(institutions[pk]),
                topics=frozenset(topics[paper_id] | ({category} if category else set())),
                venue=venue or "",
                year=year,
                text=f"{title or ''} {abstract or ''}",
                orcid=orcid or "",
                embedding=embeddings.get(paper_id),
                author=author_id,
            )
        )
    paper_of = {mention.id: mention.paper for mention in mentions}
    return BlockData(mentions, author_of, _constraints(author_of, paper_of))


def _constraints(author_of: dict[int, int], paper_of: dict[int, int]) -> clustering.Constraints:
    """Must-link what people decided or confirmed; cannot-link what they kept apart."""
    mentions_of: dict[int, set[int]] = defaultdict(set)
    for mention_id, author_id in author_of.items():
        mentions_of[author_id].add(mention_id)
    ids = list(mentions_of)
    claimed = dict(
        Author.objects.filter(pk__in=ids, claimed_by__isnull=False).values_list("pk", "claimed_by_id")
    )
    decided_by_hand = set()
    for first, second in (
        AuthorIdentityLog.objects.filter(
            action__in=[AuthorIdentityLog.Action.MERGE, AuthorIdentityLog.Action.SPLIT],
            automatic=False,
            undone_at=None,
        )
        .filter(Q(author_id__in=ids) | Q(other_author_id__in=ids))
        .values_list("author_id", "other_author_id")
    ):
        decided_by_hand |= {first, second}
    must_link = [
        frozenset(mentions_of[author_id])
        for author_id in sorted(set(claimed) | decided_by_hand)
        if author_id in mentions_of
    ]
    # A listing (a researcher's profile page) says its papers are that researcher's.
    listed: dict[int, set[int]] = defaultdict(set)
    subject_papers = set(
        ImportRecord.objects.filter(
            paper_id__in=set(paper_of.values()), batch__subject_author_id__in=ids
        ).values_list("paper_id", "batch__subject_author_id")
    )
    for mention_id, author_id in author_of.items():
        if (paper_of.get(mention_id), author_id) in subject_papers:
            listed[author_id].add(mention_id)
    must_link += [frozenset(group) for _, group in sorted(listed.items()) if len(group) > 1]

    cannot_link = [
        (frozenset(mentions_of[low]), frozenset(mentions_of[high]))
        for low, high in DistinctAuthorPair.objects.filter(author_low_id__in=ids, author_high_id__in=ids)
        .order_by("pk")
        .values_list("author_low_id", "author_high_id")
    ]
    owners = sorted(claimed.items())
    for index, (first, first_owner) in enumerate(owners):
        for second, second_owner in owners[index + 1 :]:
            if first_owner != second_owner:
                cannot_link.append((frozenset(mentions_of[first]), frozenset(mentions_of[second])))
    return clustering.Constraints(must_link=tuple(must_link), cannot_link=tuple(cannot_link))


# --- re-clustering -----------------------------------------------------------------------------


def blocks_recluster(*, batch=None, block_keys: Sequence[str] | None = None) -> ReclusterOutcome:
    """Re-cluster the given blocks (or every block the batch touched), one transaction each."""
    keys = list(block_keys) if block_keys is not None else batch_block_keys(batch=batch)
    outcome = ReclusterOutcome()
    for key in keys:
        outcome.add(block_recluster(block_key=key, batch=batch))
    return outcome


def _block_lock(block_key: str) -> None:
    """Two workers never re-cluster one block at once (an advisory lock on the key's hash)."""
    digest = int.from_bytes(hashlib.blake2b(block_key.encode(), digest_size=8).digest(), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [digest])


@transaction.atomic
def block_recluster(*, block_key: str, batch=None) -> ReclusterOutcome:
    """Cluster one block again and move mentions to match, keeping each author's slug with the
    cluster holding most of their mentions."""
    _block_lock(block_key)
    outcome = ReclusterOutcome(blocks=1)
    data = block_data(block_key)
    outcome.mentions = len(data.mentions)
    if len(data.mentions) < 2 or len(data.mentions) > MAX_BLOCK_MENTIONS:
        return outcome
    result = clustering.cluster_block(data.mentions, data.constraints)
    assigned = clustering.assign_authors(result.clusters, data.author_of)
    names = {mention.id: mention.name for mention in data.mentions}
    for index, mention_ids in enumerate(result.clusters):
        target_id = assigned[index]
        moving: dict[int, list[int]] = defaultdict(list)
        for mention_id in mention_ids:
            if data.author_of[mention_id] != target_id:
                moving[data.author_of[mention_id]].append(mention_id)
        evidence = _why_apart(result, index)
        for source_id, ids in sorted(moving.items()):
            target_id = _move(
                source_id=source_id,
                target_id=target_id,
                authorship_ids=ids,
                block_key=block_key,
                written=names[ids[0]],
                evidence=evidence,
                batch=batch,
                outcome=outcome,
            )
        assigned[index] = target_id
    calls = sorted(result.close_calls, key=lambda call: -call[2].score)[:MAX_CLOSE_CALLS_PER_BLOCK]
    for first, second, link in calls:
        if assigned[first] and assigned[second] and assigned[first] != assigned[second]:
            item = duplicate_propose(
                author_id=assigned[first], other_id=assigned[second], evidence=link.as_dict(), batch=batch
            )
            outcome.proposals += item is not None
    return outcome


def _why_apart(result: clustering.Result, index: int) -> dict:
    """The strongest evidence that tied a final cluster to any other (for the stored reasons)."""
    links = [link for first, second, link in result.close_calls if index in (first, second)]
    best = max(links, key=lambda link: link.score, default=None)
    return best.as_dict() if best else {"score": None, "reasons": ["no other cluster came close"]}


def _move(
    *,
    source_id: int,
    target_id: int | None,
    authorship_ids: list[int],
    block_key: str,
    written: str,
    evidence: dict,
    batch,
    outcome: ReclusterOutcome,
) -> int | None:
    """Move mentions from one author to the cluster's author (a merge when they are all the
    source has); return the cluster's author id (a new one when it had none)."""
    source = Author.objects.get(pk=source_id)
    reason = f"re-clustering of block “{block_key}”"
    everything = set(Authorship.objects.filter(author_id=source_id).values_list("pk", flat=True))
    try:
        with transaction.atomic():
            if target_id is not None and everything == set(authorship_ids):
                target = Author.objects.get(pk=target_id)
                author_merge(survivor=target, merged=source, automatic=True, reason=reason, evidence=evidence)
                action = Decided.MERGED
                outcome.merges += 1
            else:
                target = Author.objects.get(pk=target_id) if target_id is not None else None
                log = author_split(
                    author=source, authorship_ids=authorship_ids, target=target, reason=reason, automatic=True
                )
                target = log.other_author
                action = Decided.SPLIT
                outcome.splits += 1
    except IdentityError:
        outcome.skipped += 1
        return target_id
    IdentityDecision.objects.create(
        action=action,
        name=written[:300],
        block_key=block_key[:300],
        author=target,
        other_author=source,
        score=evidence.get("score"),
        reasons=[f"{reason}: {len(authorship_ids)} paper(s) moved", *evidence.get("reasons", [])],
        evidence=[evidence],
        batch=batch,
    )
    return target.pk
