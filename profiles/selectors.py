"""Reads for researcher and institution pages; each runs a fixed number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)

from accounts.models import Claim, Follow
from common import errors
from curation.models import CurationItem
from graph.models import CollaboratorEdge
from ingest.models import ImportBatch, ImportRecord
from papers.models import Authorship, Paper, PaperTopic, Topic
from papers.selectors import NEWEST_FIRST, SubqueryCount, author_name_matches, papers_with_authors
from profiles.models import Author, Institution
from profiles.trust import (
    CLOSE_COLLABORATOR_MIN_SHARED,
    COMPLETENESS_FIELDS,
    FORMULA_VERSION,
    TrustInputs,
    trust_compute,
)

WORK_SORTS = {"year": "Newest first", "score": "Top score first"}


# --- lists and the home page --------------------------------------------------------------


def author_list(*, query: str = "") -> QuerySet[Author]:
    """Live authors (merged ones left out); with ``query``, as ``authors_matching``: the one name
    match of the authors page and the API."""
    authors = Author.objects.filter(merged_into=None).select_related("institution")
    return authors_matching(authors, query=query) if query.strip() else authors


def authors_matching(authors: QuerySet[Author], *, query: str) -> QuerySet[Author]:
    """Those of ``authors`` whose name or a recorded spelling matches ``query`` (typos allowed),
    at most ``AUTHOR_LIST_MATCHES``, annotated with ``name_rank`` (1 is the best match, as
    ``papers.selectors.author_name_matches`` ranks them). The match runs here, in one query."""
    ids = [match.author_id for match in author_name_matches(query=query, limit=AUTHOR_LIST_MATCHES)]
    rank = Func(
        Value(ids, output_field=ArrayField(BigIntegerField())),
        F("pk"),
        function="array_position",
        output_field=IntegerField(),
    )
    return authors.filter(pk__in=ids).annotate(name_rank=rank)


AUTHOR_LIST_MATCHES = 500
AUTHORS_PER_PAGE = 50


@dataclass(frozen=True)
class AuthorDirectoryPage:
    authors: list[Author]
    next_after: int | None  # the last author's id when more follow (``?after=``)
    previous_before: int | None  # the first author's id when some come before (``?before=``)


def author_directory_page(
    *, after: int | None = None, before: int | None = None, last: bool = False, size: int = AUTHORS_PER_PAGE
) -> AuthorDirectoryPage:
    """One page of live authors in name order, from a boundary author (keyset pagination).

    ``after``/``before`` name the author just outside the page; ``last`` asks for the final
    page. The boundary's name is read in the same statement and the (display_name, id) index
    is walked from there, so a page deep in the list costs what the first one costs (one query).
    """
    authors = author_list()
    forward = not (before is not None or last)
    boundary = after if forward else before
    if boundary is not None:
        name = Subquery(Author.objects.filter(pk=boundary).values("display_name")[:1])
        if forward:
            authors = authors.filter(display_name__gte=name).exclude(display_name=name, pk__lte=boundary)
        else:
            authors = authors.filter(display_name__lte=name).exclude(display_name=name, pk__gte=boundary)
    order = ("display_name", "pk") if forward else ("-display_name", "-pk")
    rows = list(authors.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    if not rows:
        return AuthorDirectoryPage([], None, None)
    has_next = more if forward else not last
    has_previous = (boundary is not None) if forward else more
    return AuthorDirectoryPage(rows, rows[-1].pk if has_next else None, rows[0].pk if has_previous else None)


def most_followed_authors(*, limit: int = 8) -> QuerySet[Author]:
    return author_list().order_by("-follower_count", "-work_count", "display_name")[:limit]


def live_author_count() -> int:
    return Author.objects.filter(merged_into=None).count()


def site_counts() -> dict[str, int]:
    """Researchers, papers, topics in use and institutions, in one query."""
    sql = f"""
        SELECT (SELECT COUNT(*) FROM {Author._meta.db_table} WHERE merged_into_id IS NULL),
               (SELECT COUNT(*) FROM {Paper._meta.db_table}),
               (SELECT COUNT(DISTINCT topic_id) FROM {PaperTopic._meta.db_table}),
               (SELECT COUNT(*) FROM {Institution._meta.db_table})
    """  # noqa: S608 - table names come from our own models, no user input
    with connection.cursor() as cursor:
        cursor.execute(sql)
        researchers, papers, topics, institutions = cursor.fetchone()
    return {"researchers": researchers, "papers": papers, "topics": topics, "institutions": institutions}


def recent_papers(*, limit: int = 8) -> QuerySet[Paper]:
    return papers_with_authors().order_by("-created_at", "-pk")[:limit]


# --- the profile page ---------------------------------------------------------------------


def author_for_profile(*, slug: str) -> Author | None:
    return Author.objects.select_related("institution", "merged_into").filter(slug=slug).first()


MERGE_MAX_HOPS = 10  # merges are flattened when made; this only stops a corrupted chain looping


# --- merged authors: one answer for every page and endpoint that takes an author slug ---


class AuthorNotFound(errors.NotFound):
    pass


class AuthorMoved(errors.Moved):
    def __init__(self, *, author: Author, survivor: Author, path_prefix: str = "/authors/") -> None:
        super().__init__(
            f"This author was merged into {survivor.display_name}.",
            old_path=f"{path_prefix}{author.slug}/",
            new_path=f"{path_prefix}{survivor.slug}/",
        )
        self.survivor = survivor


def author_survivor(*, author: Author) -> Author:
    """The author that ``author`` was (perhaps over several merges) merged into; itself if live."""
    target, hops = author, 0
    while target.merged_into_id is not None and hops < MERGE_MAX_HOPS:
        target = Author.objects.select_related("institution", "merged_into").get(pk=target.merged_into_id)
        hops += 1
    return target


def author_or_moved(*, slug: str, path_prefix: str = "/authors/") -> Author:
    """The live author with this slug; AuthorNotFound, or AuthorMoved naming the survivor.

    Every page and API endpoint with an author slug in its path calls this, so a merged author
    answers one way everywhere: 301 to the same path with ``<path_prefix><survivor slug>/`` in
    place of ``<path_prefix><slug>/`` (pages: common.redirects; API: api/exceptions.py). The
    query string is not carried over."""
    author = author_for_profile(slug=slug)
    if author is None:
        raise AuthorNotFound("No author with this slug.")
    survivor = author_survivor(author=author)
    if survivor.pk != author.pk:
        raise AuthorMoved(author=author, survivor=survivor, path_prefix=path_prefix)
    return author


def author_aliases(*, author: Author) -> list[str]:
    """Other names the author was published under, as written."""
    names = author.aliases.exclude(name=author.display_name).order_by("name").values_list("name", flat=True)
    return list(names)


def _claim_status(*, linked: bool, approved: bool, pending: bool) -> str:
    if linked or approved:
        return "claimed"
    return "pending" if pending else "unclaimed"


def author_claim_status(*, author: Author) -> str:
    """``claimed`` (approved claim or a linked user), ``pending`` or ``unclaimed``."""
    if author.claimed_by_id:
        return "claimed"
    statuses = set(
        Claim.objects.filter(
            author=author, status__in=[Claim.Status.APPROVED, Claim.Status.PENDING]
        ).values_list("status", flat=True)
    )
    return _claim_status(
        linked=False, approved=Claim.Status.APPROVED in statuses, pending=Claim.Status.PENDING in statuses
    )


@dataclass(frozen=True)
class AuthorStats:
    works: int
    followers: int
    topics: int
    close_collaborators: int
    claim_status: str  # as author_claim_status, read in the same query


def author_stats(*, author: Author) -> AuthorStats:
    """The quick-read counts and the claim status, live from the tables, in one query."""
    edges = CollaboratorEdge.objects.filter(
        Q(author_low=OuterRef("pk")) | Q(author_high=OuterRef("pk")),
        shared_papers__gte=CLOSE_COLLABORATOR_MIN_SHARED,
    )
    row = (
        Author.objects.filter(pk=author.pk)
        .annotate(
            n_works=SubqueryCount(
                Authorship.objects.filter(author=OuterRef("pk")).order_by().values("paper_id")
            ),
            n_followers=SubqueryCount(Follow.objects.filter(author=OuterRef("pk")).values("pk")),
            n_topics=SubqueryCount(
                PaperTopic.objects.filter(paper__authorships__author=OuterRef("pk"))
                .order_by()
                .values("topic_id")
                .distinct()
            ),
            n_close=SubqueryCount(edges.order_by().values("pk")),
            approved=Exists(Claim.objects.filter(author=OuterRef("pk"), status=Claim.Status.APPROVED)),
            pending=Exists(Claim.objects.filter(author=OuterRef("pk"), status=Claim.Status.PENDING)),
        )
        .values("n_works", "n_followers", "n_topics", "n_close", "approved", "pending", "claimed_by_id")
        .get()
    )
    status = _claim_status(
        linked=bool(row["claimed_by_id"]), approved=row["approved"], pending=row["pending"]
    )
    return AuthorStats(row["n_works"], row["n_followers"], row["n_topics"], row["n_close"], status)


def author_works(
    *, author: Author, sort: str = "year", topic: str = "", year: int | None = None
) -> QuerySet[Paper]:
    """The author's papers with every author of each, filtered and sorted as the profile asks."""
    works = papers_with_authors().filter(authorships__author=author)
    if topic:
        works = works.filter(paper_topics__topic__slug=topic)
    if year:
        works = works.filter(year=year)
    if sort == "score":
        return works.order_by(F("score").desc(nulls_last=True), *NEWEST_FIRST)
    return works.order_by(*NEWEST_FIRST)


def author_works_for_export(*, author: Author, with_topics: bool = False) -> QuerySet[Paper]:
    """The author's works, newest first, with their topics too when a format lists them."""
    works = author_works(author=author)
    if with_topics:
        topics = PaperTopic.objects.select_related("topic").defer("topic__embedding").order_by("topic__code")
        works = works.prefetch_related(Prefetch("paper_topics", queryset=topics))
    return works


def author_topics(*, author: Author) -> list[Topic]:
    """Topics of the author's papers, most frequent first; each carries ``paper_count``."""
    return list(
        Topic.objects.filter(paper_topics__paper__authorships__author=author)
        .defer("embedding")
        .annotate(paper_count=Count("paper_topics__paper", distinct=True))
        .order_by("-paper_count", "name")
    )


def author_years(*, author: Author) -> list[tuple[int | None, int]]:
    """(year, number of works) for the author, oldest first; ``None`` for undated works last."""
    rows = (
        Paper.objects.filter(authorships__author=author)
        .values("year")
        .annotate(count=Count("pk"))
        .order_by(F("year").asc(nulls_last=True))
    )
    return [(row["year"], row["count"]) for row in rows]


# --- trust inputs (used by the trust service and by the page before the first refresh) -----


def authors_trust_inputs(*, author_ids: list[int]) -> dict[int, TrustInputs]:
    """What ``profiles.trust.trust_compute`` needs for each author, in seven queries for any number."""
    authors = list(
        Author.objects.filter(pk__in=author_ids).values(
            "pk",
            "verification_level",
            "claimed_by_id",
            "institution_id",
            "orcid",
            "orcid_source",
            "bio",
            "homepage",
            "role",
        )
    )
    ids = [author["pk"] for author in authors]
    works = dict(
        Authorship.objects.filter(author_id__in=ids)
        .values("author_id")
        .annotate(count=Count("paper_id", distinct=True))
        .values_list("author_id", "count")
    )
    # Only followers who verified an email address count: throwaway accounts cost nothing to make.
    followers = dict(
        Follow.objects.filter(author_id__in=ids)
        .filter(Exists(EmailAddress.objects.filter(user=OuterRef("user_id"), verified=True)))
        .values("author_id")
        .annotate(count=Count("pk"))
        .values_list("author_id", "count")
    )
    claims: dict[int, set[str]] = defaultdict(set)
    for author_id, status in Claim.objects.filter(
        author_id__in=ids, status__in=[Claim.Status.APPROVED, Claim.Status.PENDING]
    ).values_list("author_id", "status"):
        claims[author_id].add(status)
    # Distinct files (by checksum, so a re-upload is not a second source) listing each author's works.
    sources = dict(
        ImportRecord.objects.filter(paper__authorships__author_id__in=ids)
        .exclude(batch__status=ImportBatch.Status.UNDONE)
        .values("paper__authorships__author_id")
        .annotate(count=Count("batch__checksum", distinct=True))
        .values_list("paper__authorships__author_id", "count")
    )
    verified: Counter[int] = Counter()
    close: Counter[int] = Counter()
    wanted = set(ids)
    for low, high, shared, low_level, low_user, high_level, high_user in CollaboratorEdge.objects.filter(
        Q(author_low_id__in=ids) | Q(author_high_id__in=ids)
    ).values_list(
        "author_low_id",
        "author_high_id",
        "shared_papers",
        "author_low__verification_level",
        "author_low__claimed_by_id",
        "author_high__verification_level",
        "author_high__claimed_by_id",
    ):
        for me, other_level, other_user in ((low, high_level, high_user), (high, low_level, low_user)):
            if me not in wanted:
                continue
            if other_level >= 2 or other_user is not None:
                verified[me] += 1
            if shared >= CLOSE_COLLABORATOR_MIN_SHARED:
                close[me] += 1
    disputes: Counter[int] = Counter()
    for author_id, other_id in CurationItem.objects.filter(
        Q(author_id__in=ids) | Q(other_author_id__in=ids), status=CurationItem.Status.OPEN
    ).values_list("author_id", "other_author_id"):
        for about in {author_id, other_id} & wanted:
            disputes[about] += 1

    inputs = {}
    for author in authors:
        pk = author["pk"]
        statuses = claims.get(pk, set())
        if author["claimed_by_id"] or Claim.Status.APPROVED in statuses:
            claim_status = "claimed"
        elif Claim.Status.PENDING in statuses:
            claim_status = "pending"
        else:
            claim_status = "unclaimed"
        filled = {
            key
            for key in COMPLETENESS_FIELDS
            if (author["institution_id"] if key == "institution" else (author[key] or "").strip())
        }
        inputs[pk] = TrustInputs(
            verification_level=author["verification_level"],
            claim_status=claim_status,
            corroborating_sources=sources.get(pk, 0),
            works=works.get(pk, 0),
            verified_collaborators=verified[pk],
            close_collaborators=close[pk],
            filled_fields=frozenset(filled),
            orcid_source=author["orcid_source"],
            followers=followers.get(pk, 0),
            open_disputes=disputes[pk],
        )
    return inputs


# --- institutions -------------------------------------------------------------------------


def institution_list() -> QuerySet[Institution]:
    return Institution.objects.annotate(
        author_count=SubqueryCount(
            Author.objects.filter(institution=OuterRef("pk"), merged_into=None).values("pk")
        )
    ).order_by("name")


def institution_authors(*, institution: Institution) -> QuerySet[Author]:
    """Researchers affiliated with the institution, or listed with it on a paper."""
    listed = Authorship.objects.filter(institutions=institution).values("author_id")
    return (
        Author.objects.filter(Q(institution=institution) | Q(pk__in=listed), merged_into=None)
        .select_related("institution")
        .order_by("-work_count", "display_name")
    )


def institution_papers(*, institution: Institution) -> QuerySet[Paper]:
    """Papers with an author affiliated with the institution or listed with it."""
    by_affiliation = Authorship.objects.filter(
        Q(institutions=institution) | Q(author__institution=institution)
    ).values("paper_id")
    return papers_with_authors().filter(pk__in=by_affiliation).order_by(*NEWEST_FIRST)


def author_trust(*, author: Author) -> dict:
    """The cached trust breakdown when current, else one computed now (not saved) before the first refresh."""
    breakdown = author.trust_breakdown or {}
    if author.trust_score is not None and breakdown.get("version") == FORMULA_VERSION:
        return {**breakdown, "updated_at": author.trust_updated_at}
    inputs = authors_trust_inputs(author_ids=[author.pk])[author.pk]
    return {**trust_compute(inputs).as_dict(), "updated_at": None}
