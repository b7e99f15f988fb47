"""Search helpers that touch no database: parameters, rank fusion and highlight markup.

The queries themselves are in ``papers.selectors`` (``search_papers`` and friends).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Reciprocal rank fusion constant (Cormack et al. use 60): damps the head of each list so
# that a paper ranked well by both full text and meaning beats one ranked first by only one.
RRF_K = 60
MAX_QUERY_LENGTH = 200
# One letter matches most names and words: it costs a full scan and tells the reader nothing.
MIN_QUERY_CHARACTERS = 2
QUERY_TOO_SHORT = f"Type at least {MIN_QUERY_CHARACTERS} letters or digits to search."
YEAR_MIN, YEAR_MAX = 1000, 2999

# ts_headline wraps matches in these control characters, which are then turned into
# segments, never into HTML: a stray one in imported text can misplace a highlight, no more.
MARK_START, MARK_STOP = "\x02", "\x03"


@dataclass(frozen=True)
class SearchParams:
    query: str = ""
    year_from: int | None = None
    year_to: int | None = None
    topic: str = ""
    institution: str = ""
    page: int = 1

    @property
    def too_short(self) -> bool:
        """A query was typed but has fewer than MIN_QUERY_CHARACTERS non-space characters."""
        return bool(self.query) and len(self.query.replace(" ", "")) < MIN_QUERY_CHARACTERS

    @property
    def has_filters(self) -> bool:
        return bool(self.year_from or self.year_to or self.topic or self.institution)


def _year(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value.isdigit():
        return None
    year = int(value)
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def parse_search_params(data: Mapping[str, str]) -> SearchParams:
    """Read ``q``, ``year_from``, ``year_to``, ``topic``, ``institution``, ``page``; ignore junk."""
    query = " ".join((data.get("q") or "").split())[:MAX_QUERY_LENGTH]
    year_from, year_to = _year(data.get("year_from")), _year(data.get("year_to"))
    if year_from and year_to and year_from > year_to:
        year_from, year_to = year_to, year_from
    page_text = (data.get("page") or "").strip()
    page = int(page_text) if page_text.isdigit() and 0 < int(page_text) < 10_000 else 1
    return SearchParams(
        query=query,
        year_from=year_from,
        year_to=year_to,
        topic=(data.get("topic") or "").strip()[:200],
        institution=(data.get("institution") or "").strip()[:300],
        page=page,
    )


@dataclass(frozen=True)
class FusedHit:
    paper_id: int
    score: float
    text_rank: int | None  # 1-based position in the full-text list, None when absent
    semantic_rank: int | None


def reciprocal_rank_fusion(
    text_ids: Sequence[int], semantic_ids: Sequence[int], k: int = RRF_K
) -> list[FusedHit]:
    """Merge two ranked id lists: score = sum of 1 / (k + rank); ties keep full-text order."""
    text_rank = {paper_id: rank for rank, paper_id in enumerate(text_ids, start=1)}
    semantic_rank = {paper_id: rank for rank, paper_id in enumerate(semantic_ids, start=1)}
    hits = []
    for paper_id in dict.fromkeys([*text_ids, *semantic_ids]):
        ranks = [text_rank.get(paper_id), semantic_rank.get(paper_id)]
        score = sum(1.0 / (k + rank) for rank in ranks if rank is not None)
        hits.append(FusedHit(paper_id, score, ranks[0], ranks[1]))
    return sorted(
        hits,
        key=lambda hit: (-hit.score, hit.text_rank or len(text_ids) + 1, hit.semantic_rank or 0),
    )


def named_person_first(person_ids: Sequence[int], hits: Sequence[FusedHit]) -> list[FusedHit]:
    """The named person's papers (in the given order) ahead of the other hits, each once."""
    by_id = {hit.paper_id: hit for hit in hits}
    first = [by_id.get(paper_id) or FusedHit(paper_id, 0.0, None, None) for paper_id in person_ids]
    seen = set(person_ids)
    return first + [hit for hit in hits if hit.paper_id not in seen]


def highlight_segments(marked: str | None) -> list[tuple[str, bool]]:
    """Split ts_headline output into (text, is_match) pairs for autoescaped rendering."""
    segments: list[tuple[str, bool]] = []
    for index, part in enumerate((marked or "").split(MARK_START)):
        if index == 0:
            if part:
                segments.append((part.replace(MARK_STOP, ""), False))
            continue
        matched, _, rest = part.partition(MARK_STOP)
        if matched:
            segments.append((matched, True))
        if rest:
            segments.append((rest, False))
    return segments


def name_trigrams(key: str) -> list[str]:
    """The trigrams of a normalised name, as SQL's ``papers_name_trigrams`` (migration 0004)
    computes them: each word padded with two spaces in front and one behind, distinct, sorted."""
    grams = set()
    for word in re.split(r"[^0-9a-z]+", key.lower()):
        if word:
            padded = f"  {word} "
            grams.update(padded[index : index + 3] for index in range(len(padded) - 2))
    return sorted(grams)


def name_key_words(query: str) -> list[str]:
    """The query's words, for matching topic names (three letters or more)."""
    return [word for word in query.lower().split() if len(word) >= 3]
