"""Query-string filters for the API's paper and topic lists."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, F, OuterRef, Q

from api.filters import YEAR_BOUNDS, OrderedFilterSet, desc, ordering_filter
from papers.models import Authorship, Paper, PaperTopic, Topic

PAPER_ORDERINGS = {
    "newest": [desc("year"), desc("month"), desc("day"), "title"],
    "oldest": [
        F("year").asc(nulls_last=True),
        F("month").asc(nulls_last=True),
        F("day").asc(nulls_last=True),
        "title",
    ],
    "score": [desc("score"), desc("year"), "title"],
    "title": ["title"],
    "recent": [F("created_at").desc()],
}


class PaperFilter(OrderedFilterSet):
    ORDERINGS = PAPER_ORDERINGS
    DEFAULT_ORDERING = "newest"

    q = django_filters.CharFilter(method="filter_q", help_text="Words in the title or abstract.")
    year = django_filters.NumberFilter(field_name="year", **YEAR_BOUNDS)
    year_min = django_filters.NumberFilter(field_name="year", lookup_expr="gte", **YEAR_BOUNDS)
    year_max = django_filters.NumberFilter(field_name="year", lookup_expr="lte", **YEAR_BOUNDS)
    topic = django_filters.CharFilter(method="filter_topic", help_text="Topic slug (stated or inferred).")
    author = django_filters.CharFilter(method="filter_author", help_text="Author slug.")
    kind = django_filters.ChoiceFilter(choices=Paper.Kind.choices)
    has_code = django_filters.BooleanFilter()
    ordering = ordering_filter(PAPER_ORDERINGS, "Sort order. Default `newest` (undated papers last).")

    class Meta:
        model = Paper
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        condition = Q()
        for word in value.split():
            condition &= Q(title__icontains=word) | Q(abstract__icontains=word)
        return queryset.filter(condition)

    def filter_topic(self, queryset, name, value):
        return queryset.filter(Exists(PaperTopic.objects.filter(paper=OuterRef("pk"), topic__slug=value)))

    def filter_author(self, queryset, name, value):
        return queryset.filter(Exists(Authorship.objects.filter(paper=OuterRef("pk"), author__slug=value)))


class WorksFilter(PaperFilter):
    """An author's works: the paper filters without ``author``."""

    author = None


class TopicFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", help_text="Words in the name, or part of the code.")

    class Meta:
        model = Topic
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        words = Q()
        for word in value.split():
            words &= Q(name__icontains=word)
        return queryset.filter(words | Q(code__icontains=value.strip()))
