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
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import DataError, IntegrityError, connection, transaction
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

logger = logging.getLogger(__name__)
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
_PAIRS_PAPERS_SQL = f"""
SELECT pair.first_id, pair.second_id,
       COUNT(*) FILTER (WHERE NOT a.from_subject AND NOT b.from_subject),
       COUNT(*) FILTER (WHERE a.from_subject <> b.from_subject)
FROM unnest(%s::bigint[], %s::bigint[]) AS pair(first_id, second_id)
JOIN {Authorship._meta.db_table} AS a ON a.author_id = pair.first_id
JOIN {Authorship._meta.db_table} AS b ON b.paper_id = a.paper_id AND b.author_id = pair.second_id
GROUP BY pair.first_id, pair.second_id
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


@dataclass
class Described:
    """An author as their stored papers describe them, before any one mention is considered."""

    candidate: identity.Candidate
    papers: list[tuple] = dataclasses.field(default_factory=list)  # (id, arXiv id, DOI, title key)
    batch_names: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # (paper id, written)


def authors_describe(author_ids: Sequence[int], *, batch=None) -> dict[int, Described]:
    """Describe authors by their names, co-authors, institutions, topics and papers' text
    (a fixed number of queries for any number of authors)."""
    ids = list(dict.fromkeys(author_ids))
    if not ids:
        return {}
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
    batch_names: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if batch is not None:
        for author_id, paper_id, written in (
            Authorship.objects.filter(author_id__in=ids, paper__import_records__batch=batch)
            .values_list("author_id", "paper_id", "name_as_written")
            .distinct()
        ):
            batch_names[author_id].append((paper_id, written))

    return {
        pk: Described(
            candidate=identity.Candidate(
                author_id=pk,
                names=tuple(dict.fromkeys(names[pk])),
                coauthors=tuple(sorted(coauthor_names[pk])),
                coauthor_ids=frozenset(coauthor_ids[pk]),
                institutions=frozenset(institutions[pk]),
                topics=frozenset(topics[pk]),
                texts=tuple(text_of[paper_id] for paper_id in recent.get(pk, []) if paper_id in text_of),
                paper_count=len(papers[pk]),
                claimed_by=claimed[pk],
                orcids=frozenset(orcids[pk]),
            ),
            papers=papers[pk],
            batch_names=batch_names[pk],
        )
        for pk in ids
        if pk in claimed
    }


def _for_mention(
    described: Described,
    *,
    paper: Paper | None,
    subject_ids: set[int],
    mention_key: str,
    listing: dict | None,
    embedding: dict[int, float],
) -> identity.Candidate:
    """The facts that depend on the mention: its paper, its import, the listing's subject."""
    pk = described.candidate.author_id
    listing_papers = 0
    if listing:
        listing_papers = sum(
            1
            for _, arxiv_id, doi, title_key in described.papers
            if (arxiv_id and arxiv_id in listing["arxiv"])
            or (doi and doi in listing["doi"])
            or (title_key and title_key in listing["titles"])
        )
    paper_id = paper.pk if paper is not None else None
    return dataclasses.replace(
        described.candidate,
        is_subject=pk in subject_ids,
        on_paper=paper_id is not None and any(row[0] == paper_id for row in described.papers),
        listing_papers=listing_papers,
        same_batch_name=bool(mention_key)
        and any(
            other != paper_id and name_key(written) == mention_key for other, written in described.batch_names
        ),
        embedding_similarity=embedding.get(pk),
    )


def candidate_profiles(
    author_ids: Sequence[int],
    *,
    batch=None,
    paper: Paper | None = None,
    subject_ids: Iterable[int] = (),
    mention_key: str = "",
    listing: dict | None = None,
) -> list[identity.Candidate]:
    """Describe authors as candidates for one mention (its paper, import and listing)."""
    ids = list(dict.fromkeys(author_ids))
    if not ids:
        return []
    described = authors_describe(ids, batch=batch if mention_key else None)
    return _candidates(
        described, ids, paper=paper, subject_ids=set(subject_ids), mention_key=mention_key, listing=listing
    )


def _candidates(
    described: dict[int, Described],
    author_ids: Sequence[int],
    *,
    paper: Paper | None,
    subject_ids: set[int],
    mention_key: str,
    listing: dict | None,
) -> list[identity.Candidate]:
    """The described authors as candidates for one mention, in ``author_ids`` order."""
    embedding = _embedding_similarities(list(author_ids), paper) if author_ids else {}
    return [
        _for_mention(
            described[pk],
            paper=paper,
            subject_ids=subject_ids,
            mention_key=mention_key,
            listing=listing,
            embedding=embedding,
        )
        for pk in author_ids
        if pk in described
    ]


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
    chunk: ChunkIdentity | None = None,
) -> tuple[Author, bool]:
    """Find the author a written name refers to, or create one; record why. (author, created)

    With ``chunk`` (placement passes one per chunk of records) candidates are described once
    per chunk, and the re-checks of other authors the mention also fits wait for the record's
    end (:meth:`ChunkIdentity.settle`), each pair once.
    """
    written = clean_display_name(name)
    parsed = parse_name(written)
    exclude = set(exclude_author_ids)
    subject_ids = set(survivor_ids([author.pk for author in known_authors if author is not None]).values())
    if chunk is not None:
        candidate_ids = chunk.compatible(written, block_key=parsed.block_key)
    else:
        candidate_ids = compatible_in_block(written, block_key=parsed.block_key)
    if orcid:
        candidate_ids |= authors_with_orcid(orcid)
    candidate_ids = sorted((candidate_ids | subject_ids) - exclude)

    mention, listing = _mention(written, paper, coauthor_names, institution_names, topic_codes, batch)
    mention = dataclasses.replace(mention, orcid=orcid)
    profile = dict(
        paper=paper,
        subject_ids=subject_ids,
        mention_key=parsed.key,
        listing=listing,
    )
    if chunk is not None:
        candidates = chunk.candidates(candidate_ids, **profile)
    else:
        candidates = candidate_profiles(candidate_ids, batch=batch, **profile)
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
        if chunk is not None:
            chunk.credited(author, written=written, mention=mention, paper=paper)
            chunk.recheck_later(author.pk, decision.also_fits, exclude=exclude, prefer_ids=subject_ids)
            return author, False
        rechecked = set()
        for other_id in decision.also_fits:
            author = pair_reconsider(author.pk, other_id, batch=batch, prefer_ids=subject_ids) or author
            rechecked.add(other_id)
        for _, other_id in _open_duplicates_of({author.pk}):
            if other_id in rechecked | exclude:
                continue
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
    if chunk is not None:
        chunk.credited(author, written=written, mention=mention, paper=paper)
    by_id = {item.author_id: item for item in decision.evidence}
    for other_id in decision.possible:
        duplicate_propose(
            author_id=author.pk, other_id=other_id, evidence=by_id[other_id].as_dict(), batch=batch
        )
    return author, True


class ChunkIdentity:
    """Identity's view of one chunk of records being placed (``ingest.services.batch_place_chunk``).

    The blocks of every name in the chunk are read at once and each candidate is described
    from the database once per chunk. When a record credits or creates an author, what the
    record says (name, paper, co-authors, institutions, topics, text) is added to that
    description in memory, so later records of the chunk see it without reading the author's
    whole history again. Co-author *ids* are not tracked there: only the pair re-checks use
    them, and those read the database. Re-checks of pairs a mention also fits (or that an open
    "possible same person" item names) run once per pair after each record (:meth:`settle`).
    """

    def __init__(self, *, batch=None, names: Iterable[str] = ()) -> None:
        self.batch = batch
        self._blocks: dict[str, set[int]] = {}
        self._forms: dict[int, list[str]] = defaultdict(list)
        self._described: dict[int, Described] = {}
        self._matched: dict[int, tuple[set[int], set[int]]] = {}  # author -> (exclude, prefer)
        self._also_fits: list[tuple[int, int, set[int]]] = []
        keys = {parse_name(clean_display_name(name)).block_key for name in names if isinstance(name, str)}
        self._blocks_load(keys - {""})

    def _blocks_load(self, keys: set[str]) -> None:
        for key in keys:
            self._blocks.setdefault(key, set())
        if not keys:
            return
        ids = set()
        for key, author_id in AuthorAlias.objects.filter(
            block_key__in=keys, author__merged_into=None
        ).values_list("block_key", "author_id"):
            self._blocks[key].add(author_id)
            ids.add(author_id)
        self._forms_load(ids)

    def _forms_load(self, ids: set[int]) -> None:
        if not ids:
            return
        for author_id in ids:
            self._forms[author_id] = []
        for author_id, display_name in Author.objects.filter(pk__in=ids).values_list("pk", "display_name"):
            self._forms[author_id].append(display_name)
        for author_id, alias, key in AuthorAlias.objects.filter(author_id__in=ids).values_list(
            "author_id", "name", "block_key"
        ):
            self._forms[author_id].append(alias)
            if key in self._blocks:
                self._blocks[key].add(author_id)

    def compatible(self, written: str, *, block_key: str) -> set[int]:
        """As :func:`compatible_in_block`, from the chunk's blocks."""
        if block_key not in self._blocks:
            self._blocks_load({block_key})
        return {
            author_id
            for author_id in self._blocks[block_key]
            if identity.best_relation([written], self._forms[author_id])
        }

    def candidates(
        self,
        author_ids: Sequence[int],
        *,
        paper: Paper | None,
        subject_ids: set[int],
        mention_key: str,
        listing: dict | None,
    ) -> list[identity.Candidate]:
        unknown = [pk for pk in author_ids if pk not in self._described]
        if unknown:
            self._described.update(authors_describe(unknown, batch=self.batch))
        return _candidates(
            self._described,
            author_ids,
            paper=paper,
            subject_ids=subject_ids,
            mention_key=mention_key,
            listing=listing,
        )

    def credited(
        self, author: Author, *, written: str, mention: identity.Mention, paper: Paper | None
    ) -> None:
        """The chunk gave this author a mention (and perhaps a new name, or made them): add what
        the record says to their description, so later records of the chunk see it."""
        forms = self._forms[author.pk]
        for form in (author.display_name, written):
            if form not in forms:
                forms.append(form)
            key = parse_name(form).block_key
            if key in self._blocks:
                self._blocks[key].add(author.pk)
        described = self._described.get(author.pk)
        if described is None:
            described = Described(
                identity.Candidate(author_id=author.pk, names=(), claimed_by=author.claimed_by_id)
            )
            self._described[author.pk] = described
        candidate = described.candidate
        candidate.names = tuple(dict.fromkeys(candidate.names + (author.display_name, written)))
        if paper is None:
            return
        if any(row[0] == paper.pk for row in described.papers):
            return
        described.papers.insert(0, (paper.pk, paper.arxiv_id, paper.doi, paper.normalized_title))
        # Not ``batch_names``: a paper counts as this import's once its record is linked to it,
        # when the chunk commits; a name written twice within one chunk of a general listing is
        # no evidence of one person (two `Wei Wang`s), as without the chunk's view.
        candidate.coauthors = tuple(sorted(set(candidate.coauthors) | set(mention.coauthors)))
        candidate.institutions = candidate.institutions | mention.institutions
        candidate.topics = candidate.topics | mention.topics
        candidate.texts = ((mention.text,) + candidate.texts)[:MAX_TEXTS_PER_CANDIDATE]
        candidate.paper_count += 1
        if mention.orcid:
            candidate.orcids = candidate.orcids | {mention.orcid}

    def recheck_later(
        self, author_id: int, also_fits: Iterable[int], *, exclude: set[int], prefer_ids: set[int]
    ) -> None:
        exclude_before, prefer_before = self._matched.get(author_id, (set(), set()))
        self._matched[author_id] = (exclude_before | exclude, prefer_before | prefer_ids)
        self._also_fits.extend((author_id, other_id, prefer_ids) for other_id in also_fits)

    def settle(self) -> None:
        """Re-check, each pair once, what the last record left open: the pairs a mention also
        fitted, then open possible duplicates of every author it matched (what the resolver
        alone does after each mention). Merges are taken into the chunk's view at once, so the
        next record meets the merged profile."""
        pairs: dict[tuple[int, int], set[int]] = {}
        rechecked: dict[int, set[int]] = defaultdict(set)
        for author_id, other_id, prefer_ids in self._also_fits:
            pairs.setdefault((author_id, other_id), set()).update(prefer_ids)
            rechecked[author_id].add(other_id)
        for author_id, other_id in _open_duplicates_of(set(self._matched)):
            exclude, prefer_ids = self._matched[author_id]
            if other_id not in exclude | rechecked[author_id]:
                pairs.setdefault((author_id, other_id), set()).update(prefer_ids)
        self._also_fits, self._matched = [], {}
        for survivor_id, merged_id in pairs_reconsider(pairs, batch=self.batch):
            for members in self._blocks.values():
                members.discard(merged_id)
            self._described.pop(survivor_id, None)
            self._described.pop(merged_id, None)
            self._forms.pop(merged_id, None)
            self._forms_load({survivor_id})


def compatible_in_block(written: str, *, block_key: str) -> set[int]:
    """The current authors of a name's block whose names could be this one (three small queries).

    ``identity.decide`` never scores an author whose names are all incompatible with the
    mention (no ORCID in common), so describing them is wasted work: in a block such as
    `wang c` at a hundred thousand authorships that is most of the block.
    """
    return ChunkIdentity().compatible(written, block_key=block_key)


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


def _open_duplicates_of(author_ids: set[int]) -> list[tuple[int, int]]:
    """(author, other) for the open "possible same person" items of these authors (one query),
    at most ``MAX_OPEN_ITEMS_RECHECKED`` per author."""
    if not author_ids:
        return []
    found: dict[int, list[int]] = defaultdict(list)
    for first, second in (
        CurationItem.objects.filter(
            Q(author_id__in=author_ids) | Q(other_author_id__in=author_ids),
            kind=CurationItem.Kind.POSSIBLE_DUPLICATE,
            status=CurationItem.Status.OPEN,
        )
        .order_by("pk")
        .values_list("author_id", "other_author_id")
    ):
        for mine, other in ((first, second), (second, first)):
            if mine in author_ids and other and len(found[mine]) < MAX_OPEN_ITEMS_RECHECKED:
                found[mine].append(other)
    return [(author_id, other) for author_id, others in found.items() for other in others]


# --- two existing authors ------------------------------------------------------------------


def pair_evidence(first_id: int, second_id: int) -> identity.Evidence:
    """Evidence that two existing authors are one person (for the resolver, command and admin)."""
    return pairs_evidence([(first_id, second_id)])[(first_id, second_id)]


def pairs_evidence(pairs: Sequence[tuple[int, int]]) -> dict[tuple[int, int], identity.Evidence]:
    """:func:`pair_evidence` for many pairs in a fixed number of queries."""
    ids = {author_id for pair in pairs for author_id in pair}
    profiles = {pk: described.candidate for pk, described in authors_describe(sorted(ids)).items()}
    listed: dict[tuple[int, int], tuple[int, int]] = {}
    if pairs:
        with connection.cursor() as cursor:
            cursor.execute(
                _PAIRS_PAPERS_SQL, [[first for first, _ in pairs], [second for _, second in pairs]]
            )
            for first, second, co_listed, placeholder_links in cursor.fetchall():
                listed[(first, second)] = (co_listed, placeholder_links)
    distinct = distinct_pairs_of(ids)
    found = {}
    for first, second in pairs:
        if first not in profiles or second not in profiles:
            found[(first, second)] = identity.Evidence(
                second, float("-inf"), "none", {}, ("an author is missing",)
            )
            continue
        co_listed, placeholder_links = listed.get((first, second), (0, 0))
        found[(first, second)] = identity.score_pair(
            profiles[first],
            profiles[second],
            co_listed=co_listed,
            placeholder_links=placeholder_links,
            distinct=_ordered(first, second) in distinct,
        )
    return found


def pair_reconsider(first_id: int, second_id: int, *, batch=None, prefer_ids=(), actor=None) -> Author | None:
    """Merge two authors when the pair's evidence is clear, else (maybe) propose them.

    Returns the surviving author when a merge happened, else None.
    """
    authors = Author.objects.filter(pk__in=[first_id, second_id], merged_into=None).in_bulk()
    if len(authors) != 2:
        return None
    evidence = pair_evidence(first_id, second_id)
    return _pair_act(
        authors[first_id], authors[second_id], evidence, batch=batch, prefer_ids=prefer_ids, actor=actor
    )


def pairs_reconsider(pairs: dict[tuple[int, int], set[int]], *, batch=None) -> list[tuple[int, int]]:
    """:func:`pair_reconsider` for many pairs (value: the ids to prefer as survivor), each pair
    once, their evidence read at once; a pair an earlier merge of this call changed is read
    again alone. A pair that fails is logged and skipped. Returns the merges, as (survivor id,
    merged id)."""
    evidence = pairs_evidence(list(pairs))
    authors = Author.objects.filter(pk__in={pk for pair in pairs for pk in pair}, merged_into=None).in_bulk()
    changed: set[int] = set()
    done: set[tuple[int, int]] = set()
    merges: list[tuple[int, int]] = []
    for (first, second), prefer_ids in pairs.items():
        if first in changed or second in changed:
            current = survivor_ids([first, second])
            first, second = current[first], current[second]
        if first == second or _ordered(first, second) in done:
            continue
        done.add(_ordered(first, second))
        try:
            with transaction.atomic():
                if first in changed or second in changed:
                    survivor = pair_reconsider(first, second, batch=batch, prefer_ids=prefer_ids)
                elif first in authors and second in authors:
                    survivor = _pair_act(
                        authors[first],
                        authors[second],
                        evidence[(first, second)],
                        batch=batch,
                        prefer_ids=prefer_ids,
                    )
                else:
                    survivor = None
        except (IntegrityError, DataError):  # one pair must not fail the import's records
            logger.exception("re-checking authors %s and %s failed", first, second)
            continue
        if survivor is not None:
            merges.append((survivor.pk, second if survivor.pk == first else first))
            changed |= {first, second}
    return merges


def _pair_act(first: Author, second: Author, evidence: identity.Evidence, *, batch, prefer_ids, actor=None):
    action = identity.pair_action(evidence)
    if action == "propose":
        duplicate_propose(author_id=first.pk, other_id=second.pk, evidence=evidence.as_dict(), batch=batch)
        return None
    if action != "merge":
        return None
    survivor, merged = merge_survivor(first, second, prefer_ids=tuple(prefer_ids))
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
