"""The /search page: researchers, topics and papers for one query, with filters."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from papers import selectors
from papers.search import parse_search_params

RESULTS_PER_PAGE = 20


def search(request):
    params = parse_search_params(request.GET)
    context = {"params": params, "options": selectors.search_filter_options()}
    if params.query:
        hits = selectors.search_papers(params=params)
        page = Paginator(hits, RESULTS_PER_PAGE).get_page(params.page)
        context.update(
            papers=selectors.search_result_papers(hits=list(page.object_list), query=params.query),
            page=page,
            authors=selectors.search_authors(query=params.query, institution=params.institution),
            topics=list(selectors.search_topics(query=params.query)),
        )
    return render(request, "search/results.html", context)
