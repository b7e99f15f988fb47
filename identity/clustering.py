"""Author identity by block (pure: plain values in, plain values out; no database).

A *block* is every mention that could be one person: the same normalised family name and
first initial (``names.ParsedName.block_key``). Within a block the mentions are clustered
bottom-up, in the manner of Semantic Scholar's S2AND: every cluster starts as one mention (or as
a group that must stay together), and the two clusters with the strongest evidence of being one
person are joined, again and again, while that evidence reaches ``JOIN_THRESHOLD``. Evidence is
computed between whole clusters (their names, co-authors, institutions, categories, venues,
years and words), so a person's papers that share nothing pairwise can still meet through the
rest of their work.

Constraints are hard:

- cannot-link: given names that cannot be one person (`Lei` and `Li`), two mentions on one
  paper, two different ORCID iDs, and authors an admin marked as different people;
- must-link: one ORCID iD, and the groups the caller passes (an admin's merge, a claimed
  owner's papers, a listing's named researcher).

How common the name is decides how much the name alone says: an identical rare name is enough,
an identical `Lei Wang` is worth little, and the rest must come from co-authors and the work.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from identity.evidence import _text_vector, topics_relation
from identity.names import COMMON_FAMILY_NAMES, ParsedName, name_relation, parse_name

# --- weights (points); reasons name them ---------------------------------------------------

JOIN_THRESHOLD = 0.7
CLOSE_CALL = 0.45  # a pair of final clusters scoring this much is shown to an admin
# A small cluster left over joins the one established cluster that fits it when nothing else
# comes near: its best link reaches CLOSE_CALL and the next best is UNIQUE_MARGIN lower (a
# namesake in the same field would fit about as well, and then it stays apart, a close call).
UNIQUE_MARGIN = 0.3
SMALL_CLUSTER = 2
HOME_CLUSTER = 3  # ...and that cluster is an established profile of at least this many mentions
NAME_POINTS_RARE = {"exact": 0.7, "full": 0.65, "initial": 0.2}
NAME_POINTS_COMMON = {"exact": 0.15, "full": 0.1, "initial": 0.0}
# Shared co-authors, a co-author with a common family name counting COMMON_COAUTHOR_WEIGHT and an
# initial-only match half: (weighted count at least, points).
COAUTHOR_POINTS = ((2.0, 0.9), (1.2, 0.7), (0.6, 0.45), (0.3, 0.2))
COMMON_COAUTHOR_WEIGHT = 0.6
# Two large circles share a name or two by chance: beyond this many distinct co-authors on the
# smaller side, shared ones count in proportion (5 of 20 count like 1.25 of 5).
COAUTHOR_CIRCLE = 3
INSTITUTION_POINTS = 0.1
TOPIC_SHARED_POINTS = 0.1
TOPIC_UNRELATED_POINTS = -0.5
VENUE_POINTS = 0.05
# Cosine of the two clusters' words weighted by rarity within the block: (at least, points).
TEXT_POINTS = ((0.45, 0.4), (0.3, 0.2), (0.15, 0.0))
TEXT_UNRELATED_POINTS = -0.3
MIN_WORDS = 15  # fewer words than this say nothing either way
# One paper's words say little about a whole career: "unrelated" needs this many on each side.
MIN_PAPERS_FOR_UNRELATED = 3
YEARS_APART = 8  # no paper within this many years of the other's: evidence of two careers
YEARS_APART_POINTS = -0.2
# Paper embeddings, when both sides have them, only ever add (one paper's vector is too noisy
# to keep anyone apart): (cosine at least, points).
EMBEDDING_POINTS = ((0.75, 0.2), (0.6, 0.1))
# For a name many people share, working in the same field (institution, category, venue, words)
# says little about which of them wrote a paper: without a shared co-author (one named in full,
# or several) or an iD, the field
# adds at most this much, which leaves the pair a close call for an admin, never a join.
FIELD_ONLY_CAP = 0.3
PERSON_EVIDENCE = 0.45  # co-author points that count as evidence about the person
# ...or the same sub-field at the same institution: words this alike (rare words weighing most).
SAME_GROUP_TEXT = 0.6
# ...and where neither side names an institution (arXiv listings never do), words still more alike
# in a shared category stand in for one, worth what a shared institution is. Only to bring a few
# papers (at most SAME_WORK_SMALLER) to a body of work: two bodies of work in one sub-field are
# never joined on words alone (a close call for an admin). On the seeded ambiguity set without
# institutions and venues this lifts pairwise recall from 0.55-0.57 to 0.70-0.73 (seeds 7, 14, 21)
# at the same precision.
SAME_WORK_TEXT = 0.65
SAME_WORK_POINTS = INSTITUTION_POINTS
SAME_WORK_SMALLER = 3
FIELD_COMPONENTS = ("institution", "topics", "venue", "text", "embedding", "same_work")
# Papers that say nothing about their field (no abstract, no category, no institution) and share
# no co-author leave placement's decision standing (it saw the listing the papers came with).
PLACED_TOGETHER_POINTS = 0.55
FIELD_COMPONENTS_AND_PEOPLE = frozenset(FIELD_COMPONENTS) | {"coauthors", "orcid"}


@dataclass(frozen=True)
class BlockMention:
    """One name written on one paper, with what the paper says around it."""

    id: int
    name: str
    paper: int
    coauthors: tuple[str, ...] = ()
    institutions: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    venue: str = ""
    year: int | None = None
    text: str = ""
    orcid: str = ""
    embedding: tuple[float, ...] | None = None
    author: int | None = None  # the author placement (or an earlier clustering) put it on


@dataclass(frozen=True)
class Constraints:
    must_link: tuple[frozenset[int], ...] = ()  # groups of mention ids that stay together
    cannot_link: tuple[tuple[frozenset[int], frozenset[int]], ...] = ()  # never one cluster


@dataclass(frozen=True)
class Link:
    """Why two clusters are (or are not) one person."""

    score: float
    components: dict[str, float]
    reasons: tuple[str, ...]
    # The raw measures behind the points (weighted shared co-authors, word and embedding cosines):
    # between links of equal score, the stronger is joined first.
    strength: float = 0.0

    def as_dict(self) -> dict:
        return {
            "score": round(self.score, 3),
            "components": {key: round(value, 3) for key, value in self.components.items()},
            "reasons": list(self.reasons),
        }


NO_LINK = Link(-math.inf, {}, ("cannot be one person",))


@dataclass
class Cluster:
    mentions: list[int]
    papers: set[int] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # distinct written names
    coauthor_full: Counter[str] = field(default_factory=Counter)  # name keys with a full first name
    coauthor_blocks: Counter[str] = field(default_factory=Counter)  # their block keys
    coauthor_initial_blocks: set[str] = field(default_factory=set)  # block keys written as initials
    institutions: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    venues: Counter[str] = field(default_factory=Counter)
    years: list[int] = field(default_factory=list)
    words: Counter[str] = field(default_factory=Counter)
    orcids: set[str] = field(default_factory=set)
    authors: set[int] = field(default_factory=set)
    tags: set[tuple] = field(default_factory=set)
    refuses: set[tuple] = field(default_factory=set)
    embedding: list[float] | None = None
    embedded: int = 0
    version: int = 0

    def absorb(self, other: Cluster) -> None:
        self.mentions += other.mentions
        self.papers |= other.papers
        self.names |= other.names
        self.coauthor_full += other.coauthor_full
        self.coauthor_blocks += other.coauthor_blocks
        self.coauthor_initial_blocks |= other.coauthor_initial_blocks
        self.institutions += other.institutions
        self.topics += other.topics
        self.venues += other.venues
        self.years += other.years
        self.words += other.words
        self.orcids |= other.orcids
        self.authors |= other.authors
        self.tags |= other.tags
        self.refuses |= other.refuses
        if other.embedding is not None:
            if self.embedding is None:
                self.embedding = list(other.embedding)
            else:
                self.embedding = [a + b for a, b in zip(self.embedding, other.embedding, strict=False)]
            self.embedded += other.embedded
        self.version += 1


@dataclass(frozen=True)
class Result:
    clusters: list[list[int]]  # mention ids, each cluster sorted, clusters by first id
    close_calls: list[tuple[int, int, Link]]  # (cluster index, cluster index, link)
    joins: list[Link]  # the evidence of every join, in order


# --- the block -----------------------------------------------------------------------------


class _Block:
    """Precomputed facts about one block: which names are compatible, word rarity."""

    def __init__(self, mentions: Sequence[BlockMention]):
        self.parsed: dict[str, ParsedName] = {}
        for mention in mentions:
            self.parsed.setdefault(mention.name, parse_name(mention.name))
        names = list(self.parsed)
        self.relation: dict[tuple[str, str], str | None] = {}
        for first in names:
            for second in names:
                self.relation[(first, second)] = name_relation(self.parsed[first], self.parsed[second])
        document_frequency: Counter[str] = Counter()
        for mention in mentions:
            document_frequency.update(word for word, _ in _text_vector(mention.text))
        total = max(1, len(mentions))
        self.idf = {word: math.log(total / count) + 0.1 for word, count in document_frequency.items()}
        self.own_blocks = {parsed.block_key for parsed in self.parsed.values()}

    def names_compatible(self, first: Cluster, second: Cluster) -> bool:
        return all(self.relation[(a, b)] is not None for a in first.names for b in second.names)

    def best_relation(self, first: Cluster, second: Cluster) -> str | None:
        order = {"exact": 3, "full": 2, "initial": 1}
        best = None
        for a in first.names:
            for b in second.names:
                relation = self.relation[(a, b)]
                if relation and (best is None or order[relation] > order[best]):
                    best = relation
        return best


def _cluster_of(mention: BlockMention, block: _Block) -> Cluster:
    cluster = Cluster(mentions=[mention.id], papers={mention.paper}, names={mention.name})
    own = block.parsed[mention.name]
    for name in mention.coauthors:
        parsed = parse_name(name)
        if not parsed.family_key or name_relation(parsed, own) is not None:
            continue
        if parsed.has_full_first_name:
            cluster.coauthor_full[parsed.key] += 1
        else:
            cluster.coauthor_initial_blocks.add(parsed.block_key)
        cluster.coauthor_blocks[parsed.block_key] += 1
    cluster.institutions.update(mention.institutions)
    cluster.topics.update(mention.topics)
    if mention.venue:
        cluster.venues[mention.venue.lower()] += 1
    if mention.year:
        cluster.years.append(mention.year)
    cluster.words.update(word for word, _ in _text_vector(mention.text))
    if mention.orcid:
        cluster.orcids.add(mention.orcid)
    if mention.author is not None:
        cluster.authors.add(mention.author)
    if mention.embedding is not None:
        cluster.embedding = list(mention.embedding)
        cluster.embedded = 1
    return cluster


# --- evidence between two clusters -----------------------------------------------------------


def _points(value: float, table: Sequence[tuple[float, float]], below: float) -> float:
    for at_least, points in table:
        if value >= at_least:
            return points
    return below


def _shared_coauthors(first: Cluster, second: Cluster) -> float:
    weighted = 0.0
    full_blocks = set()
    for key in first.coauthor_full.keys() & second.coauthor_full.keys():
        family = key.rsplit(" ", 1)[-1]
        weighted += COMMON_COAUTHOR_WEIGHT if family in COMMON_FAMILY_NAMES else 1.0
        full_blocks.add(parse_name(key).block_key)
    initial = (first.coauthor_initial_blocks & second.coauthor_blocks.keys()) | (
        second.coauthor_initial_blocks & first.coauthor_blocks.keys()
    )
    for block_key in initial - full_blocks:
        family = block_key.split(" ")[0]
        weighted += 0.5 * (COMMON_COAUTHOR_WEIGHT if family in COMMON_FAMILY_NAMES else 1.0)
    circle = min(len(first.coauthor_blocks), len(second.coauthor_blocks))
    return weighted * min(1.0, COAUTHOR_CIRCLE / circle) if circle else weighted


def _cosine(first: Counter[str], second: Counter[str], idf: dict[str, float]) -> float | None:
    if sum(first.values()) < MIN_WORDS or sum(second.values()) < MIN_WORDS:
        return None
    if len(first) > len(second):
        first, second = second, first
    dot = sum(
        count * second[word] * idf.get(word, 1.0) ** 2 for word, count in first.items() if word in second
    )
    norm_a = math.sqrt(sum((count * idf.get(word, 1.0)) ** 2 for word, count in first.items()))
    norm_b = math.sqrt(sum((count * idf.get(word, 1.0)) ** 2 for word, count in second.items()))
    return dot / (norm_a * norm_b) if norm_a and norm_b else None


def _embedding_cosine(first: Cluster, second: Cluster) -> float | None:
    if first.embedding is None or second.embedding is None:
        return None
    dot = sum(a * b for a, b in zip(first.embedding, second.embedding, strict=False))
    norm = math.sqrt(sum(a * a for a in first.embedding)) * math.sqrt(sum(b * b for b in second.embedding))
    return dot / norm if norm else None


def link(first: Cluster, second: Cluster, block: _Block, need: float = -math.inf) -> Link:
    """Points for two clusters being one person; ``-inf`` when a constraint forbids it.

    With ``need``, a pair that cannot reach it even with the best word similarity is scored
    without comparing words (the returned score is then an upper bound below ``need``)."""
    if first.papers & second.papers:
        return Link(-math.inf, {}, ("both are on the same paper",))
    if first.orcids and second.orcids and not first.orcids & second.orcids:
        return Link(-math.inf, {}, ("different ORCID iDs",))
    if first.tags & second.refuses or second.tags & first.refuses:
        return Link(-math.inf, {}, ("an admin marked them as different people",))
    if not block.names_compatible(first, second):
        return Link(-math.inf, {}, ("given names that cannot be one person",))
    components: dict[str, float] = {}
    reasons: list[str] = []
    if first.orcids & second.orcids:
        components["orcid"] = 5.0
        reasons.append(f"same ORCID iD {', '.join(sorted(first.orcids & second.orcids))}")
    relation = block.best_relation(first, second) or "initial"
    sample = block.parsed[next(iter(first.names))]
    common = sample.family_key in COMMON_FAMILY_NAMES
    components["name"] = (NAME_POINTS_COMMON if common else NAME_POINTS_RARE)[relation]
    reasons.append(f"names: {relation}" + (" (a family name many people share)" if common else ""))

    shared = _shared_coauthors(first, second)
    if shared:
        components["coauthors"] = _points(shared, COAUTHOR_POINTS, 0.0)
        reasons.append(f"shared co-authors (weighted) {shared:g}")
    institutions = first.institutions.keys() & second.institutions.keys()
    if institutions:
        components["institution"] = INSTITUTION_POINTS
        reasons.append(f"shared institution: {', '.join(sorted(institutions)[:3])}")
    topics = topics_relation(first.topics, second.topics)
    if topics == "shared":
        components["topics"] = TOPIC_SHARED_POINTS
        reasons.append(
            f"shared category: {', '.join(sorted(first.topics.keys() & second.topics.keys())[:3])}"
        )
    elif topics == "unrelated":
        components["topics"] = TOPIC_UNRELATED_POINTS
        reasons.append("categories from unrelated fields")
    if first.venues.keys() & second.venues.keys():
        components["venue"] = VENUE_POINTS
        reasons.append("shared venue")
    embedding = _embedding_cosine(first, second)
    if embedding is not None and _points(embedding, EMBEDDING_POINTS, 0.0):
        components["embedding"] = _points(embedding, EMBEDDING_POINTS, 0.0)
        reasons.append(f"embedding similarity {embedding:.2f}")
    similarity = None
    if sum(components.values()) + max(TEXT_POINTS[0][1], PLACED_TOGETHER_POINTS) < need:
        return Link(sum(components.values()), components, tuple(reasons))
    similarity = _cosine(first.words, second.words, block.idf)
    if similarity is not None:
        enough = min(len(first.papers), len(second.papers)) >= MIN_PAPERS_FOR_UNRELATED
        components["text"] = _points(similarity, TEXT_POINTS, TEXT_UNRELATED_POINTS if enough else 0.0)
        reasons.append(f"word similarity {similarity:.2f}")
    same_group = similarity is not None and similarity >= SAME_GROUP_TEXT and "institution" in components
    if (
        similarity is not None
        and similarity >= SAME_WORK_TEXT
        and components.get("topics", 0) > 0
        and not first.institutions
        and not second.institutions
        and min(len(first.papers), len(second.papers)) <= SAME_WORK_SMALLER
    ):
        # Listings that name no institution (arXiv's) cannot show a shared one: words this alike in
        # the same category stand in for it.
        same_group = True
        components["same_work"] = SAME_WORK_POINTS
        reasons.append("no institution known: the same sub-field's words stand in for one")
    if (
        common
        and "orcid" not in components
        and components.get("coauthors", 0) < PERSON_EVIDENCE
        and not same_group
    ):
        field = sum(value for key, value in components.items() if key in FIELD_COMPONENTS and value > 0)
        if field > FIELD_ONLY_CAP:
            components["field_only"] = FIELD_ONLY_CAP - field
            reasons.append("a name many people share: the same field alone is not enough")
    placed_together = len(first.authors) == 1 and first.authors == second.authors
    if placed_together and not FIELD_COMPONENTS_AND_PEOPLE & components.keys():
        components["placed_together"] = PLACED_TOGETHER_POINTS
        reasons.append("placement put them on one author and nothing here says otherwise")
    if first.years and second.years:
        gap = max(min(second.years) - max(first.years), min(first.years) - max(second.years), 0)
        if gap > YEARS_APART:
            components["years"] = YEARS_APART_POINTS
            reasons.append(f"{gap} years between their papers")
    strength = (shared or 0.0) + (similarity or 0.0) + (embedding or 0.0)
    return Link(sum(components.values()), components, tuple(reasons), strength)


# --- clustering ------------------------------------------------------------------------------


def cluster_block(mentions: Sequence[BlockMention], constraints: Constraints = Constraints()) -> Result:
    """Cluster one block's mentions (see the module docstring for the rule).

    The answer depends on what the mentions say, never on their ids or their order. Joins are
    taken best first and ties are broken by key; keyed by mention ids (row ids, which follow the
    order in which imports happened to run) one block could end in a different number of people
    depending on how many workers placed it. So the mentions are keyed here by their place in an
    order of their content, and the clusters are given back in the caller's ids.
    """
    canonical = sorted(mentions, key=_content_key)
    caller_id = {index: mention.id for index, mention in enumerate(canonical, start=1)}
    own_id = {mention_id: index for index, mention_id in caller_id.items()}

    def own(group: Iterable[int]) -> frozenset[int]:
        return frozenset(own_id[mention_id] for mention_id in group if mention_id in own_id)

    result = _cluster_block(
        [replace(mention, id=own_id[mention.id]) for mention in canonical],
        Constraints(
            must_link=tuple(own(group) for group in constraints.must_link),
            cannot_link=tuple((own(left), own(right)) for left, right in constraints.cannot_link),
        ),
    )
    clusters = [sorted(caller_id[index] for index in cluster) for cluster in result.clusters]
    order = sorted(range(len(clusters)), key=lambda index: clusters[index][0])
    moved_to = {old: new for new, old in enumerate(order)}
    return Result(
        [clusters[index] for index in order],
        [(*sorted((moved_to[first], moved_to[second])), link) for first, second, link in result.close_calls],
        result.joins,
    )


def _content_key(mention: BlockMention) -> tuple:
    """An order of mentions by what they say (the row id only between two identical ones)."""
    return (
        mention.name,
        mention.text,
        mention.year or 0,
        mention.venue,
        mention.coauthors,
        sorted(mention.institutions),
        sorted(mention.topics),
        mention.orcid,
        mention.id,
    )


def _cluster_block(mentions: Sequence[BlockMention], constraints: Constraints) -> Result:
    if not mentions:
        return Result([], [], [])
    block = _Block(mentions)
    threshold = JOIN_THRESHOLD
    by_id = {mention.id: mention for mention in mentions}
    clusters: dict[int, Cluster] = {}
    owner: dict[int, int] = {}  # mention id -> cluster key

    for index, (left, right) in enumerate(constraints.cannot_link):
        for side, group, other in (("a", left, "b"), ("b", right, "a")):
            for mention_id in group:
                if mention_id in by_id:
                    key = owner.setdefault(mention_id, mention_id)
                    cluster = clusters.setdefault(key, _cluster_of(by_id[mention_id], block))
                    cluster.tags.add((index, side))
                    cluster.refuses.add((index, other))
    for mention in mentions:
        if mention.id not in owner:
            owner[mention.id] = mention.id
            clusters[mention.id] = _cluster_of(mention, block)

    joins: list[Link] = []

    def join(first_key: int, second_key: int) -> int:
        keep, gone = sorted((first_key, second_key))
        clusters[keep].absorb(clusters.pop(gone))
        for mention_id in clusters[keep].mentions:
            owner[mention_id] = keep
        return keep

    # Must-link groups and shared ORCID iDs join first, whatever else the evidence says (but
    # never against a cannot-link: two mentions on one paper stay apart).
    groups = [set(group) & by_id.keys() for group in constraints.must_link]
    by_orcid: dict[str, set[int]] = {}
    for mention in mentions:
        if mention.orcid:
            by_orcid.setdefault(mention.orcid, set()).add(mention.id)
    groups += list(by_orcid.values())
    for group in groups:
        ordered = sorted(group)
        for mention_id in ordered[1:]:
            first, second = owner[ordered[0]], owner[mention_id]
            if first != second and link(clusters[first], clusters[second], block).score > -math.inf:
                join(first, second)

    # Best-first joining with a lazy heap: entries carry both clusters' versions.
    heap: list[tuple[float, float, int, int, int, int]] = []

    def push(first_key: int, second_key: int) -> None:
        evidence = link(clusters[first_key], clusters[second_key], block, need=threshold)
        if evidence.score >= threshold:
            a, b = clusters[first_key], clusters[second_key]
            entry = (-evidence.score, -evidence.strength, first_key, second_key, a.version, b.version)
            heapq.heappush(heap, entry)

    keys = sorted(clusters)
    for position, first_key in enumerate(keys):
        for second_key in keys[position + 1 :]:
            push(first_key, second_key)
    while heap:
        _, _, first_key, second_key, first_version, second_version = heapq.heappop(heap)
        first, second = clusters.get(first_key), clusters.get(second_key)
        if (
            first is None
            or second is None
            or (first.version, second.version) != (first_version, second_version)
        ):
            continue
        joins.append(link(first, second, block))
        kept = join(first_key, second_key)
        for other in sorted(clusters):
            if other != kept:
                push(min(kept, other), max(kept, other))

    # Second pass: leftovers with one clear home.
    for key in sorted(clusters, key=lambda key: (len(clusters[key].mentions), key)):
        cluster = clusters.get(key)
        if cluster is None or len(cluster.mentions) > SMALL_CLUSTER:
            continue
        scored = sorted(
            ((link(cluster, clusters[other], block).score, other) for other in clusters if other != key),
            reverse=True,
        )
        if not scored or scored[0][0] < CLOSE_CALL or len(clusters[scored[0][1]].mentions) < HOME_CLUSTER:
            continue
        runner_up = scored[1][0] if len(scored) > 1 else -math.inf
        if runner_up <= scored[0][0] - UNIQUE_MARGIN:
            joins.append(link(cluster, clusters[scored[0][1]], block))
            join(key, scored[0][1])

    final = sorted((sorted(cluster.mentions) for cluster in clusters.values()), key=lambda ids: ids[0])
    index_of = {ids[0]: index for index, ids in enumerate(final)}
    close_calls = []
    keys = sorted(clusters)
    for position, first_key in enumerate(keys):
        for second_key in keys[position + 1 :]:
            evidence = link(clusters[first_key], clusters[second_key], block, need=CLOSE_CALL)
            if CLOSE_CALL <= evidence.score < threshold:
                first_index = index_of[min(clusters[first_key].mentions)]
                second_index = index_of[min(clusters[second_key].mentions)]
                close_calls.append((first_index, second_index, evidence))
    return Result(final, close_calls, joins)


def assign_authors(clusters: Sequence[Iterable[int]], author_of: dict[int, int]) -> dict[int, int | None]:
    """Cluster index -> the existing author it continues (largest overlap first), or None for a
    cluster that needs a new author. Each author continues at most one cluster, so slugs stay
    with the bulk of their papers."""
    overlaps = []
    for index, mention_ids in enumerate(clusters):
        counts = Counter(author_of[mention_id] for mention_id in mention_ids if mention_id in author_of)
        overlaps += [(-count, index, author_id) for author_id, count in counts.items()]
    overlaps.sort()
    assigned: dict[int, int | None] = dict.fromkeys(range(len(clusters)))
    used: set[int] = set()
    for _, index, author_id in overlaps:
        if assigned[index] is None and author_id not in used:
            assigned[index] = author_id
            used.add(author_id)
    return assigned
