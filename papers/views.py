"""Paper and topic pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from papers import selectors
from papers.models import Paper, Topic
from papers.page_meta import paper_page_meta

DATE_PRECISION = {
    (True, True, True): "exact day",
    (True, True, False): "month only",
    (True, False, False): "year only",
    (False, True, True): "day and month; year unknown",
}


def paper_by_id(request, pk: int):
    paper = get_object_or_404(Paper.objects.only("slug"), pk=pk)
    return redirect(paper, permanent=True)


def paper_detail(request, slug: str):
    paper = selectors.paper_for_page(slug=slug)
    if paper is None:
        raise Http404("No paper with this address.")
    paper_topics = list(paper.paper_topics.all())
    authorships = list(paper.authorships.all())
    precision = DATE_PRECISION.get(
        (paper.year is not None, paper.month is not None, paper.day is not None), ""
    )
    meta = paper_page_meta(
        paper,
        authorships=authorships,
        topic_names=[pt.topic.name for pt in paper_topics],
        site_url=request.build_absolute_uri,
    )
    context = {
        "paper": paper,
        "meta": meta,
        "authorships": authorships,
        "only_listing_owner": bool(authorships) and all(a.from_subject for a in authorships),
        "stated_topics": [pt for pt in paper_topics if not pt.inferred],
        "inferred_topics": [pt for pt in paper_topics if pt.inferred],
        "date_precision": precision,
        "similar": selectors.similar_papers(paper=paper),
        "records": list(paper.import_records.all()),
    }
    return render(request, "papers/paper_detail.html", context)


def topic_list(request):
    return render(request, "papers/topic_list.html", {"topics": selectors.topic_list()})


def topic_detail(request, slug: str):
    topic = get_object_or_404(Topic, slug=slug)
    papers = Paginator(selectors.topic_papers(topic=topic), 20).get_page(request.GET.get("page"))
    selectors.with_author_preview(papers)
    context = {
        "topic": topic,
        "papers": papers,
        "leading_authors": selectors.topic_leading_authors(topic=topic),
    }
    return render(request, "papers/topic_detail.html", context)
