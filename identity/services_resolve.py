"""The author resolver behind every import: the database side of ``identity.evidence``.

For a written name it gathers candidates (same family name and first initial), describes each
by what their papers say, lets ``identity.decide`` choose, and records the decision with its
evidence (:class:`IdentityDecision`). Unclear cases become a new author plus a "possible same
person" curation item; two existing authors that turn out to be one person (a mention fits
both, or an open item's evidence has grown) are merged automatically when the pair's evidence
is clear, through ``identity.services.author_merge`` (logged and reversible).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from pgvector.django import CosineDistance

from common.text import normalize_key, slug_base
from curation import services as curation_services
from curation.models import CurationItem
from identity import evidence as identity
from identity.models import AuthorIdentityLog, DistinctAuthorPair, IdentityDecision
from identity.names import clean_display_name, name_key, parse_name
from identity.services import (
    IdentityError,
    alias_add,
    author_create,
    author_merge,
    author_split,
    distinct_pair_exists,
    merge_survivor,
)
from ingest.models import ImportRecord
from papers.models import Authorship, Paper, PaperTopic
from profiles.models import Author, AuthorAlias
from profiles.orcid import IDENTITY_SOURCES

Decided = IdentityDecision.Action
MAX_TEXTS_PER_CANDIDATE = 40
MAX_LISTING_RECORDS = 200
MAX_OPEN_ITEMS_RECHECKED = 5

# Table names come from the models (Authorship is papers' table), never written out here.
_COAUTHORS_SQL = f"""
SELECT mine.author_id, theirs.author_id, theirs.name_as_written
FROM {Authorship._meta.db_table} AS mine
JOIN {Authorship._meta.db_table} AS theirs
  ON theirs.paper_id = mine.paper_id AND theirs.author_id <> mine.author_id
WHERE mine.author_id = ANY(%s)
"""
_PAIR_PAPERS_SQL = f"""
SELECT COUNT(*) FILTER (WHERE NOT a.from_subject AND NOT b.from_subject),
       COUNT(*) FILTER (WHERE a.from_subject <> b.from_subject)
FROM {Authorship._meta.db_table} AS a
JOIN {Authorship._meta.db_table} AS b ON b.paper_id = a.paper_id
WHERE a.author_id = %s AND b.author_id = %s
"""


# --- describing candidates -----------------------------------------------------------------


def survivor_ids(author_ids: Iterable[int]) -> dict[int, int]:
    """Map each author id to the id of the author it was (perhaps transitively) merged into."""
    result = {author_id: author_id for author_id in author_ids}
    pending = set(result.values())
    for _ in range(10):
        links = dict(
            Author.objects.filter(pk__in=pending, merged_into__isnull=False).values_list(
                "pk", "merged_into_id"
            )
        )
        if not links:
            break
        for original, current in result.items():
            if current in links:
                result[original] = links[current]
        pending = set(links.values())
    return result


def candidate_profiles(
    author_ids: Sequence[int],
    *,
    batch=None,
    paper: Paper | None = None,
    subject_ids: Iterable[int] = (),
    mention_key: str = "",
    listing: dict | None = None,
) -> list[identity.Candidate]:
    """Describe authors by their names, co-authors, institutions, topics and papers' text."""
    ids = list(dict.fromkeys(author_ids))
    if not ids:
        return []
    subject_ids = set(subject_ids)
    rows = Author.objects.filter(pk__in=ids).values_list(
        "pk", "display_name", "claimed_by_id", "institution__slug", "orcid", "orcid_source"
    )
    names: dict[int, list[str]] = defaultdict(list)
    institutions: dict[int, set[str]] = defaultdict(set)
    orcids: dict[int, set[str]] = defaultdict(set)
    claimed: dict[int, int | None] = {}
    for pk, display_name, claimed_by_id, institution_slug, orcid, orcid_source in rows:
        names[pk].append(display_name)
        claimed[pk] = claimed_by_id
        if institution_slug:
            institutions[pk].add(institution_slug)
        if orcid and orcid_source in IDENTITY_SOURCES:  # an owner-typed iD is only their word
            orcids[pk].add(orcid)
    for author_id, alias in AuthorAlias.objects.filter(author_id__in=ids).values_list("author_id", "name"):
        names[author_id].append(alias)

    papers: dict[int, list[tuple]] = defaultdict(list)
    topics: dict[int, set[str]] = defaultdict(set)
    on_paper: set[int] = set()
    same_batch_name: set[int] = set()
    for author_id, paper_id, code, arxiv_id, doi, title_key, written_orcid in (
        Authorship.objects.filter(author_id__in=ids)
        .order_by("-paper__year", "-paper_id")
        .values_list(
            "author_id",
            "paper_id",
            "paper__primary_category__code",
            "paper__arxiv_id",
            "paper__doi",
            "paper__normalized_title",
            "orcid",
        )
    ):
        papers[author_id].append((paper_id, arxiv_id, doi, title_key))
        if written_orcid:
            orcids[author_id].add(written_orcid)
        if code:
            topics[author_id].add(code)
        if paper is not None and paper_id == paper.pk:
            on_paper.add(author_id)
    for author_id, code in (
        PaperTopic.objects.filter(paper__authorships__author_id__in=ids)
        .values_list("paper__authorships__author_id", "topic__code")
        .distinct()
    ):
        topics[author_id].add(code)
    for author_id, slug in (
        Authorship.institutions.through.objects.filter(authorship__author_id__in=ids)
        .values_list("authorship__author_id", "institution__slug")
        .distinct()
    ):
        institutions[author_id].add(slug)

    coauthor_names: dict[int, set[str]] = defaultdict(set)
    coauthor_ids: dict[int, set[int]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(_COAUTHORS_SQL, [ids])
        for author_id, other_id, written in cursor.fetchall():
            coauthor_names[author_id].add(written)
            coauthor_ids[author_id].add(other_id)

    # Text of each candidate's most recent papers (one query for all of them).
    recent = {
        author_id: [paper_row[0] for paper_row in paper_rows[:MAX_TEXTS_PER_CANDIDATE]]
        for author_id, paper_rows in papers.items()
    }
    text_of = {
        pk: f"{title} {abstract}"
        for pk, title, abstract in Paper.objects.filter(
            pk__in={pk for pks in recent.values() for pk in pks}
        ).values_list("pk", "title", "abstract")
    }
    if batch is not None and mention_key:
        for author_id, written in (
            Authorship.objects.filter(author_id__in=ids, paper__import_records__batch=batch)
            .exclude(paper=paper)
            .values_list("author_id", "name_as_written")
            .distinct()
        ):
            if name_key(written) == mention_key:
                same_batch_name.add(author_id)
    embedding = _embedding_similarities(ids, paper)

    candidates = []
    for pk in ids:
        if pk not in claimed:
            continue
        listing_papers = 0
        if listing:
            listing_papers = sum(
                1
                for _, arxiv_id, doi, title_key in papers[pk]
                if (arxiv_id and arxiv_id in listing["arxiv"])
                or (doi and doi in listing["doi"])
                or (title_key and title_key in listing["titles"])
            )
        candidates.append(
            identity.Candidate(
                author_id=pk,
                names=tuple(dict.fromkeys(names[pk])),
                coauthors=tuple(sorted(coauthor_names[pk])),
                coauthor_ids=frozenset(coauthor_ids[pk]),
                institutions=frozenset(institutions[pk]),
                topics=frozenset(topics[pk]),
                texts=tuple(text_of[paper_id] for paper_id in recent.get(pk, []) if paper_id in text_of),
                paper_count=len(papers[pk]),
                claimed_by=claimed[pk],
                is_subject=pk in subject_ids,
                on_paper=pk in on_paper,
                listing_papers=listing_papers,
                same_batch_name=pk in same_batch_name,
                embedding_similarity=embedding.get(pk),
                orcids=frozenset(orcids[pk]),
            )
        )
    return candidates


def _embedding_similarities(author_ids: list[int], paper: Paper | None) -> dict[int, float]:
    """Mean cosine similarity of the paper's embedding to each candidate's other papers."""
    if paper is None or getattr(paper, "embedding", None) is None:
        return {}
    rows = (
        Authorship.objects.filter(author_id__in=author_ids, paper__embedding__isnull=False)
        .exclude(paper=paper)
        .annotate(distance=CosineDistance("paper__embedding", paper.embedding))
        .values_list("author_id", "distance")
    )
    distances: dict[int, list[float]] = defaultdict(list)
    for author_id, distance in rows:
        distances[author_id].append(distance)
    return {author_id: 1 - sum(values) / len(values) for author_id, values in distances.items() if values}


def _listing_of(batch) -> tuple[dict, str]:
    """What an import's records identify (arXiv ids, DOIs, titles) and a sample of their text."""
    listing: dict = {"arxiv": set(), "doi": set(), "titles": set()}
    texts = []
    for data in ImportRecord.objects.filter(batch=batch).values_list("data", flat=True)[:MAX_LISTING_RECORDS]:
        if data.get("arxiv_id"):
            listing["arxiv"].add(data["arxiv_id"])
        if data.get("doi"):
            listing["doi"].add(data["doi"])
        if data.get("title"):
            listing["titles"].add(normalize_key(data["title"])[:500])
            texts.append(f"{data.get('title') or ''} {data.get('abstract') or ''}")
        elif data.get("abstract"):
            texts.append(data["abstract"])
    return listing, " ".join(texts[:30])


# --- resolving one written name ------------------------------------------------------------


def author_resolve_mention(
    *,
    name: str,
    batch=None,
    paper: Paper | None = None,
    coauthor_names: Sequence[str] = (),
    institution_names: Sequence[str] = (),
    topic_codes: Sequence[str] = (),
    known_authors: Sequence[Author] = (),
    exclude_author_ids: Iterable[int] = (),
    orcid: str = "",
) -> tuple[Author, bool]:
    """Find the author a written name refers to, or create one; record why. (author, created)"""
    written = clean_display_name(name)
    parsed = parse_name(written)
    exclude = set(exclude_author_ids)
    subject_ids = set(survivor_ids([author.pk for author in known_authors if author is not None]).values())
    candidate_ids = set(
        AuthorAlias.objects.filter(block_key=parsed.block_key, author__merged_into=None).values_list(
            "author_id", flat=True
        )
    )
    if orcid:
        candidate_ids |= authors_with_orcid(orcid)
    candidate_ids = sorted((candidate_ids | subject_ids) - exclude)

    mention, listing = _mention(written, paper, coauthor_names, institution_names, topic_codes, batch)
    mention = dataclasses.replace(mention, orcid=orcid)
    candidates = candidate_profiles(
        candidate_ids,
        batch=batch,
        paper=paper,
        subject_ids=subject_ids,
        mention_key=parsed.key,
        listing=listing,
    )
    decision = identity.decide(mention, candidates)
    common = {"name": written[:300], "block_key": parsed.block_key[:300], "batch": batch, "paper": paper}
    evidence = [item.as_dict() for item in decision.evidence]

    if decision.action == "match":
        author = Author.objects.get(pk=decision.author_id)
        alias_add(author=author, name=written, batch=batch)
        others = [item for item in decision.evidence if item.author_id != author.pk]
        IdentityDecision.objects.create(
            action=Decided.MATCHED,
            author=author,
            other_author_id=others[0].author_id if others else None,
            score=decision.score,
            reasons=list(decision.reasons),
            evidence=evidence,
            **common,
        )
        rechecked = set()
        for other_id in decision.also_fits:
            author = pair_reconsider(author.pk, other_id, batch=batch, prefer_ids=subject_ids) or author
            rechecked.add(other_id)
        for other_id in _open_duplicates(author.pk, exclude=rechecked | exclude):
            author = pair_reconsider(author.pk, other_id, batch=batch, prefer_ids=subject_ids) or author
        return author, False

    author = author_create(name=written, batch=batch)
    IdentityDecision.objects.create(
        action=Decided.UNSURE if decision.possible else Decided.CREATED,
        author=author,
        other_author_id=decision.possible[0] if decision.possible else None,
        score=decision.score,
        reasons=list(decision.reasons),
        evidence=evidence,
        **common,
    )
    by_id = {item.author_id: item for item in decision.evidence}
    for other_id in decision.possible:
        duplicate_propose(
            author_id=author.pk, other_id=other_id, evidence=by_id[other_id].as_dict(), batch=batch
        )
    return author, True


def authors_with_orcid(orcid: str) -> set[int]:
    """Current authors carrying this ORCID iD (from an import or an admin, never one their owner
    typed: that would let anyone pull another person's papers onto their profile) or credited
    with a paper under it, whatever the name."""
    ids = set(
        Author.objects.filter(orcid=orcid, orcid_source__in=IDENTITY_SOURCES).values_list("pk", flat=True)
    )
    ids |= set(Authorship.objects.filter(orcid=orcid).values_list("author_id", flat=True).distinct())
    return set(survivor_ids(ids).values())


def _mention(written, paper, coauthor_names, institution_names, topic_codes, batch):
    """The mention as identity sees it; a name with neither paper nor co-authors stands for the
    whole listing it came with (an import's named researcher)."""
    coauthors = list(coauthor_names)
    if written in coauthors:
        coauthors.remove(written)
    else:
        own = name_key(written)
        coauthors = [other for other in coauthors if name_key(other) != own] if own else coauthors
    topics = {code for code in topic_codes if code}
    text = ""
    if paper is not None:
        text = f"{paper.title} {paper.abstract}"
        if paper.primary_category_id:
            topics.add(paper.primary_category.code)
    listing = None
    if paper is None and not coauthors and batch is not None:
        listing, text = _listing_of(batch)
    mention = identity.Mention(
        name=written,
        coauthors=tuple(coauthors),
        institutions=frozenset(
            slug_base(name, 300, hash_when_cut=True) for name in institution_names if name.strip()
        ),
        topics=frozenset(topics),
        text=text,
    )
    return mention, listing


def _open_duplicates(author_id: int, *, exclude: set[int]) -> list[int]:
    others = []
    for first, second in (
        CurationItem.objects.filter(
            kind=CurationItem.Kind.POSSIBLE_DUPLICATE, status=CurationItem.Status.OPEN
        )
        .filter(Q(author_id=author_id) | Q(other_author_id=author_id))
        .values_list("author_id", "other_author_id")[:MAX_OPEN_ITEMS_RECHECKED]
    ):
        other = second if first == author_id else first
        if other and other not in exclude:
            others.append(other)
    return others


# --- two existing authors ------------------------------------------------------------------


def pair_evidence(first_id: int, second_id: int) -> identity.Evidence:
    """Evidence that two existing authors are one person (for the resolver, command and admin)."""
    profiles = {candidate.author_id: candidate for candidate in candidate_profiles([first_id, second_id])}
    if first_id not in profiles or second_id not in profiles:
        return identity.Evidence(second_id, float("-inf"), "none", {}, ("an author is missing",))
    with connection.cursor() as cursor:
        cursor.execute(_PAIR_PAPERS_SQL, [first_id, second_id])
        co_listed, placeholder_links = cursor.fetchone()
    return identity.score_pair(
        profiles[first_id],
        profiles[second_id],
        co_listed=co_listed,
        placeholder_links=placeholder_links,
        distinct=distinct_pair_exists(first_id, second_id),
    )


def pair_reconsider(first_id: int, second_id: int, *, batch=None, prefer_ids=(), actor=None) -> Author | None:
    """Merge two authors when the pair's evidence is clear, else (maybe) propose them.

    Returns the surviving author when a merge happened, else None.
    """
    authors = {
        author.pk: author for author in Author.objects.filter(pk__in=[first_id, second_id], merged_into=None)
    }
    if len(authors) != 2:
        return None
    evidence = pair_evidence(first_id, second_id)
    action = identity.pair_action(evidence)
    if action == "propose":
        duplicate_propose(author_id=first_id, other_id=second_id, evidence=evidence.as_dict(), batch=batch)
        return None
    if action != "merge":
        return None
    survivor, merged = merge_survivor(authors[first_id], authors[second_id], prefer_ids=tuple(prefer_ids))
    author_merge(
        survivor=survivor,
        merged=merged,
        actor=actor,
        automatic=True,
        reason="; ".join(evidence.reasons),
        evidence=evidence.as_dict(),
    )
    IdentityDecision.objects.create(
        action=Decided.MERGED,
        name=merged.display_name[:300],
        block_key=parse_name(merged.display_name).block_key[:300],
        author=survivor,
        other_author=merged,
        score=evidence.score,
        reasons=list(evidence.reasons),
        evidence=[evidence.as_dict()],
        batch=batch,
    )
    return Author.objects.get(pk=survivor.pk)


def duplicate_propose(*, author_id: int, other_id: int, evidence: dict, batch=None) -> CurationItem | None:
    """One open "possible same person" item per pair, never for a pair marked different."""
    if author_id == other_id or distinct_pair_exists(author_id, other_id):
        return None
    existing = (
        CurationItem.objects.filter(
            kind=CurationItem.Kind.POSSIBLE_DUPLICATE, status=CurationItem.Status.OPEN
        )
        .filter(
            Q(author_id=author_id, other_author_id=other_id)
            | Q(author_id=other_id, other_author_id=author_id)
        )
        .first()
    )
    if existing is not None:
        curation_services.item_details_update(
            item=existing, details={"evidence": evidence, "score": evidence.get("score")}
        )
        return existing
    names = dict(Author.objects.filter(pk__in=[author_id, other_id]).values_list("pk", "display_name"))
    if len(names) != 2:
        return None
    return curation_services.item_open(
        kind=CurationItem.Kind.POSSIBLE_DUPLICATE,
        batch=batch,
        author_id=author_id,
        other_author_id=other_id,
        summary=f"“{names[author_id]}” may be the same person as “{names[other_id]}”"[:500],
        details={"evidence": evidence, "score": evidence.get("score")},
    )


def distinct_pairs_of(author_ids: Iterable[int]) -> set[tuple[int, int]]:
    ids = list(author_ids)
    return set(
        DistinctAuthorPair.objects.filter(Q(author_low_id__in=ids) | Q(author_high_id__in=ids)).values_list(
            "author_low_id", "author_high_id"
        )
    )


# --- re-running resolution over existing data (manage.py resolve_authors) ------------------


@dataclass(frozen=True)
class PlannedChange:
    """One change the re-run would make (or made): ``keys``, ``split``, ``merge`` or ``propose``."""

    kind: str
    author_id: int | None
    other_id: int | None
    description: str
    score: float | None = None
    reasons: tuple[str, ...] = ()
    authorship_ids: tuple[int, ...] = ()


def aliases_with_stale_keys() -> list[tuple[int, str, str]]:
    """(alias id, new normalized name, new block key) for aliases written under older rules."""
    stale = []
    for pk, name, normalized, block in AuthorAlias.objects.values_list(
        "pk", "name", "normalized_name", "block_key"
    ):
        new_normalized, new_block = name_key(name)[:300], parse_name(name).block_key[:300]
        if (normalized, block) != (new_normalized, new_block):
            stale.append((pk, new_normalized, new_block))
    return stale


def mentions_incompatible() -> list[PlannedChange]:
    """Authorships whose written name cannot be their author's (a looser old rule put them there).

    Authors an admin merged by hand are left alone: the admin decided those names go together.
    """
    hand_merged = set(
        AuthorIdentityLog.objects.filter(
            action=AuthorIdentityLog.Action.MERGE, automatic=False, undone_at=None
        ).values_list("author_id", flat=True)
    )
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    written_of: dict[tuple[int, str], str] = {}
    display_of: dict[int, str] = {}
    for pk, author_id, written, display in (
        Authorship.objects.filter(author__merged_into=None, from_subject=False)
        .exclude(author_id__in=hand_merged)
        .values_list("pk", "author_id", "name_as_written", "author__display_name")
    ):
        if identity.best_relation([written], [display]) is None:
            key = (author_id, name_key(written))
            groups[key].append(pk)
            written_of[key] = written
            display_of[author_id] = display
    return [
        PlannedChange(
            kind="split",
            author_id=author_id,
            other_id=None,
            description=f"{len(ids)} paper(s) written “{written_of[(author_id, key)]}” are on "
            f"“{display_of[author_id]}” (#{author_id}), whose name cannot be written that way",
            authorship_ids=tuple(ids),
        )
        for (author_id, key), ids in sorted(groups.items())
    ]


def _ordered(first: int, second: int) -> tuple[int, int]:
    return (first, second) if first < second else (second, first)


def blocks_with_several_authors(block_keys: Sequence[str] | None = None) -> dict[str, list[int]]:
    rows = AuthorAlias.objects.filter(author__merged_into=None).exclude(block_key="")
    if block_keys:
        rows = rows.filter(block_key__in=block_keys)
    blocks: dict[str, set[int]] = defaultdict(set)
    for key, author_id in rows.values_list("block_key", "author_id").distinct():
        blocks[key].add(author_id)
    return {key: sorted(ids) for key, ids in blocks.items() if len(ids) > 1}


def pairs_planned(block_keys: Sequence[str] | None = None, progress=None) -> list[PlannedChange]:
    """Every pair of current authors in a block whose evidence says merge or ask an admin."""
    changes = []
    seen: set[tuple[int, int]] = set()
    blocks = blocks_with_several_authors(block_keys)
    already_asked = {
        _ordered(first, second)
        for first, second in CurationItem.objects.filter(
            kind=CurationItem.Kind.POSSIBLE_DUPLICATE, status=CurationItem.Status.OPEN
        ).values_list("author_id", "other_author_id")
        if first and second
    }
    names = dict(
        Author.objects.filter(pk__in={pk for ids in blocks.values() for pk in ids}).values_list(
            "pk", "display_name"
        )
    )
    for ids in progress(blocks.values()) if progress else blocks.values():
        for index, first in enumerate(ids):
            for second in ids[index + 1 :]:
                if (first, second) in seen:
                    continue
                seen.add((first, second))
                evidence = pair_evidence(first, second)
                action = identity.pair_action(evidence)
                if action == "keep" or (action == "propose" and (first, second) in already_asked):
                    continue
                changes.append(
                    PlannedChange(
                        kind=action,
                        author_id=first,
                        other_id=second,
                        description=f"“{names.get(first)}” (#{first}) and “{names.get(second)}” (#{second})",
                        score=evidence.score,
                        reasons=evidence.reasons,
                    )
                )
    return changes


def authors_reconcile(
    *, dry_run: bool, block_keys: Sequence[str] | None = None, progress=None
) -> list[PlannedChange]:
    """Re-run resolution over existing data: refresh name keys, move names an author cannot
    have, merge pairs whose evidence is clear, propose unclear ones. With ``dry_run`` nothing
    is written; the list says what would change."""
    changes: list[PlannedChange] = []
    stale = aliases_with_stale_keys()
    if stale:
        changes.append(
            PlannedChange("keys", None, None, f"{len(stale)} alias(es) get name keys of the current rules")
        )
        if not dry_run:
            AuthorAlias.objects.bulk_update(
                [
                    AuthorAlias(pk=pk, normalized_name=normalized, block_key=block)
                    for pk, normalized, block in stale
                ],
                ["normalized_name", "block_key"],
                batch_size=2000,
            )
    splits = mentions_incompatible()
    changes += splits
    if not dry_run:
        for change in splits:
            with transaction.atomic():
                author = Author.objects.get(pk=change.author_id)
                written = (
                    Authorship.objects.filter(pk__in=change.authorship_ids)
                    .values_list("name_as_written", flat=True)
                    .first()
                )
                target = _exact_namesake(written, exclude=author.pk) if written else None
                options = {"author": author, "authorship_ids": list(change.authorship_ids)}
                reason = "resolve_authors: name incompatible with the author"
                try:
                    author_split(**options, target=target, reason=reason)
                except IdentityError:  # the namesake is on one of these papers: a new author
                    author_split(**options, target=None, reason=reason)
    pairs = pairs_planned(block_keys, progress)
    changes += pairs
    if not dry_run:
        for change in pairs:
            with transaction.atomic():
                pair_reconsider(change.author_id, change.other_id)
    return changes


def _exact_namesake(written: str, *, exclude: int) -> Author | None:
    """An existing author already carrying exactly this name, if there is exactly one."""
    key = name_key(written)
    ids = set(
        AuthorAlias.objects.filter(normalized_name=key, author__merged_into=None)
        .exclude(author_id=exclude)
        .values_list("author_id", flat=True)
    )
    return Author.objects.get(pk=ids.pop()) if len(ids) == 1 else None


def authors_side_by_side(first_id: int, second_id: int) -> dict:
    """What an admin needs to compare two authors, and the evidence that they are one person."""
    from collections import Counter

    ids = [first_id, second_id]
    authors = {
        author.pk: author for author in Author.objects.filter(pk__in=ids).select_related("institution")
    }
    aliases: dict[int, list[str]] = defaultdict(list)
    for author_id, alias in (
        AuthorAlias.objects.filter(author_id__in=ids).order_by("name").values_list("author_id", "name")
    ):
        aliases[author_id].append(alias)
    titles: dict[int, list[str]] = defaultdict(list)
    counts: Counter[int] = Counter()
    for author_id, title in (
        Authorship.objects.filter(author_id__in=ids)
        .order_by("-paper__year", "-paper_id")
        .values_list("author_id", "paper__title")
    ):
        counts[author_id] += 1
        if len(titles[author_id]) < 5:
            titles[author_id].append(title or "(untitled)")
    coauthors: dict[int, Counter[str]] = defaultdict(Counter)
    with connection.cursor() as cursor:
        cursor.execute(_COAUTHORS_SQL, [ids])
        for author_id, _, written in cursor.fetchall():
            coauthors[author_id][written] += 1
    topics: dict[int, set[str]] = defaultdict(set)
    for author_id, code in (
        Authorship.objects.filter(author_id__in=ids, paper__primary_category__isnull=False)
        .values_list("author_id", "paper__primary_category__code")
        .distinct()
    ):
        topics[author_id].add(code)
    institutions: dict[int, set[str]] = defaultdict(set)
    for author_id, name in (
        Authorship.institutions.through.objects.filter(authorship__author_id__in=ids)
        .values_list("authorship__author_id", "institution__name")
        .distinct()
    ):
        institutions[author_id].add(name)
    sides = []
    for pk in ids:
        author = authors.get(pk)
        if author is None:
            continue
        if author.institution:
            institutions[pk].add(author.institution.name)
        sides.append(
            {
                "author": author,
                "aliases": aliases[pk],
                "paper_count": counts[pk],
                "recent_titles": titles[pk],
                "coauthors": [name for name, _ in coauthors[pk].most_common(8)],
                "institutions": sorted(institutions[pk]),
                "topics": sorted(topics[pk]),
            }
        )
    evidence = pair_evidence(first_id, second_id) if len(sides) == 2 else None
    return {"sides": sides, "evidence": evidence}
