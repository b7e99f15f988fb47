"""The /search page: researchers, topics and papers for one query, with filters."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from common.ratelimit import limited
from papers import selectors
from papers.search import QUERY_TOO_SHORT, parse_search_params

RESULTS_PER_PAGE = 20


@limited("search", methods=("GET",))
def search(request):
    params = parse_search_params(request.GET)
    context = {"params": params, "options": selectors.search_filter_options()}
    if params.too_short:
        context["problem"] = QUERY_TOO_SHORT
    elif params.query:
        authors = selectors.search_authors(query=params.query, institution=params.institution)
        hits = selectors.search_papers(params=params, people=authors)
        page = Paginator(hits, RESULTS_PER_PAGE).get_page(params.page)
        context.update(
            papers=selectors.search_result_papers(hits=list(page.object_list), query=params.query),
            page=page,
            authors=authors,
            topics=list(selectors.search_topics(query=params.query)),
        )
    return render(request, "search/results.html", context)
