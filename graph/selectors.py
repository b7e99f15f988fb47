"""Reads for the research graph: the slice's neighbourhood, node neighbours, search and paths.

Every function runs a fixed number of SQL queries whatever the size of the graph (pinned in
``tests/graph/test_query_counts.py``); the graph logic itself is in ``graph.slice`` and
``graph.paths``.
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.utils import OperationalError

from graph import cache_keys
from graph.models import CollaboratorEdge
from graph.paths import (
    PATH_MAX_FRONTIER,
    PATH_MAX_HOPS,
    PATH_MAX_VISITED,
    PATH_TIME_LIMIT_SECONDS,
    BidirectionalSearch,
    PathLimitError,
)
from graph.slice import (
    AFFILIATED,
    AUTHORED,
    COLLABORATED,
    INSTITUTION,
    PAPER,
    PERSON,
    SLICE_SIZES,
    TOPIC,
    Collaboration,
    InstitutionInfo,
    Neighbourhood,
    PaperInfo,
    Person,
    SliceLimitError,
    TopicInfo,
    about_edge,
    build_slice,
    check_limits,
    collaboration_edge,
    edge,
    institution_node,
    paper_node,
    person_node,
    topic_node,
)
from papers.models import Authorship, Paper, PaperTopic, Topic
from profiles.models import Author, Institution
from profiles.trust import CLOSE_COLLABORATOR_MIN_SHARED

# How much of an author's surroundings the slice may consider before ranking and capping.
SLICE_MAX_PEOPLE = 1500
SLICE_MAX_PAPERS = 1000
SLICE_MAX_LINKED_PEOPLE = 300  # collaborator-to-collaborator edges are loaded among these only
SLICE_CACHE_SECONDS = 6 * 60 * 60  # a backstop; changes invalidate explicitly (graph.services)

NEIGHBOURS_DEFAULT_LIMIT = 25
NEIGHBOURS_MAX_LIMIT = 100
SEARCH_LIMIT = 8
SEARCH_MIN_LENGTH = 2
SEARCH_MAX_LENGTH = 100


# --- looking nodes up ------------------------------------------------------------------------


def graph_author(*, slug: str) -> Author | None:
    """The author with this slug, or the author it was merged into (one query)."""
    author = (
        Author.objects.select_related("institution", "merged_into__institution").filter(slug=slug).first()
    )
    if author is not None and author.merged_into_id:
        return author.merged_into
    return author


def graph_node_lookup(*, kind: str, slug: str):
    """The database row behind a node id, or None (one query)."""
    if kind == PERSON:
        return graph_author(slug=slug)
    model = {PAPER: Paper, TOPIC: Topic, INSTITUTION: Institution}.get(kind)
    if model is None:
        return None
    return model.objects.filter(slug=slug).first()


# --- the slice -------------------------------------------------------------------------------

_COLLABORATORS_SQL = """
SELECT other.id, other.slug, other.display_name, edge.shared_papers, edge.first_year, edge.last_year,
       institution.id, institution.slug, institution.name
FROM (
    SELECT author_high_id AS other_id, shared_papers, first_year, last_year
    FROM graph_collaboratoredge WHERE author_low_id = %(author)s
    UNION ALL
    SELECT author_low_id, shared_papers, first_year, last_year
    FROM graph_collaboratoredge WHERE author_high_id = %(author)s
) AS edge
JOIN profiles_author AS other ON other.id = edge.other_id AND other.merged_into_id IS NULL
LEFT JOIN profiles_institution AS institution ON institution.id = other.institution_id
ORDER BY edge.shared_papers DESC, edge.last_year DESC NULLS LAST, other.id
LIMIT %(limit)s
"""

_LINKS_AMONG_SQL = """
SELECT author_low_id, author_high_id, shared_papers, first_year, last_year
FROM graph_collaboratoredge
WHERE author_low_id = ANY(%(ids)s) AND author_high_id = ANY(%(ids)s)
"""

_AFFILIATIONS_SQL = """
SELECT authorship.author_id, institution.id, institution.slug, institution.name, COUNT(*)
FROM papers_authorship_institutions AS link
JOIN papers_authorship AS authorship ON authorship.id = link.authorship_id
JOIN profiles_institution AS institution ON institution.id = link.institution_id
WHERE authorship.paper_id = ANY(%(papers)s) AND authorship.author_id = ANY(%(people)s)
GROUP BY authorship.author_id, institution.id
"""


def _collaborators(author_id: int, limit: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(_COLLABORATORS_SQL, {"author": author_id, "limit": limit})
        return cursor.fetchall()


def author_neighbourhood(
    *, author: Author, max_people: int = SLICE_MAX_PEOPLE, max_papers: int = SLICE_MAX_PAPERS
) -> Neighbourhood:
    """What the slice may show around ``author``, in six queries.

    ``author`` must come with its institution loaded (``graph_author`` does that).
    """
    focus = Person(author.pk, author.slug, author.display_name)
    neighbourhood = Neighbourhood(focus=focus)
    institutions: dict[int, InstitutionInfo] = {}
    affiliation_counts: Counter[tuple[int, int]] = Counter()
    if author.institution_id:
        institution = author.institution
        institutions[institution.pk] = InstitutionInfo(institution.pk, institution.slug, institution.name)
        affiliation_counts[(author.pk, institution.pk)] += 1

    rows = _collaborators(author.pk, max_people)
    for other_id, slug, name, shared, first_year, last_year, inst_id, inst_slug, inst_name in rows:
        neighbourhood.people.append(Person(other_id, slug, name))
        neighbourhood.collaborations.append(Collaboration(author.pk, other_id, shared, first_year, last_year))
        if inst_id:
            institutions[inst_id] = InstitutionInfo(inst_id, inst_slug, inst_name)
            affiliation_counts[(other_id, inst_id)] += 1
    people_ids = [person.id for person in neighbourhood.people]

    linked = people_ids[:SLICE_MAX_LINKED_PEOPLE]
    if len(linked) > 1:
        with connection.cursor() as cursor:
            cursor.execute(_LINKS_AMONG_SQL, {"ids": linked})
            neighbourhood.collaborations.extend(Collaboration(*row) for row in cursor.fetchall())

    papers = (
        Paper.objects.filter(authorships__author_id=author.pk)
        .order_by(F("year").desc(nulls_last=True), "-id")
        .values_list("id", "slug", "title", "year")[:max_papers]
    )
    neighbourhood.papers = [PaperInfo(*row) for row in papers]
    paper_ids = [paper.id for paper in neighbourhood.papers]
    if paper_ids:
        everyone = [author.pk, *people_ids]
        neighbourhood.authorships = list(
            Authorship.objects.filter(paper_id__in=paper_ids, author_id__in=everyone)
            .order_by()
            .values_list("paper_id", "author_id")
        )
        topics: dict[int, TopicInfo] = {}
        for paper_id, topic_id, inferred, slug, name, code in (
            PaperTopic.objects.filter(paper_id__in=paper_ids)
            .order_by()
            .values_list("paper_id", "topic_id", "inferred", "topic__slug", "topic__name", "topic__code")
        ):
            topics[topic_id] = TopicInfo(topic_id, slug, name, code)
            neighbourhood.paper_topics.append((paper_id, topic_id, inferred))
        neighbourhood.topics = list(topics.values())
        with connection.cursor() as cursor:
            cursor.execute(_AFFILIATIONS_SQL, {"papers": paper_ids, "people": everyone})
            for author_id, inst_id, inst_slug, inst_name, times in cursor.fetchall():
                institutions[inst_id] = InstitutionInfo(inst_id, inst_slug, inst_name)
                affiliation_counts[(author_id, inst_id)] += times
    neighbourhood.institutions = list(institutions.values())
    neighbourhood.affiliations = [
        (author_id, inst_id, times) for (author_id, inst_id), times in sorted(affiliation_counts.items())
    ]
    return neighbourhood


def author_slice_build(*, author: Author, radius: int, max_nodes: int) -> dict:
    """Build the slice from the database, bypassing the cache."""
    check_limits(radius=radius, max_nodes=max_nodes)
    return build_slice(
        author_neighbourhood(author=author),
        radius=radius,
        max_nodes=max_nodes,
        close_min_shared=CLOSE_COLLABORATOR_MIN_SHARED,
    )


def author_slice(*, author: Author, radius: int, max_nodes: int) -> dict:
    """The slice, from the cache when it is there (no SQL) or built and cached (six queries).

    The cache key carries the author's generation token, which ``graph.services`` replaces
    whenever the author's surroundings change; old entries are then never read again.
    """
    check_limits(radius=radius, max_nodes=max_nodes)
    if max_nodes not in SLICE_SIZES.values():  # a few cache entries per author, not one per number
        raise SliceLimitError(f"max_nodes must be one of {', '.join(map(str, SLICE_SIZES.values()))}")
    key = cache_keys.slice_key(author.pk, radius=radius, max_nodes=max_nodes)
    found = cache.get(key)
    if found is not None:
        return found
    built = author_slice_build(author=author, radius=radius, max_nodes=max_nodes)
    cache.set(key, built, SLICE_CACHE_SECONDS)
    return built


def author_slice_presented(*, author: Author, radius: int, max_nodes: int, present, variant: str):
    """``present(author_slice(...))``, itself cached beside the slice under the same token.

    For a caller whose own conversion of the slice costs more than building it from the
    cache (the API's serializers took 60% of a cached request). ``variant`` names what the
    presented form depends on besides the slice (the API's absolute links: scheme and host).
    """
    key = f"{cache_keys.slice_key(author.pk, radius=radius, max_nodes=max_nodes)}:{variant}"
    found = cache.get(key)
    if found is not None:
        return found
    presented = present(author_slice(author=author, radius=radius, max_nodes=max_nodes))
    cache.set(key, presented, SLICE_CACHE_SECONDS)
    return presented


# --- neighbours of any node (the explorer's "expand") ----------------------------------------


def _result(center: dict, nodes: list[dict], edges: list[dict], **extra) -> dict:
    unique_nodes = list({node["id"]: node for node in [center, *nodes]}.values())
    unique_edges = list({item["id"]: item for item in edges}.values())
    return {"node": center, "nodes": unique_nodes, "edges": unique_edges, **extra}


def person_neighbours(*, author: Author, limit: int) -> dict:
    """Top collaborators, latest papers and institutions of a person (three queries)."""
    center = person_node(Person(author.pk, author.slug, author.display_name))
    nodes, edges = [], []
    rows = _collaborators(author.pk, limit)
    for other_id, slug, name, shared, first_year, last_year, *_ in rows:
        other = person_node(Person(other_id, slug, name))
        nodes.append(other)
        link = Collaboration(author.pk, other_id, shared, first_year, last_year)
        edges.append(collaboration_edge(center["id"], other["id"], link, CLOSE_COLLABORATOR_MIN_SHARED))
    papers = (
        Paper.objects.filter(authorships__author_id=author.pk)
        .order_by(F("year").desc(nulls_last=True), "-id")
        .values_list("id", "slug", "title", "year")[:limit]
    )
    for row in papers:
        paper = paper_node(PaperInfo(*row))
        nodes.append(paper)
        edges.append(edge(AUTHORED, center["id"], paper["id"], 1, year=paper["year"]))
    times: Counter[int] = Counter()
    found: dict[int, InstitutionInfo] = {}
    if author.institution_id:
        found[author.institution_id] = InstitutionInfo(
            author.institution_id, author.institution.slug, author.institution.name
        )
        times[author.institution_id] += 1
    for inst_id, slug, name in Authorship.institutions.through.objects.filter(
        authorship__author_id=author.pk
    ).values_list("institution_id", "institution__slug", "institution__name"):
        found[inst_id] = InstitutionInfo(inst_id, slug, name)
        times[inst_id] += 1
    for inst_id, count in sorted(times.items(), key=lambda item: (-item[1], item[0]))[:limit]:
        institution = institution_node(found[inst_id])
        nodes.append(institution)
        edges.append(edge(AFFILIATED, center["id"], institution["id"], count))
    return _result(center, nodes, edges)


def paper_neighbours(*, paper: Paper, limit: int) -> dict:
    """Authors (in order), topics and the authors' institutions of a paper (three queries)."""
    center = paper_node(PaperInfo(paper.pk, paper.slug, paper.title, paper.year))
    nodes, edges = [], []
    authors = (
        Authorship.objects.filter(paper=paper, author__merged_into=None)
        .order_by("position")
        .values_list("author_id", "author__slug", "author__display_name")[:limit]
    )
    people = {}
    for author_id, slug, name in authors:
        person = person_node(Person(author_id, slug, name))
        people[author_id] = person
        nodes.append(person)
        edges.append(edge(AUTHORED, person["id"], center["id"], 1, year=paper.year))
    for topic_id, slug, name, code, inferred in PaperTopic.objects.filter(paper=paper).values_list(
        "topic_id", "topic__slug", "topic__name", "topic__code", "inferred"
    ):
        topic = topic_node(TopicInfo(topic_id, slug, name, code))
        nodes.append(topic)
        edges.append(about_edge(center["id"], topic["id"], inferred=inferred, year=paper.year))
    if people:
        for author_id, inst_id, slug, name in Authorship.institutions.through.objects.filter(
            authorship__paper=paper, authorship__author_id__in=list(people)
        ).values_list("authorship__author_id", "institution_id", "institution__slug", "institution__name"):
            institution = institution_node(InstitutionInfo(inst_id, slug, name))
            nodes.append(institution)
            edges.append(edge(AFFILIATED, people[author_id]["id"], institution["id"], 1))
    return _result(center, nodes, edges)


def topic_neighbours(*, topic: Topic, limit: int) -> dict:
    """The latest papers about a topic (one query)."""
    center = topic_node(TopicInfo(topic.pk, topic.slug, topic.name, topic.code))
    nodes, edges = [], []
    rows = (
        PaperTopic.objects.filter(topic=topic)
        .order_by(F("paper__year").desc(nulls_last=True), "-paper_id")
        .values_list("paper_id", "paper__slug", "paper__title", "paper__year", "inferred")[:limit]
    )
    for paper_id, slug, title, year, inferred in rows:
        paper = paper_node(PaperInfo(paper_id, slug, title, year))
        nodes.append(paper)
        edges.append(about_edge(paper["id"], center["id"], inferred=inferred, year=year))
    return _result(center, nodes, edges)


_INSTITUTION_PEOPLE_SQL = """
SELECT author.id, author.slug, author.display_name, SUM(links.times) AS times
FROM (
    SELECT authorship.author_id, COUNT(*) AS times
    FROM papers_authorship_institutions AS link
    JOIN papers_authorship AS authorship ON authorship.id = link.authorship_id
    WHERE link.institution_id = %(institution)s
    GROUP BY authorship.author_id
    UNION ALL
    SELECT id, 1 FROM profiles_author WHERE institution_id = %(institution)s
) AS links
JOIN profiles_author AS author ON author.id = links.author_id AND author.merged_into_id IS NULL
GROUP BY author.id
ORDER BY times DESC, author.work_count DESC, author.id
LIMIT %(limit)s
"""


def institution_neighbours(*, institution: Institution, limit: int) -> dict:
    """The people most often affiliated with an institution (one query)."""
    center = institution_node(InstitutionInfo(institution.pk, institution.slug, institution.name))
    nodes, edges = [], []
    with connection.cursor() as cursor:
        cursor.execute(_INSTITUTION_PEOPLE_SQL, {"institution": institution.pk, "limit": limit})
        for author_id, slug, name, times in cursor.fetchall():
            person = person_node(Person(author_id, slug, name))
            nodes.append(person)
            edges.append(edge(AFFILIATED, person["id"], center["id"], int(times)))
    return _result(center, nodes, edges)


def node_neighbours(*, kind: str, row, limit: int) -> dict:
    if kind == PERSON:
        return person_neighbours(author=row, limit=limit)
    if kind == PAPER:
        return paper_neighbours(paper=row, limit=limit)
    if kind == TOPIC:
        return topic_neighbours(topic=row, limit=limit)
    return institution_neighbours(institution=row, limit=limit)


# --- search ----------------------------------------------------------------------------------


def graph_search(*, query: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Nodes of every kind whose name contains the words typed (four queries)."""
    results: list[dict] = []
    authors = (
        Author.objects.filter(display_name__icontains=query, merged_into=None)
        .order_by("-work_count", "display_name", "id")
        .values_list("id", "slug", "display_name")[:limit]
    )
    results += [person_node(Person(*row)) for row in authors]
    papers = (
        Paper.objects.filter(title__icontains=query)
        .order_by(F("year").desc(nulls_last=True), "id")
        .values_list("id", "slug", "title", "year")[:limit]
    )
    results += [paper_node(PaperInfo(*row)) for row in papers]
    topics = (
        Topic.objects.filter(Q(name__icontains=query) | Q(code__iexact=query))
        .order_by("code")
        .values_list("id", "slug", "name", "code")[:limit]
    )
    results += [topic_node(TopicInfo(*row)) for row in topics]
    institutions = (
        Institution.objects.filter(Q(name__icontains=query) | Q(slug__iexact=query))
        .order_by("name")
        .values_list("id", "slug", "name")[:limit]
    )
    results += [institution_node(InstitutionInfo(*row)) for row in institutions]
    return results


# --- shortest collaboration path -------------------------------------------------------------

_PATH_LEVEL_SQL = """
SELECT author_low_id, author_high_id, shared_papers FROM graph_collaboratoredge
WHERE author_low_id = ANY(%(frontier)s) AND shared_papers >= %(min_shared)s
UNION ALL
SELECT author_high_id, author_low_id, shared_papers FROM graph_collaboratoredge
WHERE author_high_id = ANY(%(frontier)s) AND shared_papers >= %(min_shared)s
"""


@contextmanager
def _statement_timeout(seconds: float):
    """Cap every statement in the block (two extra queries: set and reset the limit)."""
    with transaction.atomic(), connection.cursor() as cursor:
        # 0 would mean "no limit" to PostgreSQL, so the smallest limit is one millisecond.
        milliseconds = max(1, int(seconds * 1000))
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{milliseconds}ms"])
        yield
        # Inside an outer transaction (ATOMIC_REQUESTS, tests) the limit would otherwise outlive us.
        cursor.execute("SET LOCAL statement_timeout TO DEFAULT")


def collaboration_path(
    *,
    source: Author,
    target: Author,
    max_hops: int = PATH_MAX_HOPS,
    close_only: bool = False,
    max_visited: int | None = None,
    time_limit: float | None = None,
) -> dict:
    """The shortest chain of co-authorships from ``source`` to ``target``.

    One query per level searched (at most ``max_hops``), two to set and reset the time limit
    and one to name the people on the path. Raises ``PathLimitError`` when the search grows past
    ``max_visited`` authors or ``time_limit`` seconds.
    """
    max_visited = PATH_MAX_VISITED if max_visited is None else max_visited
    time_limit = PATH_TIME_LIMIT_SECONDS if time_limit is None else time_limit
    min_shared = CLOSE_COLLABORATOR_MIN_SHARED if close_only else 1
    search = BidirectionalSearch(source.pk, target.pk, max_hops=max_hops)
    deadline = time.monotonic() + time_limit
    try:
        with _statement_timeout(time_limit), connection.cursor() as cursor:
            while not search.finished:
                side = search.next_side()
                frontier = search.frontiers[side]
                if len(frontier) > PATH_MAX_FRONTIER or search.visited > max_visited:
                    raise PathLimitError(
                        f"the search reached more than {max_visited:,} researchers; "
                        "ask for fewer hops or close collaborators only"
                    )
                if time.monotonic() > deadline:
                    raise PathLimitError(f"the search took longer than {time_limit:g} seconds")
                cursor.execute(_PATH_LEVEL_SQL, {"frontier": frontier, "min_shared": min_shared})
                search.add_level(side, cursor.fetchall())
    except OperationalError as error:
        if "statement timeout" in str(error):
            raise PathLimitError(f"the search took longer than {time_limit:g} seconds") from error
        raise
    steps = search.path()
    people = {}
    if steps:
        rows = Author.objects.filter(pk__in=[author_id for author_id, _ in steps]).values_list(
            "id", "slug", "display_name"
        )
        people = {row[0]: person_node(Person(*row)) for row in rows}
    path_nodes = [people[author_id] for author_id, _ in steps]
    path_edges = []
    for index in range(1, len(steps)):
        shared = steps[index][1]
        path_edges.append(
            edge(
                COLLABORATED,
                path_nodes[index - 1]["id"],
                path_nodes[index]["id"],
                shared,
                close=shared >= CLOSE_COLLABORATOR_MIN_SHARED,
            )
        )
    return {
        "connected": bool(steps),
        "hops": len(steps) - 1 if steps else None,
        "nodes": path_nodes,
        "edges": path_edges,
        "searched": {
            "researchers_reached": search.visited,
            "max_hops": max_hops,
            "close_only": close_only,
            "exhausted": search.exhausted,
        },
    }


# --- conflicts of interest -------------------------------------------------------------------


@dataclass(frozen=True)
class RecentCoauthor:
    author: Author  # with ``institution`` loaded
    first_year: int | None
    last_year: int | None  # None: every shared paper is undated
    shared_papers: int  # over the whole record, not only the recent years


def recent_coauthors(*, author: Author, since_year: int) -> list[RecentCoauthor]:
    """Co-authors whose last shared paper is from ``since_year`` or later, in one query.

    Read from the collaborator edges (first and last shared year). Co-authors whose shared
    papers are all undated are included, last: a conflict list errs on the side of listing.
    Most recent first, then most shared papers, then name.
    """
    edges = (
        CollaboratorEdge.objects.filter(Q(author_low=author) | Q(author_high=author))
        .filter(Q(last_year__gte=since_year) | Q(last_year=None))
        .select_related("author_low__institution", "author_high__institution")
        .defer("author_low__trust_breakdown", "author_high__trust_breakdown")
    )
    coauthors = []
    for pair in edges:
        other = pair.author_high if pair.author_low_id == author.pk else pair.author_low
        if other.merged_into_id is None:
            coauthors.append(RecentCoauthor(other, pair.first_year, pair.last_year, pair.shared_papers))
    coauthors.sort(
        key=lambda item: (
            item.last_year is None,
            -(item.last_year or 0),
            -item.shared_papers,
            item.author.display_name,
        )
    )
    return coauthors
