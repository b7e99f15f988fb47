"""Reads for paper and topic pages; each runs a fixed number of queries."""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from pgvector.django import CosineDistance

from common.cache_generations import SEARCH_RESULTS
from common.text import normalize_key
from ingest.models import ImportBatch, ImportRecord
from papers.embedding import get_embedder
from papers.models import Authorship, Paper, PaperTopic, Topic
from papers.search import (
    MARK_START,
    MARK_STOP,
    FusedHit,
    SearchParams,
    highlight_segments,
    name_key_words,
    name_trigrams,
    named_person_first,
    reciprocal_rank_fusion,
)
from papers.topics import author_topic_weights
from profiles.models import Author, AuthorAlias, Institution

logger = logging.getLogger(__name__)

SIMILAR_TOPIC_CANDIDATES = 500


class SubqueryCount(Subquery):
    """``(SELECT COUNT(*) FROM (subquery))``: a correlated count in the outer SELECT."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


# Heavy columns list pages never show (the 384-float embeddings, the search document,
# provenance JSON).
LIST_DEFERRED = (
    "embedding",
    "search_document",
    "embedding_model",
    "embedding_text_hash",
    "field_sources",
    "primary_category__embedding",
)

NEWEST_FIRST = (
    F("year").desc(nulls_last=True),
    F("month").desc(nulls_last=True),
    F("day").desc(nulls_last=True),
    "title",
    "pk",
)


# Every author of a paper, in order, in one query for a whole list of papers.
AUTHORSHIPS = Prefetch(
    "authorships", queryset=Authorship.objects.select_related("author").order_by("position")
)


def papers_with_authors() -> QuerySet[Paper]:
    """Papers ready for a list item: primary topic, and every author in one extra query."""
    return (
        Paper.objects.select_related("primary_category")
        .defer(*LIST_DEFERRED)
        .prefetch_related(
            Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("author")
                .only(
                    "paper_id",
                    "author_id",
                    "position",
                    "name_as_written",
                    "orcid",
                    "from_subject",
                    "author__slug",
                    "author__display_name",
                )
                .order_by("position"),
            )
        )
    )


AUTHOR_PREVIEW = 12  # authors shown per list item before "and N more"


def with_author_preview(papers, *, limit: int = AUTHOR_PREVIEW) -> None:
    """Give each paper of a page (from ``papers_with_authors``) the authors a list item shows.

    Sets ``author_preview`` (the first ``limit`` authorships), ``authors_hidden`` (how many
    more) and ``only_listing_owner`` (the author list was never imported, only the researcher
    whose listing named the paper). Uses the prefetched authorships: no queries.
    """
    for paper in papers:
        authorships = list(paper.authorships.all())
        paper.author_preview = authorships[:limit]
        paper.authors_hidden = max(len(authorships) - limit, 0)
        paper.only_listing_owner = bool(authorships) and all(a.from_subject for a in authorships)


def paper_for_page(*, slug: str) -> Paper | None:
    """The paper with its authors (and their listed institutions), topics and source imports."""
    return (
        Paper.objects.select_related("primary_category")
        # The paper's own embedding stays: similar_papers needs it (one vector, no extra query).
        .defer("primary_category__embedding", "search_document")
        .prefetch_related(
            Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("author")
                .prefetch_related("institutions")
                .order_by("position"),
            ),
            Prefetch(
                "paper_topics",
                queryset=PaperTopic.objects.select_related("topic")
                .defer("topic__embedding")
                .order_by("inferred", F("score").desc(nulls_last=True), "topic__name"),
            ),
            Prefetch(
                "import_records",
                queryset=ImportRecord.objects.select_related("batch")
                .exclude(batch__status=ImportBatch.Status.UNDONE)
                .order_by("batch__created_at", "index"),
            ),
        )
        .filter(slug=slug)
        .first()
    )


def similar_papers(*, paper: Paper, limit: int = 6) -> list[Paper]:
    """Papers most like this one, best first.

    The nearest neighbours of the paper's embedding through the HNSW index, each carrying
    ``similarity`` (cosine), ``shared_authors`` and ``shared_topics``. A paper without an
    embedding yet falls back to shared authors and topics (``similar_papers_by_links``).
    Always at most ``limit`` other papers, with ``primary_category`` loaded.
    """
    vector = paper.__dict__.get("embedding")
    if "embedding" not in paper.__dict__:
        vector = Paper.objects.filter(pk=paper.pk).values_list("embedding", flat=True).first()
    if vector is None:
        return similar_papers_by_links(paper=paper, limit=limit)
    author_ids = Authorship.objects.filter(paper=paper).values("author_id")
    topic_ids = PaperTopic.objects.filter(paper=paper).values("topic_id")
    neighbours = (
        Paper.objects.filter(embedding__isnull=False)
        .exclude(pk=paper.pk)
        .annotate(distance=CosineDistance("embedding", vector))
        .order_by("distance")[:limit]
    )
    papers = list(
        Paper.objects.filter(pk__in=Subquery(neighbours.values("pk")))
        .annotate(
            distance=CosineDistance("embedding", vector),
            shared_authors=SubqueryCount(
                Authorship.objects.filter(paper=OuterRef("pk"), author_id__in=author_ids)
                .order_by()
                .values("pk")
            ),
            shared_topics=SubqueryCount(
                PaperTopic.objects.filter(paper=OuterRef("pk"), topic_id__in=topic_ids)
                .order_by()
                .values("pk")
            ),
        )
        .select_related("primary_category")
        .defer("embedding")
        .order_by("distance", "pk")
    )
    for other in papers:
        other.similarity = 1.0 - float(other.distance)
    return papers


def similar_papers_by_links(*, paper: Paper, limit: int = 6) -> list[Paper]:
    """Papers sharing authors (each shared author worth 3) or topics (each worth 1), newest first.

    Topic-only candidates are limited to the most recently imported ``SIMILAR_TOPIC_CANDIDATES``
    so a huge topic stays cheap. Each result carries ``shared_authors`` and ``shared_topics``.
    """
    author_ids = Authorship.objects.filter(paper=paper).values("author_id")
    topic_ids = PaperTopic.objects.filter(paper=paper).values("topic_id")
    by_authors = Authorship.objects.filter(author_id__in=author_ids).values("paper_id")
    by_topics = (PaperTopic.objects.filter(topic_id__in=topic_ids).order_by("-paper_id").values("paper_id"))[
        :SIMILAR_TOPIC_CANDIDATES
    ]
    candidates = (
        Paper.objects.exclude(pk=paper.pk)
        .filter(Q(pk__in=by_authors) | Q(pk__in=by_topics))
        .annotate(
            shared_authors=SubqueryCount(
                Authorship.objects.filter(paper=OuterRef("pk"), author_id__in=author_ids)
                .order_by()
                .values("pk")
            ),
            shared_topics=SubqueryCount(
                PaperTopic.objects.filter(paper=OuterRef("pk"), topic_id__in=topic_ids)
                .order_by()
                .values("pk")
            ),
        )
        .annotate(similarity=F("shared_authors") * 3 + F("shared_topics"))
        .select_related("primary_category")
        .defer(*LIST_DEFERRED)
        .order_by("-similarity", *NEWEST_FIRST)
    )
    return list(candidates[:limit])


# --- topics -------------------------------------------------------------------------------


def topic_list() -> QuerySet[Topic]:
    """Every topic with how many papers carry it, the busiest first."""
    return (
        Topic.objects.defer("embedding")
        .annotate(paper_count=Count("paper_topics", distinct=True))
        .order_by("-paper_count", "code")
    )


def topic_papers(*, topic: Topic) -> QuerySet[Paper]:
    return papers_with_authors().filter(paper_topics__topic=topic).order_by(*NEWEST_FIRST)


def new_topic_works(*, topic: Topic, limit: int) -> list[Paper]:
    """The topic's papers most recently added to the site, with their authors (two queries)."""
    return list(
        papers_with_authors().filter(paper_topics__topic=topic).order_by("-created_at", "-pk")[:limit]
    )


def new_works_by(*, author: Author, limit: int) -> list[Paper]:
    """The author's papers most recently added to the site, with their authors (two queries)."""
    return list(
        papers_with_authors().filter(authorships__author=author).order_by("-created_at", "-pk")[:limit]
    )


def topic_leading_authors(*, topic: Topic, limit: int = 12) -> list[Author]:
    """Researchers with the most papers in the topic; each carries ``topic_paper_count``."""
    return list(
        Author.objects.filter(authorships__paper__paper_topics__topic=topic, merged_into=None)
        .annotate(topic_paper_count=Count("authorships__paper", distinct=True))
        .select_related("institution")
        .order_by("-topic_paper_count", "-work_count", "display_name")[:limit]
    )


# --- related researchers and weighted topics (embeddings) -------------------------------------

# One statement: the author's centroid (an InitPlan, so the HNSW index still orders the scan),
# the nearest other current authors' centroids, and how many papers each shares with the author.
# Centroids of merged or deleted authors are skipped while the scan goes on: every connection
# runs pgvector's iterative index scan (config/settings.py).
_NEAREST_CENTROIDS = f"""
WITH nearest AS (
    SELECT centroid.author_id,
           centroid.embedding <=> (SELECT embedding FROM papers_author_centroid WHERE author_id = %(me)s)
               AS distance
    FROM papers_author_centroid AS centroid
    JOIN {Author._meta.db_table} AS author
      ON author.id = centroid.author_id AND author.merged_into_id IS NULL
    WHERE centroid.author_id <> %(me)s
    ORDER BY centroid.embedding
        <=> (SELECT embedding FROM papers_author_centroid WHERE author_id = %(me)s)
    LIMIT %(wanted)s
)
SELECT nearest.author_id, nearest.distance,
       (SELECT COUNT(DISTINCT theirs.paper_id)
        FROM {Authorship._meta.db_table} AS theirs
        JOIN {Authorship._meta.db_table} AS mine
          ON mine.paper_id = theirs.paper_id AND mine.author_id = %(me)s
        WHERE theirs.author_id = nearest.author_id) AS shared
FROM nearest
WHERE nearest.distance IS NOT NULL
"""


@dataclass(frozen=True)
class RelatedResearcher:
    author: Author
    similarity: float
    is_coauthor: bool
    shared_papers: int


def related_researchers(
    *, author: Author, limit: int = 8, exclude_coauthors: bool = False, min_similarity: float = -1.0
) -> list[RelatedResearcher]:
    """Researchers whose work is closest to this author's: nearest author centroids (HNSW).

    Co-authors are marked (``is_coauthor``, ``shared_papers``), or left out on request;
    researchers below ``min_similarity`` (cosine) are left out.
    Empty until the author has an embedded paper. Two queries.
    """
    wanted = (4 if exclude_coauthors else 2) * limit  # room for co-authors left out
    with connection.cursor() as cursor:
        cursor.execute(_NEAREST_CENTROIDS, {"me": author.pk, "wanted": wanted})
        rows = cursor.fetchall()
    if not rows:
        return []  # no embedded paper yet
    distances = {author_id: distance for author_id, distance, _shared in rows}
    shared = {author_id: count for author_id, _distance, count in rows if count}
    authors = Author.objects.filter(pk__in=list(distances), merged_into=None).select_related("institution")
    related = [
        RelatedResearcher(
            author=other,
            similarity=1.0 - float(distances[other.pk]),
            is_coauthor=other.pk in shared,
            shared_papers=shared.get(other.pk, 0),
        )
        for other in authors
        if not (exclude_coauthors and other.pk in shared)
    ]
    related = [item for item in related if item.similarity >= min_similarity]
    related.sort(key=lambda item: (-item.similarity, item.author.display_name))
    return related[:limit]


def author_topics_weighted(*, author: Author, limit: int = 10) -> list[tuple[Topic, float]]:
    """The author's topics with their share of the author's work (stated 1, inferred by score)."""
    rows = PaperTopic.objects.filter(paper__authorships__author=author).values_list(
        "paper_id", "topic_id", "inferred", "score"
    )
    weights = author_topic_weights(rows)[:limit]
    topics = Topic.objects.defer("embedding").in_bulk([topic_id for topic_id, _ in weights])
    return [(topics[topic_id], share) for topic_id, share in weights if topic_id in topics]


# --- search -----------------------------------------------------------------------------

# How deep each ranked list goes before fusion; pages past this depth are not offered.
SEARCH_TEXT_CANDIDATES = 200
# A word found in tens of thousands of papers is ranked within its newest matches only, so the
# work per query stays bounded (ranking reads each candidate's stored document).
SEARCH_TEXT_RANK_POOL = 2000
SEARCH_TEXT_WINDOW = 20_000  # papers (by id, newest first) searched before widening
SEARCH_SEMANTIC_CANDIDATES = 100
# Below this cosine a paper is not "about" the query at all (measured on the samples with
# the real model: unrelated papers score under 0.2 for short queries; docs/benchmarks.md).
SEARCH_SEMANTIC_MIN_SIMILARITY = 0.25
# A query that is exactly a researcher's name lists the papers of the best-established such
# researchers (at most this many people, this many papers) before the other hits.
SEARCH_NAMED_PEOPLE = 3
SEARCH_NAMED_PERSON_PAPERS = 20
# Authors whose name shares at least this share of the query's trigrams (typos allowed).
SEARCH_NAME_MIN_COVERAGE = 0.5
SEARCH_QUERY_VECTOR_SECONDS = 60 * 60 * 24


def paper_search_query(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config="english")


def _filtered_papers(params: SearchParams) -> QuerySet[Paper]:
    papers = Paper.objects.all()
    if params.year_from:
        papers = papers.filter(year__gte=params.year_from)
    if params.year_to:
        papers = papers.filter(year__lte=params.year_to)
    if params.topic:
        papers = papers.filter(
            Exists(PaperTopic.objects.filter(paper=OuterRef("pk"), topic__slug=params.topic))
        )
    if params.institution:
        papers = papers.filter(
            Exists(
                Authorship.objects.filter(paper=OuterRef("pk")).filter(
                    Q(institutions__slug=params.institution) | Q(author__institution__slug=params.institution)
                )
            )
        )
    return papers


def query_vector(query: str):
    """The query's embedding, cached by text and model (the model loads on first use).

    The text is normalised first (spaces collapsed, lower case: the model is uncased), so
    spellings of one query share one cache entry and one vector.
    """
    embedder = get_embedder()
    query = " ".join(query.split()).lower()
    key = "search:vector:" + hashlib.sha256(f"{embedder.model_id}\n{query}".encode()).hexdigest()
    vector = cache.get(key)
    if vector is None:
        vector = [float(value) for value in embedder.encode([query])[0]]
        cache.set(key, vector, SEARCH_QUERY_VECTOR_SECONDS)
    return vector


def search_paper_ids_by_text(*, params: SearchParams, limit: int = SEARCH_TEXT_CANDIDATES) -> list[int]:
    """Papers matching the query's words, best ranked first (``ts_rank`` on the stored document).

    Only the newest ``SEARCH_TEXT_RANK_POOL`` matches are ranked; fewer matches are all ranked.
    The newest matches are looked for in the newest ``SEARCH_TEXT_WINDOW`` papers first, then in
    a window eight times wider, and so on: each step is bounded by its window (a common word
    fills the pool at once), and a rare pair of words reaches the whole table through its index
    instead of walking the million papers newest-first testing each one.
    """
    query = paper_search_query(params.query)
    matching = _filtered_papers(params).filter(search_document=query).order_by("-pk")
    newest = Paper.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    window = SEARCH_TEXT_WINDOW
    while True:
        if window >= newest:
            pool = matching.values("pk")[:SEARCH_TEXT_RANK_POOL]  # the whole table: one statement
            break
        ids = list(
            matching.filter(pk__gt=newest - window).values_list("pk", flat=True)[:SEARCH_TEXT_RANK_POOL]
        )
        if len(ids) >= SEARCH_TEXT_RANK_POOL:
            pool = ids
            break
        window *= 8
    return list(
        Paper.objects.filter(pk__in=pool)
        .annotate(rank=SearchRank(F("search_document"), query))
        .order_by("-rank", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def search_paper_ids_by_meaning(
    *, params: SearchParams, vector, limit: int = SEARCH_SEMANTIC_CANDIDATES
) -> list[int]:
    """Nearest papers to the query vector through the HNSW index, filters applied during the scan."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Filters drop rows after the index hands them over; iterative scans keep going
        # until the limit is filled, and ef_search must cover the limit.
        cursor.execute(f"SET LOCAL hnsw.ef_search = {max(40, min(int(limit), 1000))}")
        cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
        rows = list(
            _filtered_papers(params)
            .filter(embedding__isnull=False)
            .annotate(distance=CosineDistance("embedding", vector))
            .order_by("distance")
            .values_list("pk", "distance")[:limit]
        )
    rows.sort(key=lambda row: row[1])  # relaxed order: nearly sorted
    return [pk for pk, distance in rows if 1.0 - distance >= SEARCH_SEMANTIC_MIN_SIMILARITY]


def search_papers(
    *, params: SearchParams, semantic: bool = True, people: Sequence[Author] = ()
) -> list[FusedHit]:
    """Papers for a query: full-text and semantic rankings fused (reciprocal rank fusion).

    ``people`` are the researchers found for the same query (``search_authors``): when the
    query is exactly the name of some of them, their newest papers come first (one more query).
    """
    if not params.query:
        return []
    fused = _search_papers_fused(params=params, semantic=semantic)
    named = [author.pk for author in people if getattr(author, "match", None) == NameMatch.EXACT]
    if not named:
        return fused
    own = (
        _filtered_papers(params)
        .filter(
            Exists(Authorship.objects.filter(paper=OuterRef("pk"), author_id__in=named[:SEARCH_NAMED_PEOPLE]))
        )
        .order_by(*NEWEST_FIRST)
        .values_list("pk", flat=True)[:SEARCH_NAMED_PERSON_PAPERS]
    )
    return named_person_first(list(own), fused)


SEARCH_RESULTS_SECONDS = 30 * 60  # a backstop: imports and text edits replace the token at once


def _search_papers_fused(*, params: SearchParams, semantic: bool) -> list[FusedHit]:
    """The fused ranking, kept in the cache per query and filters (not per page).

    The key carries the site-wide search token (``common.cache_generations.SEARCH_RESULTS``),
    which every finished import, undo, merge, text edit or new vector replaces: a repeated
    query (the next page, a popular search) costs no ranking until the papers change.
    """
    wanted = (params.query, params.year_from, params.year_to, params.topic, params.institution, semantic)
    digest = hashlib.sha256(repr(wanted).encode()).hexdigest()[:32]
    key = f"search:papers:{SEARCH_RESULTS.token(0)}:{digest}"
    found = cache.get(key)
    if found is not None:
        return found
    fused = _search_papers_ranked(params=params, semantic=semantic)
    cache.set(key, fused, SEARCH_RESULTS_SECONDS)
    return fused


def _search_papers_ranked(*, params: SearchParams, semantic: bool) -> list[FusedHit]:
    text_ids = search_paper_ids_by_text(params=params)
    semantic_ids: list[int] = []
    if semantic and Paper.objects.filter(embedding__isnull=False).exists():
        try:
            vector = query_vector(params.query)
        except Exception:  # the page still answers by words if the model cannot load
            logger.exception("semantic search unavailable; answering by full text only")
        else:
            semantic_ids = search_paper_ids_by_meaning(params=params, vector=vector)
    return reciprocal_rank_fusion(text_ids, semantic_ids)


def search_result_papers(*, hits: list[FusedHit], query: str) -> list[Paper]:
    """One page of hits as papers in hit order, with authors and highlighted title/abstract.

    Each paper carries ``hit``, ``title_segments`` and ``abstract_segments`` ((text,
    is_match) pairs, rendered with autoescaping). Two queries.
    """
    if not hits:
        return []
    tsquery = paper_search_query(query)
    marks = {"start_sel": MARK_START, "stop_sel": MARK_STOP, "config": "english"}
    papers = (
        papers_with_authors()
        .filter(pk__in=[hit.paper_id for hit in hits])
        .defer("embedding")
        .annotate(
            title_marked=SearchHeadline("title", tsquery, highlight_all=True, **marks),
            abstract_marked=SearchHeadline(
                "abstract",
                tsquery,
                max_words=45,
                min_words=25,
                max_fragments=2,
                fragment_delimiter=" … ",
                **marks,
            ),
        )
    )
    by_id = {paper.pk: paper for paper in papers}
    ordered = []
    for hit in hits:
        paper = by_id.get(hit.paper_id)
        if paper is None:
            continue
        paper.hit = hit
        paper.title_segments = highlight_segments(paper.title_marked)
        paper.abstract_segments = highlight_segments(paper.abstract_marked)
        ordered.append(paper)
    with_author_preview(ordered)
    return ordered


# Author-name search, ranked and cut in SQL (one statement, profiles' tables named from their
# models). Two stages, each bounded by a GIN index scan:
# 1. word matches: spellings whose words start with the query's words (an exact spelling ranks
#    above the rest). They hold every trigram of the query but each word's last one, so the
#    trigram index finds them with ``@>``.
# 2. typos, only when stage 1 found fewer than the authors wanted: spellings holding at least
#    SEARCH_NAME_MIN_COVERAGE of the query's trigrams (k of the query's n). Such a spelling
#    misses at most n - k of them, so it holds at least two of the query's (n - k + 2) rarest
#    trigrams: the index is asked for spellings holding a pair of those (a BitmapOr of one GIN
#    scan per pair; a pair's rows are far fewer than one trigram's, and the choice stays exact).
#    With k < 2 (one-word queries of a letter or two) one of the (n - k + 1) rarest is enough.
#    Rarity comes from ANALYZE's statistics of the index; without statistics any choice is still
#    exact, only slower. At most SEARCH_NAME_TYPO_CANDIDATES spellings are scored.
# Ranking: match (exact, words, typo), share of the query's trigrams, then how established the
# person is (works, trust), then trigram likeness.
_NAME_MATCHES = f"""
WITH asked AS (SELECT %(grams)s::text[] AS grams),
word_matches AS MATERIALIZED (
    SELECT alias.author_id, alias.name,
           CASE WHEN alias.normalized_name = %(key)s THEN 3 ELSE 2 END AS quality,
           1.0::float8 AS coverage, 1.0::float8 AS likeness
    FROM {AuthorAlias._meta.db_table} AS alias
    WHERE papers_name_trigrams(alias.normalized_name) @> %(word_grams)s::text[]
      AND (SELECT bool_and(position(' ' || word IN ' ' || alias.normalized_name) > 0)
           FROM unnest(%(words)s::text[]) AS word)
    LIMIT %(word_candidates)s
),
word_authors AS (  -- only whether there are enough: stops at the limit (a common name has thousands)
    SELECT count(*) AS found FROM (
        SELECT 1
        FROM (SELECT DISTINCT author_id FROM word_matches) AS matched
        CROSS JOIN LATERAL (
            SELECT 1 FROM {Author._meta.db_table} AS author
            LEFT JOIN {Institution._meta.db_table} AS institution ON institution.id = author.institution_id
            WHERE author.id = matched.author_id AND author.merged_into_id IS NULL
              AND (%(institution)s = '' OR institution.slug = %(institution)s)
            OFFSET 0
        ) AS live
        LIMIT %(limit)s
    ) AS enough
),
rarity AS MATERIALIZED (  -- read (and its array cast) once
    SELECT most_common_elems::text::text[] AS grams, most_common_elem_freqs AS shares
    FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'papers_alias_name_trigrams'
),
probe AS MATERIALIZED (
    SELECT ARRAY(
        SELECT gram FROM unnest(asked.grams) AS gram LEFT JOIN rarity ON true
        ORDER BY coalesce(rarity.shares[array_position(rarity.grams, gram)], 0), gram
        LIMIT %(probes)s
    ) AS grams
    FROM asked
),
typo_candidates AS MATERIALIZED (
    SELECT alias.author_id, alias.name,
           -- the spelling padded as the trigram function pads each word: a trigram of the
           -- query is one of the spelling's exactly when it occurs in this text
           '  ' || replace(alias.normalized_name, ' ', ' ' || '  ') || ' ' AS padded,
           length(replace(alias.normalized_name, ' ', ''))
               + cardinality(string_to_array(alias.normalized_name, ' ')) AS own
    FROM {AuthorAlias._meta.db_table} AS alias
    WHERE (SELECT found FROM word_authors) < %(limit)s
      AND (PROBE_CONDITION)
    LIMIT %(typo_candidates)s
),
typo_counts AS MATERIALIZED (
    SELECT author_id, name, own, (SHARED_TRIGRAMS)::float8 AS shared, %(wanted)s::float8 AS wanted
    FROM typo_candidates
),
matches AS (
    SELECT author_id, name, quality, coverage, likeness FROM word_matches
    UNION ALL
    SELECT author_id, name, 1, shared / wanted, shared / greatest(own + wanted - shared, 1)
    FROM typo_counts
    WHERE shared / wanted >= %(min_coverage)s
),
grouped AS (
    SELECT author_id, max(quality) AS quality, max(coverage) AS coverage, max(likeness) AS likeness,
           array_agg(DISTINCT name) AS names
    FROM matches
    GROUP BY author_id
)
SELECT grouped.author_id, grouped.quality, grouped.coverage, grouped.likeness, grouped.names
FROM grouped
CROSS JOIN LATERAL (  -- one primary-key lookup per matched author (OFFSET 0 keeps it a lookup)
    SELECT author.work_count, author.trust_score FROM {Author._meta.db_table} AS author
    LEFT JOIN {Institution._meta.db_table} AS institution ON institution.id = author.institution_id
    WHERE author.id = grouped.author_id AND author.merged_into_id IS NULL
      AND (%(institution)s = '' OR institution.slug = %(institution)s)
    OFFSET 0
) AS author
ORDER BY grouped.quality DESC, grouped.coverage DESC, author.work_count DESC,
         author.trust_score DESC NULLS LAST, grouped.likeness DESC, grouped.author_id
LIMIT %(limit)s
"""  # noqa: S608 - table names come from our own models, the query's text is a parameter

SEARCH_NAME_WORD_CANDIDATES = 20_000
SEARCH_NAME_MAX_LENGTH = 100  # characters of the normalised query compared
SEARCH_NAME_TYPO_CANDIDATES = 5_000


class NameMatch(IntEnum):
    TYPO = 1
    WORDS = 2  # every word of the query starts a word of the name
    EXACT = 3  # one of the person's spellings is the query


@dataclass(frozen=True)
class AuthorNameMatch:
    author_id: int
    match: NameMatch
    coverage: float  # share of the query's trigrams the best spelling holds
    names: list[str]  # the spellings that matched


def _typo_probe(count: int, needed: int) -> tuple[int, str]:
    """How many of the rarest trigrams to probe, and the index condition on them (see stage 2)."""
    trigrams = "papers_name_trigrams(alias.normalized_name)"
    if needed < 2:
        return count - needed + 1, f"{trigrams} && (SELECT grams FROM probe)"
    probes = count - needed + 2
    pairs = [
        f"{trigrams} @> ARRAY[(SELECT grams[{first}] FROM probe), (SELECT grams[{second}] FROM probe)]"
        for first in range(1, probes + 1)
        for second in range(first + 1, probes + 1)
    ]
    return probes, " OR ".join(pairs)


def author_name_matches(*, query: str, institution: str = "", limit: int = 10) -> list[AuthorNameMatch]:
    """Live authors whose name or a recorded spelling resembles the query, best first (one query).

    Typos are allowed (trigrams, see migration papers/0004); ranked by how well the name matches
    (exact, every word, typo; then the share of the query's trigrams), then by works and trust.
    """
    key = normalize_key(query)[:SEARCH_NAME_MAX_LENGTH]
    grams = name_trigrams(key)
    if not grams:
        return []
    # How many of the query's trigrams a spelling holds: one test per trigram, in one expression.
    shared = " + ".join(f"(strpos(padded, %(gram_{index})s) > 0)::int" for index in range(len(grams)))
    needed = math.ceil(len(grams) * SEARCH_NAME_MIN_COVERAGE)
    probes, condition = _typo_probe(len(grams), needed)
    with connection.cursor() as cursor:
        cursor.execute(
            _NAME_MATCHES.replace("SHARED_TRIGRAMS", shared).replace("PROBE_CONDITION", condition),
            {
                "probes": probes,
                "key": key,
                "grams": grams,
                # a spelling whose words start with the query's words holds all but the words' last
                "word_grams": [gram for gram in grams if not gram.endswith(" ")],
                "wanted": len(grams),
                **{f"gram_{index}": gram for index, gram in enumerate(grams)},
                "words": key.split(),
                "min_coverage": SEARCH_NAME_MIN_COVERAGE,
                "institution": institution,
                "limit": limit,
                "word_candidates": SEARCH_NAME_WORD_CANDIDATES,
                "typo_candidates": SEARCH_NAME_TYPO_CANDIDATES,
            },
        )
        rows = cursor.fetchall()
    return [
        AuthorNameMatch(author_id, NameMatch(quality), float(coverage), sorted(set(names)))
        for author_id, quality, coverage, _likeness, names in rows
    ]


def search_authors(*, query: str, institution: str = "", limit: int = 10) -> list[Author]:
    """Researchers whose name or any recorded name variant resembles the query (typos allowed).

    Ranked as ``author_name_matches``. Each author carries ``match`` (a ``NameMatch``),
    ``match_score`` (share of the query's trigrams) and ``matched_names`` (the variants that
    matched). Three queries.
    """
    matches = author_name_matches(query=query, institution=institution, limit=limit)
    if not matches:
        return []
    authors = (
        Author.objects.filter(pk__in=[match.author_id for match in matches])
        .select_related("institution")
        .prefetch_related(Prefetch("aliases", queryset=AuthorAlias.objects.order_by("name")))
        .in_bulk()
    )
    ranked = []
    for match in matches:
        author = authors[match.author_id]
        author.match = match.match
        author.match_score = match.coverage
        author.matched_names = match.names
        ranked.append(author)
    return ranked


SEARCH_TOPICS_SECONDS = 10 * 60  # a topic's paper count on the search page may lag this much


def search_topics(*, query: str, limit: int = 8) -> list[Topic]:
    """Topics whose code, name or description mentions the query (or one of its words).

    Each carries ``paper_count``. Kept in the cache for a few minutes per query: counting a
    topic's papers reads its share of a million papers' topic rows (160 ms for three topics).
    """
    key = "search:topics:" + hashlib.sha256(f"{limit}|{query.strip().lower()}".encode()).hexdigest()[:32]
    found = cache.get(key)
    if found is not None:
        return found
    condition = Q(code__iexact=query) | Q(name__icontains=query)
    for word in name_key_words(query):
        whole_word = rf"\m{re.escape(word)}s?\M"  # "model" finds "models", not "modelling"
        condition |= Q(name__iregex=whole_word) | Q(description__iregex=whole_word)
    topics = list(
        Topic.objects.filter(condition)
        .defer("embedding")
        .annotate(paper_count=Count("paper_topics", distinct=True))
        .order_by("-paper_count", "code")[:limit]
    )
    cache.set(key, topics, SEARCH_TOPICS_SECONDS)
    return topics


def search_filter_options() -> dict[str, list]:
    """Topics in use and institutions, for the filter controls (two queries)."""
    return {
        "topics": list(
            Topic.objects.filter(Exists(PaperTopic.objects.filter(topic=OuterRef("pk"))))
            .order_by("name")
            .values_list("slug", "name")
        ),
        "institutions": list(Institution.objects.order_by("name").values_list("slug", "name")[:500]),
    }
