"""Writes for papers: identity matching, creation and enrichment from canonical records."""

from __future__ import annotations

import datetime
import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Q

from common.text import normalize_key, short_hash, slug_base
from papers.models import Paper, PaperTopic, Topic
from papers.taxonomy import ARXIV_CS_CATEGORIES

# Two abstracts are versions of one paper when this share of their words align in order.
ABSTRACT_MATCH_RATIO = 0.6
# Abstracts are compared on their first words only: the word-sequence match grows faster than
# the square of its input (4,000 words took 12 s), and real abstracts are a few hundred words.
ABSTRACT_MATCH_WORDS = 600
# The sequence match also slows down when few words repeat many times (`A B and A B and ...`:
# 600 words took 9 s). Past this many equal-word pairs the two texts are compared by their
# shared word pairs instead, which takes one pass.
ABSTRACT_MATCH_PAIRS = 20_000
# Titles shorter than this must also agree on the year to count as the same paper.
SHORT_TITLE_LENGTH = 25

_DATE = re.compile(r"^(?:(\d{4})|-)-?(?:(\d{2})(?:-(\d{2}))?)?$")
_CATEGORY_NAMES = {code: (name, description) for code, name, description in ARXIV_CS_CATEGORIES}


def parse_iso_date(value: str | None) -> tuple[int | None, int | None, int | None]:
    """``2023-02-11`` -> (2023, 2, 11); ``2023`` -> (2023, None, None); ``--03-19`` -> (None, 3, 19)."""
    if not value:
        return None, None, None
    if value.startswith("--"):
        month, _, day = value[2:].partition("-")
        return None, int(month) if month.isdigit() else None, int(day) if day.isdigit() else None
    parts = value.split("-")
    numbers = [int(part) if part.isdigit() else None for part in parts[:3]]
    numbers += [None] * (3 - len(numbers))
    return numbers[0], numbers[1], numbers[2]


def _date_precision(year, month, day) -> int:
    return (year is not None) * 4 + (month is not None) * 2 + (day is not None)


def _abstract_words(text: str) -> list[str]:
    return normalize_key(text).split()


def abstracts_match(first: str, second: str) -> bool:
    """True when two abstracts are versions of the same text (v1 vs a later revision)."""
    words_a = _abstract_words(first)[:ABSTRACT_MATCH_WORDS]
    words_b = _abstract_words(second)[:ABSTRACT_MATCH_WORDS]
    if min(len(words_a), len(words_b)) < 12:
        return False
    counts_b = Counter(words_b)
    if sum(counts_b[word] for word in words_a) > ABSTRACT_MATCH_PAIRS:
        return _bigram_similarity(words_a, words_b) >= ABSTRACT_MATCH_RATIO
    matcher = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False)
    return matcher.ratio() >= ABSTRACT_MATCH_RATIO


def _bigram_similarity(words_a: list[str], words_b: list[str]) -> float:
    """Dice coefficient of the two texts' multisets of adjacent word pairs (0..1)."""
    pairs_a = Counter(zip(words_a, words_a[1:], strict=False))
    pairs_b = Counter(zip(words_b, words_b[1:], strict=False))
    shared = sum(min(count, pairs_b[pair]) for pair, count in pairs_a.items())
    return 2 * shared / max(1, len(words_a) + len(words_b) - 2)


def _distinctive_words(text: str, count: int = 12) -> list[str]:
    words = {word for word in _abstract_words(text) if len(word) > 5 and not word.isdigit()}
    return sorted(words, key=lambda word: (-len(word), word))[:count]


def paper_find(*, record: dict) -> Paper | None:
    """The existing paper a canonical record describes: by arXiv id, DOI, title, then abstract text.

    Text only: placement never loads the embedding model. A title-less abstract rewritten beyond
    word alignment waits in curation until ``paper_match_by_embedding`` (the heavy queue) finds it.
    """
    if record.get("arxiv_id"):
        paper = Paper.objects.filter(arxiv_id=record["arxiv_id"]).first()
        if paper:
            return paper
    if record.get("doi"):
        paper = Paper.objects.filter(doi=record["doi"]).first()
        if paper:
            return paper
    title_key = normalize_key(record.get("title") or "")[:500]
    if title_key:
        year, _, _ = parse_iso_date(record.get("date"))
        candidates = Paper.objects.filter(normalized_title=title_key)
        if len(title_key) < SHORT_TITLE_LENGTH and year:
            candidates = candidates.filter(Q(year=year) | Q(year=None))
        paper = candidates.order_by("pk").first()
        if paper:
            return paper
        return None
    abstract = record.get("abstract") or ""
    words = _distinctive_words(abstract)
    if not words:
        return None
    query = SearchQuery(" | ".join(words), search_type="raw", config="simple")
    candidates = (
        Paper.objects.annotate(document=SearchVector("abstract", config="simple"))
        .filter(document=query)
        .only("pk", "abstract")[:200]
    )
    for candidate in candidates:
        if abstracts_match(abstract, candidate.abstract):
            return candidate
    return None


class PaperIndex:
    """The papers a chunk of records may describe, fetched in one query, found by the rules
    of ``paper_find`` (arXiv id, DOI, title) without a query per record.

    Papers created or changed while the chunk is placed are added, so a record later in the
    chunk finds a paper an earlier one created. Title-less records fall back to ``paper_find``.
    """

    def __init__(self, records: list[dict]) -> None:
        self.by_arxiv: dict[str, Paper] = {}
        self.by_doi: dict[str, Paper] = {}
        self.by_title: dict[str, list[Paper]] = {}
        arxiv_ids = {record["arxiv_id"] for record in records if record.get("arxiv_id")}
        dois = {record["doi"] for record in records if record.get("doi")}
        title_keys = {key for key in (title_key_of(record) for record in records) if key}
        if arxiv_ids or dois or title_keys:
            for paper in Paper.objects.filter(
                Q(arxiv_id__in=arxiv_ids) | Q(doi__in=dois) | Q(normalized_title__in=title_keys)
            ).order_by("pk"):
                self.add(paper)

    def add(self, paper: Paper) -> None:
        if paper.arxiv_id:
            self.by_arxiv.setdefault(paper.arxiv_id, paper)
        if paper.doi:
            self.by_doi.setdefault(paper.doi, paper)
        if paper.normalized_title:
            same = self.by_title.setdefault(paper.normalized_title, [])
            if all(other.pk != paper.pk for other in same):
                same.append(paper)
                same.sort(key=lambda other: other.pk)

    def find(self, record: dict) -> Paper | None:
        if record.get("arxiv_id") and record["arxiv_id"] in self.by_arxiv:
            return self.by_arxiv[record["arxiv_id"]]
        if record.get("doi") and record["doi"] in self.by_doi:
            return self.by_doi[record["doi"]]
        title_key = title_key_of(record)
        if not title_key:
            return paper_find(record=record)
        year, _, _ = parse_iso_date(record.get("date"))
        for paper in self.by_title.get(title_key, []):
            if len(title_key) < SHORT_TITLE_LENGTH and year and paper.year not in (year, None):
                continue
            return paper
        return None


def title_key_of(record: dict) -> str:
    return normalize_key(record.get("title") or "")[:500]


def topics_seed() -> int:
    """Create any missing topic of the arXiv CS taxonomy; return how many were added."""
    existing = set(Topic.objects.values_list("code", flat=True))
    missing = [_taxonomy_topic(code) for code, _, _ in ARXIV_CS_CATEGORIES if code not in existing]
    Topic.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def topic_for_category(code: str) -> Topic:
    topic = Topic.objects.filter(code=code).first()
    if topic is None:
        topic = _taxonomy_topic(code)
        topic.save()
    return topic


def _taxonomy_topic(code: str) -> Topic:
    """An unsaved topic for a category code, named from the taxonomy (or by its code)."""
    name, description = _CATEGORY_NAMES.get(code, (code, ""))
    return Topic(code=code, name=name, description=description, slug=slug_base(code.replace(".", "-")))


def _apply_citation_count(paper: Paper, record: dict, source: dict, enrichment: Enrichment) -> None:
    """Keep the most recent citation count: a dated count replaces an older or undated one."""
    count = record.get("cited_by_count")
    if count is None:
        return
    text = record.get("cited_by_count_date")
    counted_on = datetime.date.fromisoformat(text) if text else None
    known_on = paper.citation_count_date
    if paper.citation_count is not None and (
        counted_on is None or (known_on is not None and counted_on < known_on)
    ):
        return
    new = (count, record.get("cited_by_count_source") or "", counted_on)
    if new == (paper.citation_count, paper.citation_count_source, paper.citation_count_date):
        return
    paper.citation_count, paper.citation_count_source, paper.citation_count_date = new
    paper.field_sources["citation_count"] = source
    enrichment.changed_fields.append("citation_count")


@dataclass
class Enrichment:
    """What applying a record to a paper changed."""

    changed_fields: list[str] = field(default_factory=list)


_SIMPLE_FIELDS = ("title", "abstract", "arxiv_id", "doi", "venue", "kind", "source", "score", "has_code")


def _unique_paper_slug(record: dict) -> str:
    title = record.get("title") or ""
    seed = record.get("arxiv_id") or record.get("doi") or normalize_key(title) or record.get("abstract", "")
    return f"{slug_base(title or 'untitled', 70)}-{short_hash(seed)}"


def paper_apply(*, paper: Paper | None, record: dict, source: dict) -> tuple[Paper, Enrichment]:
    """Create a paper from a record, or fill the gaps of an existing one without erasing data.

    ``source`` says where the data came from ({"batch": id, "record": id}) and is stored per
    field in ``field_sources``.
    """
    enrichment = Enrichment()
    creating = paper is None
    if creating:
        paper = Paper(slug=_unique_paper_slug(record))
        if Paper.objects.filter(slug=paper.slug).exists():
            paper.slug = f"{paper.slug}-{short_hash(str(record), 4)}"

    for name in _SIMPLE_FIELDS:
        value = record.get(name)
        if value in (None, "") or getattr(paper, name) not in (None, ""):
            continue
        if (
            name in ("arxiv_id", "doi")
            and Paper.objects.filter(**{name: value}).exclude(pk=paper.pk).exists()
        ):
            continue  # another paper already owns this identifier; never steal it
        setattr(paper, name, value)
        paper.field_sources[name] = source
        enrichment.changed_fields.append(name)
    if "title" in enrichment.changed_fields:
        paper.normalized_title = normalize_key(paper.title)[:500]

    year, month, day = parse_iso_date(record.get("date"))
    if _date_precision(year, month, day) > _date_precision(paper.year, paper.month, paper.day):
        paper.year, paper.month, paper.day = year, month, day
        paper.field_sources["date"] = source
        enrichment.changed_fields.append("date")

    if record.get("authors_truncated") and not paper.authors_truncated and not paper.pk:
        paper.authors_truncated = True
        paper.authors_more = record.get("authors_more")

    _apply_citation_count(paper, record, source, enrichment)

    category = record.get("category")
    topic = None
    if category:
        topic = topic_for_category(category)
        if paper.primary_category_id is None:
            paper.primary_category = topic
            paper.field_sources["category"] = source
            enrichment.changed_fields.append("category")

    if creating or enrichment.changed_fields:
        paper.save()
    if topic is not None:
        PaperTopic.objects.update_or_create(
            paper=paper, topic=topic, defaults={"inferred": False, "score": None}
        )
    return paper, enrichment
