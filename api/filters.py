"""Query-string filters (django-filter) for the API's lists.

Every list keeps a total order: the chosen ordering, then the primary key, so a page never
repeats or skips a row when others tie.
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from accounts.models import Claim
from api import selectors
from ingest.models import ImportBatch, ImportRecord
from papers.models import Authorship, Paper, PaperTopic, Topic
from profiles.models import Author, Institution

YEAR_BOUNDS = {"min_value": 0, "max_value": 9999}
COUNT_BOUNDS = {"min_value": 0, "max_value": 10**9}


class OrderedFilterSet(django_filters.FilterSet):
    """A FilterSet whose ``ordering`` choice maps to expressions; ties broken by primary key."""

    ORDERINGS: dict[str, list] = {}
    DEFAULT_ORDERING = ""

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        choice = self.form.cleaned_data.get("ordering") or self.DEFAULT_ORDERING
        if choice:
            queryset = queryset.order_by(*self.ORDERINGS[choice], "pk")
        return queryset


def _ordering_filter(orderings: dict[str, list], help_text: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        choices=[(key, key) for key in orderings],
        method=lambda queryset, name, value: queryset,
        help_text=help_text,
    )


def _desc(name: str):
    return F(name).desc(nulls_last=True)


# --- authors -------------------------------------------------------------------------------

AUTHOR_ORDERINGS = {
    "name": ["display_name"],
    "-name": [F("display_name").desc()],
    "works": ["work_count", "display_name"],
    "-works": [_desc("work_count"), "display_name"],
    "followers": ["follower_count", "display_name"],
    "-followers": [_desc("follower_count"), "display_name"],
    "trust": [F("trust_score").asc(nulls_last=True), "display_name"],
    "-trust": [_desc("trust_score"), "display_name"],
}


class AuthorFilter(OrderedFilterSet):
    ORDERINGS = AUTHOR_ORDERINGS
    DEFAULT_ORDERING = "name"

    q = django_filters.CharFilter(method="filter_q", help_text="Words in the name or any alias.")
    institution = django_filters.CharFilter(field_name="institution__slug", help_text="Institution slug.")
    topic = django_filters.CharFilter(
        method="filter_topic", help_text="Topic slug: authors with papers on it."
    )
    verification_level = django_filters.ChoiceFilter(choices=Author.Verification.choices)
    open_to_collaborate = django_filters.BooleanFilter()
    claimed = django_filters.BooleanFilter(method="filter_claimed", help_text="Claimed by a user or not.")
    min_works = django_filters.NumberFilter(
        field_name="work_count", lookup_expr="gte", help_text="At least this many works.", **COUNT_BOUNDS
    )
    ordering = _ordering_filter(AUTHOR_ORDERINGS, "Sort order; `-` means descending. Default `name`.")

    class Meta:
        model = Author
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(pk__in=selectors.authors_matching(query=value).values("pk"))

    def filter_topic(self, queryset, name, value):
        on_topic = Authorship.objects.filter(author=OuterRef("pk"), paper__paper_topics__topic__slug=value)
        return queryset.filter(Exists(on_topic))

    def filter_claimed(self, queryset, name, value):
        return queryset.filter(claimed_by__isnull=not value)


# --- papers --------------------------------------------------------------------------------

PAPER_ORDERINGS = {
    "newest": [_desc("year"), _desc("month"), _desc("day"), "title"],
    "oldest": [
        F("year").asc(nulls_last=True),
        F("month").asc(nulls_last=True),
        F("day").asc(nulls_last=True),
        "title",
    ],
    "score": [_desc("score"), _desc("year"), "title"],
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
    ordering = _ordering_filter(PAPER_ORDERINGS, "Sort order. Default `newest` (undated papers last).")

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


# --- topics, institutions ------------------------------------------------------------------


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


class InstitutionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", help_text="Words in the name.")

    class Meta:
        model = Institution
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        words = Q()
        for word in value.split():
            words &= Q(name__icontains=word)
        return queryset.filter(words)


# --- imports and claims --------------------------------------------------------------------


class ImportBatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ImportBatch.Status.choices)

    class Meta:
        model = ImportBatch
        fields: list[str] = []


class ImportRecordFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ImportRecord.Status.choices)

    class Meta:
        model = ImportRecord
        fields: list[str] = []


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Claim.Status.choices)

    class Meta:
        model = Claim
        fields: list[str] = []
