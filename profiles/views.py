"""Researcher-facing pages: home, researcher list and profile, institutions."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from common.redirects import moved_permanently
from papers.selectors import SEARCH_SEMANTIC_MIN_SIMILARITY, related_researchers, with_author_preview
from profiles import selectors
from profiles.models import Institution
from profiles.page_cache import page_cached, page_store
from profiles.page_meta import author_page_meta
from profiles.presentation import profile_summary, year_chart

WORKS_PER_PAGE = 20
WORKS_PAGE_SIZES = (5, 10, 20, 50)
RELATED_RESEARCHERS = 6
# Below this cosine two researchers' work is not related (the search's threshold for "about").
RELATED_MIN_SIMILARITY = SEARCH_SEMANTIC_MIN_SIMILARITY
CLAIM_STATUS_LABELS = {"unclaimed": "Unclaimed author", "pending": "Claim pending", "claimed": "Claimed"}


def home(request):
    recent = list(selectors.recent_papers())
    with_author_preview(recent)
    context = {
        "counts": selectors.site_counts(),
        "recent_papers": recent,
        "top_authors": selectors.most_followed_authors(),
    }
    return render(request, "profiles/home.html", context)


def author_list(request):
    """Researchers: with a name, the best matches first (paged by number: at most
    ``AUTHOR_LIST_MATCHES``); without, everyone in name order, paged from a boundary author."""
    query = request.GET.get("q", "").strip()[:200]
    if query:
        matches = selectors.author_list(query=query).order_by("name_rank")
        page = Paginator(matches, selectors.AUTHORS_PER_PAGE).get_page(request.GET.get("page"))
        return render(request, "profiles/author_list.html", {"page": page, "query": query})
    directory = selectors.author_directory_page(
        after=_int_or_none(request.GET.get("after")),
        before=_int_or_none(request.GET.get("before")),
        last=request.GET.get("last") == "1",
    )
    context = {"directory": directory, "total": selectors.live_author_count()}
    return render(request, "profiles/author_list.html", context)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@moved_permanently
def author_detail(request, slug: str):
    author = selectors.author_or_moved(slug=slug)
    cached = page_cached(request, author_id=author.pk)
    if cached is not None:
        return cached

    topics = selectors.author_topics(author=author)
    years = selectors.author_years(author=author)
    dated_years = [year for year, _count in years if year is not None]

    sort = request.GET.get("sort", "year")
    sort = sort if sort in selectors.WORK_SORTS else "year"
    topic = request.GET.get("topic", "")
    topic = topic if any(t.slug == topic for t in topics) else ""
    year = _int_or_none(request.GET.get("year"))
    year = year if year in dated_years else None
    per_page = _int_or_none(request.GET.get("per_page"))
    per_page = per_page if per_page in WORKS_PAGE_SIZES else WORKS_PER_PAGE

    works = Paginator(
        selectors.author_works(author=author, sort=sort, topic=topic, year=year), per_page
    ).get_page(request.GET.get("page"))
    with_author_preview(works)

    stats = selectors.author_stats(author=author)
    trust = selectors.author_trust(author=author)
    claim_status = stats.claim_status
    aliases = selectors.author_aliases(author=author)
    summary = profile_summary(topic_names=[t.name for t in topics], years=dated_years, works=stats.works)
    context = {
        "author": author,
        "meta": author_page_meta(
            author,
            summary=summary,
            aliases=aliases,
            topic_names=[t.name for t in topics[:10]],
            site_url=request.build_absolute_uri,
        ),
        "aliases": aliases,
        "summary": summary,
        "stats": stats,
        "trust": trust,
        "related": related_researchers(
            author=author, limit=RELATED_RESEARCHERS, min_similarity=RELATED_MIN_SIMILARITY
        ),
        "claim_status": claim_status,
        "claim_status_label": CLAIM_STATUS_LABELS[claim_status],
        "works": works,
        "topics": topics,
        "years": sorted(dated_years, reverse=True),
        "chart": year_chart(years),
        "undated_works": sum(count for y, count in years if y is None),
        "sort": sort,
        "sorts": selectors.WORK_SORTS,
        "selected_topic": topic,
        "selected_year": year,
        "per_page": per_page,
        "page_sizes": WORKS_PAGE_SIZES,
        "filtered": bool(topic or year),
    }
    chosen = {
        "sort": sort,
        "topic": topic,
        "year": str(year or ""),
        "per_page": str(per_page),
        "page": str(works.number),
    }
    return page_store(request, render(request, "profiles/author_detail.html", context), chosen=chosen)


def institution_list(request):
    page = Paginator(selectors.institution_list(), 50).get_page(request.GET.get("page"))
    return render(request, "profiles/institution_list.html", {"page": page})


def institution_detail(request, slug: str):
    institution = get_object_or_404(Institution, slug=slug)
    authors = Paginator(selectors.institution_authors(institution=institution), 24).get_page(
        request.GET.get("authors_page")
    )
    papers = Paginator(selectors.institution_papers(institution=institution), 20).get_page(
        request.GET.get("page")
    )
    with_author_preview(papers)
    context = {"institution": institution, "authors": authors, "papers": papers}
    return render(request, "profiles/institution_detail.html", context)
