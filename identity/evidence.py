"""Author identity decisions (pure: plain values in, plain values out; no database).

A *mention* is a name written on one paper, with what that paper says around it (co-authors,
institutions, topics, its text). A *candidate* is an existing author whose family name and
first initial match (the block) and whose given names are compatible. Each candidate gets
points from named pieces of evidence; the sum decides:

- ``MATCH_THRESHOLD`` or more for exactly one candidate (or a clear best): the same person;
- between ``POSSIBLE_THRESHOLD`` and the match threshold: a new author, and a "possible same
  person" curation item for an admin;
- below: a new author, nothing to ask.

Precision matters more than recall (a wrong merge shows one person's papers on another's
profile), so an identical name alone is only just enough, a common family name is not, and
evidence that the fields are unrelated keeps identically named people apart.

An ORCID iD overrides all of this: a candidate carrying the mention's iD is the same person
(whatever else the evidence says), and a candidate carrying a different iD is another person
(however alike the names and papers).

The same scoring compares two existing authors (``score_pair``): the resolver and the
``resolve_authors`` command merge a pair automatically only above ``AUTO_MERGE_THRESHOLD``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from identity.names import ParsedName, name_relation, parse_name

# --- weights (points); the reasons stored with every decision name them ------------------

NAME_POINTS = {"exact": 0.6, "full": 0.45, "initial": 0.15}
# A common family name with a short given name (`Wei Wang`, `John Smith`) is shared by many.
COMMON_NAME_PENALTY = -0.2
SHORT_GIVEN_NAME = 4
COAUTHOR_POINTS = ((3.0, 0.8), (2.0, 0.65), (1.0, 0.45), (0.5, 0.25))  # (shared at least, points)
INSTITUTION_POINTS = 0.2
TOPIC_SHARED_POINTS = 0.15
TOPIC_UNRELATED_POINTS = -0.4
TEXT_POINTS = ((0.10, 0.15), (0.05, 0.05), (0.025, 0.0))  # (similarity at least, points)
TEXT_UNRELATED_POINTS = -0.25
EMBEDDING_POINTS = ((0.55, 0.15), (0.35, 0.05), (0.2, 0.0))
EMBEDDING_UNRELATED_POINTS = -0.25
SUBJECT_POINTS = 1.0
ON_PAPER_POINTS = 1.0
LISTING_PAPER_POINTS = 1.0
SAME_BATCH_POINTS = 0.25
# Decisive either way: no sum of the other components comes near these.
ORCID_SAME_POINTS = 5.0
ORCID_CONFLICT_POINTS = -5.0

FIELD_COMPONENTS = ("topics", "text", "embedding")

MATCH_THRESHOLD = 0.6
POSSIBLE_THRESHOLD = 0.3
AUTO_MERGE_THRESHOLD = 0.9
MIN_TEXT_TOKENS = 15  # below this a text says too little to compare fields
# One paper's words say little about a whole career: "unrelated" needs a few papers to compare.
MIN_PAPERS_FOR_UNRELATED = 3
MAX_PROPOSALS = 3

# Pair scoring (two existing authors): shared co-authors are resolved people, not names.
PAIR_COAUTHOR_POINTS = ((3, 0.75), (2, 0.55), (1, 0.3))
PAIR_PLACEHOLDER_POINTS = 0.5

# arXiv archives grouped into fields; related fields never count as unrelated.
_FIELDS = {
    "cs": "computing",
    "eess": "computing",
    "stat": "statistics",
    "math": "mathematics",
    "math-ph": "physics",
    "q-bio": "biology",
    "q-fin": "economics",
    "econ": "economics",
}
_RELATED_FIELDS = {
    frozenset({"computing", "statistics"}),
    frozenset({"computing", "mathematics"}),
    frozenset({"statistics", "mathematics"}),
    frozenset({"statistics", "economics"}),
    frozenset({"physics", "mathematics"}),
}
_PHYSICS = ("physics", "cond-mat", "hep-", "astro-ph", "quant-ph", "gr-qc", "nucl-", "nlin")

_STOPWORDS = frozenset(
    """a about above across after again against all almost also although always among an and
    another any are around as at be because been before being below between both but by can
    cannot could did do does doing done down during each either else enough even ever every
    few for from further had has have having he her here hers him his how however i if in into
    is it its itself just least less like made make makes many may me might more most much must
    my neither no nor not now of off often on once one only or other others our out over own
    per perhaps rather same several she should show shows shown since so some such than that
    the their them then there these they this those though through thus to too under until up
    upon us use used uses using very via was we well were what when where whether which while
    who whom whose why will with within without would yet you your paper propose proposed
    present work approach method methods results result new based first two three recent
    recently existing prior study studies find findings demonstrate achieve achieves
    significant significantly state art task tasks performance data model models""".split()  # noqa: SIM905
)
_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+|\$[^$]*\$")
_WORD = re.compile(r"[a-z][a-z\-]{2,}")


# --- inputs and outputs --------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A name as written on one paper, with what the paper says around it."""

    name: str
    coauthors: tuple[str, ...] = ()  # the other names on the paper
    institutions: frozenset[str] = frozenset()  # institution keys (slugs)
    topics: frozenset[str] = frozenset()  # arXiv category codes (`cs.CL`)
    text: str = ""  # title and abstract
    orcid: str = ""  # the ORCID iD the source gave for this name, normalised


@dataclass
class Candidate:
    """An existing author, described by what their papers say."""

    author_id: int
    names: tuple[str, ...]  # display name and every alias
    coauthors: tuple[str, ...] = ()  # co-author names as written
    coauthor_ids: frozenset[int] = frozenset()
    institutions: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    texts: tuple[str, ...] = ()  # title and abstract of (recent) papers
    paper_count: int = 0
    claimed_by: int | None = None
    # Facts about this mention's import, filled in by the caller:
    is_subject: bool = False  # the import says the listing belongs to this researcher
    on_paper: bool = False  # the paper already credits them (the listing named them)
    listing_papers: int = 0  # papers of this import's listing they already have
    same_batch_name: bool = False  # this import already credited them under the same name
    embedding_similarity: float | None = None  # mean cosine of the paper to their papers
    orcids: frozenset[str] = frozenset()  # their ORCID iD and every iD written for them


@dataclass(frozen=True)
class Evidence:
    """Why a candidate fits (or not): points per named component, and readable reasons."""

    author_id: int
    score: float
    relation: str
    components: dict[str, float]
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "author_id": self.author_id,
            "score": round(self.score, 3),
            "relation": self.relation,
            "components": {key: round(value, 3) for key, value in self.components.items()},
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Decision:
    """What to do with a mention: ``match`` an author, or create a ``new`` one."""

    action: str
    author_id: int | None = None
    score: float | None = None
    evidence: tuple[Evidence, ...] = ()  # every compatible candidate, best first
    possible: tuple[int, ...] = ()  # with ``new``: candidates to propose as the same person
    also_fits: tuple[int, ...] = ()  # with ``match``: other candidates that fit as well
    reasons: tuple[str, ...] = field(default_factory=tuple)


# --- text and topics -----------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _text_vector(text: str) -> tuple[tuple[str, float], ...]:
    cleaned = _LATEX_COMMAND.sub(" ", (text or "").lower())
    words = [word for word in _WORD.findall(cleaned) if word not in _STOPWORDS]
    return tuple(Counter(words).items())


def _centroid(texts: Iterable[str]) -> Counter[str]:
    """Documents summed as word sets: a word counts once per paper that uses it."""
    total: Counter[str] = Counter()
    for text in texts:
        total.update(word for word, _ in _text_vector(text))
    return total


def text_similarity(text: str, texts: Sequence[str]) -> float | None:
    """Cosine of a text to the centroid of other texts; None when either says too little."""
    own = dict(_text_vector(text))
    if sum(own.values()) < MIN_TEXT_TOKENS or not texts:
        return None
    other = _centroid(texts)
    if sum(1 for _ in other) < MIN_TEXT_TOKENS:
        return None
    dot = sum(count * other.get(word, 0) for word, count in own.items())
    norm = math.sqrt(sum(v * v for v in own.values())) * math.sqrt(sum(v * v for v in other.values()))
    return dot / norm if norm else None


def topic_field(code: str) -> str | None:
    archive = (code or "").split(".")[0].lower()
    if not archive:
        return None
    if archive in _FIELDS:
        return _FIELDS[archive]
    if archive.startswith(_PHYSICS):
        return "physics"
    return None


def topics_relation(first: Iterable[str], second: Iterable[str]) -> str | None:
    """``shared`` (a common category), ``unrelated`` (no common or related field), else None."""
    first, second = {code for code in first if code}, {code for code in second if code}
    if not first or not second:
        return None
    if first & second:
        return "shared"
    fields_a = {topic_field(code) for code in first} - {None}
    fields_b = {topic_field(code) for code in second} - {None}
    if not fields_a or not fields_b or fields_a & fields_b:
        return None
    if any(frozenset({a, b}) in _RELATED_FIELDS for a in fields_a for b in fields_b):
        return None
    return "unrelated"


def _points(value: float, table: Sequence[tuple[float, float]], below: float) -> float:
    for at_least, points in table:
        if value >= at_least:
            return points
    return below


# --- names ---------------------------------------------------------------------------------


def best_relation(names: Iterable[str], others: Iterable[str]) -> str | None:
    """The strongest relation between any written form of one and any of the other."""
    order = {"exact": 3, "full": 2, "initial": 1}
    best: str | None = None
    parsed_others = [parse_name(other) for other in others]
    for name in names:
        parsed = parse_name(name)
        for other in parsed_others:
            relation = name_relation(parsed, other)
            if relation and (best is None or order[relation] > order[best]):
                best = relation
    return best


def _name_points(relation: str, parsed: ParsedName) -> tuple[dict[str, float], list[str]]:
    components = {"name": NAME_POINTS[relation]}
    reasons = [
        {
            "exact": "same full name",
            "full": "same first and family name; middle names differ only by omission or initials",
            "initial": "first name given only as an initial",
        }[relation]
    ]
    if parsed.is_common and relation != "initial" and len(parsed.given[0]) <= SHORT_GIVEN_NAME:
        components["common_name"] = COMMON_NAME_PENALTY
        reasons.append(f"'{parsed.given[0]} {parsed.family}' is a name many people share")
    return components, reasons


def shared_coauthors(mine: Sequence[str], theirs: Sequence[str], *, exclude: ParsedName) -> float:
    """Co-author names both lists share, an initial-only match counting half."""
    by_family = _by_family(tuple(theirs))
    total = 0.0
    seen: set[str] = set()
    for name in mine:
        parsed = parse_name(name)
        if not parsed.family_key or parsed.key in seen or name_relation(parsed, exclude) is not None:
            continue
        seen.add(parsed.key)
        relations = {
            name_relation(parsed, other)
            for other in by_family.get(parsed.family_key, ())
            if name_relation(other, exclude) is None
        }
        if relations & {"exact", "full"}:
            total += 1.0
        elif "initial" in relations:
            total += 0.5
    return total


@lru_cache(maxsize=4096)  # a candidate's co-authors are compared with every mention of a chunk
def _by_family(names: tuple[str, ...]) -> dict[str, tuple[ParsedName, ...]]:
    grouped: dict[str, list[ParsedName]] = {}
    for name in names:
        parsed = parse_name(name)
        if parsed.family_key:
            grouped.setdefault(parsed.family_key, []).append(parsed)
    return {key: tuple(group) for key, group in grouped.items()}


# --- one mention against its candidates ------------------------------------------------------


def score_mention(mention: Mention, candidate: Candidate) -> Evidence | None:
    """Points for one candidate; None when the names cannot be the same person."""
    parsed = parse_name(mention.name)
    relation = best_relation([mention.name], candidate.names)
    same_orcid = bool(mention.orcid) and mention.orcid in candidate.orcids
    if relation is None and not same_orcid:
        return None
    if mention.orcid and candidate.orcids and not same_orcid:
        reason = f"different ORCID iDs: {mention.orcid} here, {', '.join(sorted(candidate.orcids))} theirs"
        components = {"orcid": ORCID_CONFLICT_POINTS}
        return Evidence(candidate.author_id, ORCID_CONFLICT_POINTS, relation or "none", components, (reason,))
    components, reasons = _name_points(relation, parsed) if relation else ({}, [])
    if same_orcid:
        components["orcid"] = ORCID_SAME_POINTS
        reasons.insert(0, f"same ORCID iD {mention.orcid}")

    if candidate.is_subject:
        components["subject"] = SUBJECT_POINTS
        reasons.append("the import names this researcher as the listing's subject")
    if candidate.on_paper:
        components["on_paper"] = ON_PAPER_POINTS
        reasons.append("the paper is already credited to this researcher")
    if candidate.listing_papers:
        components["listing_papers"] = LISTING_PAPER_POINTS
        reasons.append(f"{candidate.listing_papers} paper(s) of this listing are already theirs")
    if candidate.same_batch_name:
        components["same_import"] = SAME_BATCH_POINTS
        reasons.append("this import already credited them under the same name")

    shared = shared_coauthors(mention.coauthors, candidate.coauthors, exclude=parsed)
    if shared:
        components["coauthors"] = _points(shared, COAUTHOR_POINTS, 0.0)
        reasons.append(f"{shared:g} shared co-author(s)")
    common_institutions = mention.institutions & candidate.institutions
    if common_institutions:
        components["institution"] = INSTITUTION_POINTS
        reasons.append(f"shared institution: {', '.join(sorted(common_institutions))}")
    topics = topics_relation(mention.topics, candidate.topics)
    if topics == "shared":
        components["topics"] = TOPIC_SHARED_POINTS
        reasons.append(f"shared topic: {', '.join(sorted(mention.topics & candidate.topics))}")
    elif topics == "unrelated":
        components["topics"] = TOPIC_UNRELATED_POINTS
        reasons.append("topics from unrelated fields")
    components.update(_similarity_points(mention.text, candidate, reasons))
    _field_not_enough(components, reasons)
    score = sum(components.values())
    return Evidence(candidate.author_id, score, relation or "orcid", components, tuple(reasons))


def _field_not_enough(components: dict[str, float], reasons: list[str]) -> None:
    """Working in the same field says nothing about which of the many `Wei Wang`s wrote a paper:
    for a name many people share, only positive evidence about the person counts."""
    if "common_name" not in components:
        return
    for key in FIELD_COMPONENTS:
        if components.get(key, 0) > 0:
            components[key] = 0.0
            reasons.append(f"{key} similarity not counted for a name many people share")


def _similarity_points(text: str, candidate: Candidate, reasons: list[str]) -> dict[str, float]:
    enough = candidate.paper_count >= MIN_PAPERS_FOR_UNRELATED
    if candidate.embedding_similarity is not None:
        value = candidate.embedding_similarity
        points = _points(value, EMBEDDING_POINTS, EMBEDDING_UNRELATED_POINTS if enough else 0.0)
        reasons.append(f"embedding similarity to their papers {value:.2f}")
        return {"embedding": points}
    similarity = text_similarity(text, candidate.texts)
    if similarity is None:
        return {}
    reasons.append(f"word overlap with their papers {similarity:.2f}")
    return {"text": _points(similarity, TEXT_POINTS, TEXT_UNRELATED_POINTS if enough else 0.0)}


def decide(mention: Mention, candidates: Sequence[Candidate]) -> Decision:
    """Match the mention to one candidate, or decide it is a new author (maybe to review)."""
    scored = [evidence for c in candidates if (evidence := score_mention(mention, c)) is not None]
    scored.sort(key=lambda evidence: (-evidence.score, evidence.author_id))
    if not scored:
        return Decision("new", reasons=("no existing author with a compatible name",))
    strong = [evidence for evidence in scored if evidence.score >= MATCH_THRESHOLD]
    if strong:
        best = strong[0]
        return Decision(
            "match",
            author_id=best.author_id,
            score=best.score,
            evidence=tuple(scored),
            also_fits=tuple(evidence.author_id for evidence in strong[1:]),
            reasons=best.reasons,
        )
    possible = tuple(e.author_id for e in scored if e.score >= POSSIBLE_THRESHOLD)[:MAX_PROPOSALS]
    reason = (
        "compatible authors found, but the evidence is not clear enough to merge"
        if possible
        else "compatible authors found, but the evidence points elsewhere"
    )
    return Decision(
        "new", score=scored[0].score, evidence=tuple(scored), possible=possible, reasons=(reason,)
    )


# --- two existing authors ----------------------------------------------------------------------


def score_pair(
    first: Candidate,
    second: Candidate,
    *,
    co_listed: int = 0,
    placeholder_links: int = 0,
    distinct: bool = False,
) -> Evidence:
    """Points for two existing authors being one person (``first`` is the reference).

    ``co_listed``: papers whose author list names both (then they are two people);
    ``placeholder_links``: papers a listing credited to one while its author list names the
    other; ``distinct``: an admin said they are different people.
    """
    relation = best_relation(first.names, second.names)
    shared_orcids = first.orcids & second.orcids
    if relation is None and not shared_orcids:
        return Evidence(second.author_id, -math.inf, "none", {}, ("names are not compatible",))
    vetoes = []
    if distinct:
        vetoes.append("an admin marked them as different people")
    if co_listed:
        vetoes.append(f"both are listed on {co_listed} paper(s)")
    if first.claimed_by and second.claimed_by and first.claimed_by != second.claimed_by:
        vetoes.append("claimed by two different users")
    if first.orcids and second.orcids and not shared_orcids:
        vetoes.append(
            f"different ORCID iDs: {', '.join(sorted(first.orcids))} and {', '.join(sorted(second.orcids))}"
        )
    if vetoes:
        return Evidence(second.author_id, -math.inf, relation or "none", {}, tuple(vetoes))

    components, reasons = _name_points(relation, parse_name(first.names[0])) if relation else ({}, [])
    if shared_orcids:
        components["orcid"] = ORCID_SAME_POINTS
        reasons.insert(0, f"same ORCID iD {', '.join(sorted(shared_orcids))}")
    shared_people = len((first.coauthor_ids & second.coauthor_ids) - {first.author_id, second.author_id})
    if shared_people:
        components["coauthors"] = _points(shared_people, PAIR_COAUTHOR_POINTS, 0.0)
        reasons.append(f"{shared_people} shared co-author(s)")
    if placeholder_links:
        components["listing"] = PAIR_PLACEHOLDER_POINTS
        reasons.append(f"{placeholder_links} paper(s) credited to one by a listing name the other")
    common_institutions = first.institutions & second.institutions
    if common_institutions:
        components["institution"] = INSTITUTION_POINTS
        reasons.append(f"shared institution: {', '.join(sorted(common_institutions))}")
    topics = topics_relation(first.topics, second.topics)
    if topics == "shared":
        components["topics"] = TOPIC_SHARED_POINTS
        reasons.append(f"shared topic: {', '.join(sorted(first.topics & second.topics))}")
    elif topics == "unrelated":
        components["topics"] = TOPIC_UNRELATED_POINTS
        reasons.append("topics from unrelated fields")
    similarity = text_similarity(" ".join(first.texts), second.texts)
    if similarity is not None:
        enough = min(first.paper_count, second.paper_count) >= MIN_PAPERS_FOR_UNRELATED
        components["text"] = _points(similarity, TEXT_POINTS, TEXT_UNRELATED_POINTS if enough else 0.0)
        reasons.append(f"word overlap between their papers {similarity:.2f}")
    _field_not_enough(components, reasons)
    return Evidence(
        second.author_id, sum(components.values()), relation or "orcid", components, tuple(reasons)
    )


def pair_action(evidence: Evidence) -> str:
    """``merge`` (automatically), ``propose`` (ask an admin) or ``keep`` (leave apart)."""
    if evidence.score >= AUTO_MERGE_THRESHOLD:
        return "merge"
    if evidence.score >= POSSIBLE_THRESHOLD:
        return "propose"
    return "keep"


# --- evaluation ----------------------------------------------------------------------------------


def clustering_scores(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """Pairwise precision/recall/F1 and B-cubed precision/recall/F1 of a clustering of mentions.

    ``gold`` and ``predicted`` map each mention id to a cluster label.
    """
    mentions = sorted(gold)
    gold_sets: dict[str, set[str]] = {}
    predicted_sets: dict[str, set[str]] = {}
    for mention in mentions:
        gold_sets.setdefault(gold[mention], set()).add(mention)
        predicted_sets.setdefault(predicted[mention], set()).add(mention)

    def pairs(groups: Iterable[set[str]]) -> set[tuple[str, str]]:
        return {(a, b) for group in groups for a in group for b in group if a < b}

    gold_pairs, predicted_pairs = pairs(gold_sets.values()), pairs(predicted_sets.values())
    true_pairs = len(gold_pairs & predicted_pairs)
    pair_precision = true_pairs / len(predicted_pairs) if predicted_pairs else 1.0
    pair_recall = true_pairs / len(gold_pairs) if gold_pairs else 1.0

    b3_precision = b3_recall = 0.0
    for mention in mentions:
        mine = predicted_sets[predicted[mention]]
        truth = gold_sets[gold[mention]]
        overlap = len(mine & truth)
        b3_precision += overlap / len(mine)
        b3_recall += overlap / len(truth)
    b3_precision /= len(mentions) or 1
    b3_recall /= len(mentions) or 1

    def f1(precision: float, recall: float) -> float:
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    return {
        "mentions": len(mentions),
        "gold_clusters": len(gold_sets),
        "predicted_clusters": len(predicted_sets),
        "pairwise_precision": pair_precision,
        "pairwise_recall": pair_recall,
        "pairwise_f1": f1(pair_precision, pair_recall),
        "bcubed_precision": b3_precision,
        "bcubed_recall": b3_recall,
        "bcubed_f1": f1(b3_precision, b3_recall),
    }
