"""Offline evaluation of author identity (pure: no database).

Replays a labelled list of mentions (one JSON object per line: a name written on a paper,
with the paper's co-authors, institutions, topics and text, and the ``person`` it really is)
through the same decisions the resolver makes on import (``identity.decide`` for each
mention, ``identity.score_pair`` when two authors may be one), keeping authors in memory,
and scores the resulting clusters against the labels (``identity.clustering_scores``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from identity import evidence as identity
from identity.names import name_key, parse_name
from ingest import formats

MAX_TEXTS = 40


@dataclass(frozen=True)
class LabelledMention:
    id: str
    paper: str
    batch: str
    name: str
    person: str
    coauthors: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    text: str = ""
    subject: bool = False  # the listing names this researcher (a profile page)
    set: str = "samples"  # which part of the evaluation set: samples or constructed


@dataclass
class _Author:
    id: int
    names: list[str] = field(default_factory=list)
    mentions: list[LabelledMention] = field(default_factory=list)
    merged_into: int | None = None


# --- the "samples" part: built from the sample dumps, labelled by rule -----------------------
SAME_PERSON = {"tatsunori b hashimoto": "tatsunori hashimoto", "niladri s chatterji": "niladri chatterji"}


def person_of(name: str) -> str:
    key = name_key(name)
    return SAME_PERSON.get(key, key).replace(" ", "-")


def sample_mentions(folder: Path) -> list[dict]:
    rows = []
    for prefix in ("000", "001", "004"):
        path = next(folder.glob(f"{prefix}_*.txt"))
        text = formats.decode(path.read_bytes())
        result = formats.parse(text, format=formats.detect(text))
        subject = result.context.get("subject")
        for index, record in enumerate(result.records):
            data = record.to_dict()
            paper = f"{prefix}-{index:03d}"
            body = f"{data['title'] or ''} {data['abstract'] or ''}".strip()
            names = data["authors"] or ([subject] if subject else [])
            for position, name in enumerate(names):
                rows.append(
                    {
                        "id": f"{paper}-{position}",
                        "set": "samples",
                        "batch": prefix,
                        "paper": paper,
                        "name": name,
                        "person": person_of(name),
                        "coauthors": [other for other in names if other != name],
                        "institutions": data["institutions"],
                        "topics": [data["category"]] if data["category"] else [],
                        "text": body,
                        "subject": not data["authors"] and name == subject,
                    }
                )
    return rows


def _mention(row: dict) -> LabelledMention:
    return LabelledMention(
        id=row["id"],
        paper=row["paper"],
        batch=row.get("batch", ""),
        name=row["name"],
        person=row["person"],
        coauthors=tuple(row.get("coauthors") or ()),
        institutions=tuple(row.get("institutions") or ()),
        topics=tuple(row.get("topics") or ()),
        text=row.get("text") or "",
        subject=bool(row.get("subject")),
        set=row.get("set", "samples"),
    )


def load(path: Path, dumps: Path | None = None) -> list[LabelledMention]:
    """The labelled set: the sample dumps' mentions (when ``dumps`` exists), then the file's."""
    mentions = []
    if dumps is not None and dumps.is_dir():
        mentions = [_mention(row) for row in sample_mentions(dumps)]
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            mentions.append(_mention(json.loads(line)))
        except KeyError as error:
            raise ValueError(f"{path}:{number}: missing key {error}") from error
    return mentions


class InMemoryResolver:
    """The import-time resolver's decisions, with authors kept in memory."""

    def __init__(self) -> None:
        self.authors: dict[int, _Author] = {}
        self.assigned: dict[str, int] = {}  # mention id -> author id
        self.by_paper: dict[str, list[LabelledMention]] = defaultdict(list)
        self.subjects: dict[str, int] = {}  # batch -> author id named by the listing
        self.proposals: set[tuple[int, int]] = set()
        self.merges = 0

    # --- bookkeeping

    def _live(self, author_id: int) -> int:
        while self.authors[author_id].merged_into is not None:
            author_id = self.authors[author_id].merged_into
        return author_id

    def _author_of(self, mention: LabelledMention) -> int:
        return self._live(self.assigned[mention.id])

    def _candidate(self, author: _Author, mention: LabelledMention | None = None) -> identity.Candidate:
        coauthor_names, coauthor_ids, institutions, topics, texts = set(), set(), set(), set(), []
        for own in author.mentions:
            institutions.update(own.institutions)
            topics.update(own.topics)
            if own.text and (not texts or texts[-1] != own.text):
                texts.append(own.text)
            for other in self.by_paper[own.paper]:
                if other.id != own.id and other.id in self.assigned:
                    coauthor_names.add(other.name)
                    coauthor_ids.add(self._author_of(other))
        same_batch = False
        if mention is not None:
            key = name_key(mention.name)
            same_batch = any(
                own.batch == mention.batch and own.paper != mention.paper and name_key(own.name) == key
                for own in author.mentions
            )
        return identity.Candidate(
            author_id=author.id,
            names=tuple(dict.fromkeys(author.names)),
            coauthors=tuple(sorted(coauthor_names)),
            coauthor_ids=frozenset(coauthor_ids),
            institutions=frozenset(institutions),
            topics=frozenset(topics),
            texts=tuple(texts[-MAX_TEXTS:]),
            paper_count=len({own.paper for own in author.mentions}),
            is_subject=bool(mention and mention.subject and self.subjects.get(mention.batch) == author.id),
            same_batch_name=same_batch,
        )

    def _attach(self, mention: LabelledMention, author_id: int) -> None:
        author = self.authors[author_id]
        author.mentions.append(mention)
        author.names.append(mention.name)
        self.assigned[mention.id] = author_id
        if mention.subject:
            self.subjects.setdefault(mention.batch, author_id)

    def _new_author(self) -> int:
        author_id = len(self.authors) + 1
        self.authors[author_id] = _Author(id=author_id)
        return author_id

    # --- pairs

    def _pair_reconsider(self, first: int, second: int) -> int:
        first, second = self._live(first), self._live(second)
        if first == second:
            return first
        papers_a = {m.paper for m in self.authors[first].mentions}
        papers_b = {m.paper for m in self.authors[second].mentions}
        evidence = identity.score_pair(
            self._candidate(self.authors[first]),
            self._candidate(self.authors[second]),
            co_listed=len(papers_a & papers_b),
        )
        action = identity.pair_action(evidence)
        if action == "propose":
            self.proposals.add((min(first, second), max(first, second)))
        if action != "merge":
            return first
        survivor, merged = sorted((first, second))
        self.authors[merged].merged_into = survivor
        self.authors[survivor].mentions += self.authors[merged].mentions
        self.authors[survivor].names += self.authors[merged].names
        for subject_batch, author_id in self.subjects.items():
            if author_id == merged:
                self.subjects[subject_batch] = survivor
        self.proposals.discard((survivor, merged))
        self.merges += 1
        return survivor

    # --- one mention

    def resolve(self, mention: LabelledMention) -> None:
        parsed = parse_name(mention.name)
        on_paper = {self._author_of(m) for m in self.by_paper[mention.paper] if m.id in self.assigned}
        candidates = [
            self._candidate(author, mention)
            for author in self.authors.values()
            if author.merged_into is None
            and author.id not in on_paper
            and any(parse_name(name).block_key == parsed.block_key for name in author.names)
        ]
        query = identity.Mention(
            name=mention.name,
            coauthors=tuple(name for name in mention.coauthors if name != mention.name),
            institutions=frozenset(mention.institutions),
            topics=frozenset(mention.topics),
            text=mention.text,
        )
        decision = identity.decide(query, candidates)
        self.by_paper[mention.paper].append(mention)
        if decision.action == "match":
            author_id = decision.author_id
            self._attach(mention, author_id)
            for other in decision.also_fits:
                author_id = self._pair_reconsider(author_id, other)
            for low, high in sorted(self.proposals):
                if author_id in (low, high) and (low, high) in self.proposals:
                    author_id = self._pair_reconsider(author_id, high if low == author_id else low)
            return
        author_id = self._new_author()
        self._attach(mention, author_id)
        for other in decision.possible:
            self.proposals.add((min(author_id, other), max(author_id, other)))

    def clusters(self) -> dict[str, str]:
        return {mention_id: str(self._live(author_id)) for mention_id, author_id in self.assigned.items()}


def evaluate(mentions: list[LabelledMention]) -> dict:
    """Resolve every mention in order; score overall and per part of the set."""
    resolver = InMemoryResolver()
    for mention in mentions:
        resolver.resolve(mention)
    predicted = resolver.clusters()
    gold = {mention.id: mention.person for mention in mentions}
    report = {"all": identity.clustering_scores(gold, predicted)}
    for part in sorted({mention.set for mention in mentions}):
        ids = {mention.id for mention in mentions if mention.set == part}
        report[part] = identity.clustering_scores(
            {key: value for key, value in gold.items() if key in ids},
            {key: value for key, value in predicted.items() if key in ids},
        )
    report["automatic_merges"] = resolver.merges
    report["open_proposals"] = len(resolver.proposals)
    report["errors"] = _errors(mentions, predicted)
    return report


def _errors(mentions: list[LabelledMention], predicted: dict[str, str]) -> dict[str, list]:
    """Wrong merges (one cluster, several people) and splits (one person, several clusters)."""
    people_in: dict[str, set[str]] = defaultdict(set)
    clusters_of: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    for mention in mentions:
        cluster = predicted[mention.id]
        people_in[cluster].add(mention.person)
        clusters_of[mention.person].add(cluster)
        names[mention.person].add(mention.name)
    return {
        "wrong_merges": sorted(sorted(people) for people in people_in.values() if len(people) > 1),
        "splits": sorted(
            [person, len(clusters), sorted(names[person])]
            for person, clusters in clusters_of.items()
            if len(clusters) > 1
        ),
    }
