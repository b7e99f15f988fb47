"""Sitemap sections that stay cheap at a million rows: pages are primary-key windows.

Django's own sitemap paginator counts the whole table and reads each page with OFFSET, which
walks every earlier row. Here page ``n`` is simply the rows whose primary key lies in the
``n``-th window of ``limit`` keys counted from ``MIN(pk)``: one indexed range scan, and the
number of pages comes from ``MIN(pk)`` and ``MAX(pk)`` (two index lookups in one query). A page
holds at most ``limit`` URLs (fewer where rows were deleted or filtered out). Each section page
costs two queries, and the index one per section, however big the tables are.
"""

from __future__ import annotations

from functools import cached_property
from math import ceil

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, Min, QuerySet

SITEMAP_LIMIT = 50_000  # the sitemaps.org maximum number of URLs in one file


class PkWindowPage:
    def __init__(self, object_list: list, number: int) -> None:
        self.object_list = object_list
        self.number = number


class PkWindowPaginator:
    def __init__(self, queryset: QuerySet, per_page: int) -> None:
        self.queryset = queryset
        self.per_page = per_page

    @cached_property
    def _bounds(self) -> tuple[int, int]:
        bounds = self.queryset.model._default_manager.aggregate(lowest=Min("pk"), highest=Max("pk"))
        return (bounds["lowest"] or 1) - 1, bounds["highest"] or 0

    @cached_property
    def num_pages(self) -> int:
        before_first, highest = self._bounds
        return max(1, ceil((highest - before_first) / self.per_page))

    @property
    def page_range(self) -> range:
        return range(1, self.num_pages + 1)

    def page(self, number) -> PkWindowPage:
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer") from error
        if number < 1 or number > self.num_pages:
            raise EmptyPage("That page contains no results")
        before_first = self._bounds[0]
        low, high = before_first + (number - 1) * self.per_page, before_first + number * self.per_page
        rows = self.queryset.filter(pk__gt=low, pk__lte=high).order_by("pk")
        return PkWindowPage(list(rows), number)


class PkWindowSitemap(Sitemap):
    """A section over ``items()`` (a QuerySet) paged by primary-key windows of ``limit``."""

    limit = SITEMAP_LIMIT

    @cached_property
    def paginator(self) -> PkWindowPaginator:
        return PkWindowPaginator(self.items(), self.limit)

    def get_latest_lastmod(self):
        # The index would otherwise read every row; each URL of a page carries its own lastmod.
        return None
