"""Query-string filters for the API's author and institution lists."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, F, OuterRef, Q

from api.filters import COUNT_BOUNDS, OrderedFilterSet, desc, ordering_filter
from papers.models import Authorship
from profiles import selectors
from profiles.models import Author, Institution

AUTHOR_ORDERINGS = {
    "name": ["display_name"],
    "-name": [F("display_name").desc()],
    "works": ["work_count", "display_name"],
    "-works": [desc("work_count"), "display_name"],
    "followers": ["follower_count", "display_name"],
    "-followers": [desc("follower_count"), "display_name"],
    "trust": [F("trust_score").asc(nulls_last=True), "display_name"],
    "-trust": [desc("trust_score"), "display_name"],
}


class AuthorFilter(OrderedFilterSet):
    ORDERINGS = AUTHOR_ORDERINGS
    DEFAULT_ORDERING = "name"

    q = django_filters.CharFilter(
        method="filter_q",
        help_text="A name (typos allowed), matched against every recorded spelling; best match first "
        "unless `ordering` is given; at most 500 authors.",
    )
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
    ordering = ordering_filter(AUTHOR_ORDERINGS, "Sort order; `-` means descending. Default `name`.")

    class Meta:
        model = Author
        fields: list[str] = []

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("q") and not self.form.cleaned_data.get("ordering"):
            queryset = queryset.order_by("name_rank", "pk")
        return queryset

    def filter_q(self, queryset, name, value):
        return selectors.authors_matching(queryset, query=value)

    def filter_topic(self, queryset, name, value):
        on_topic = Authorship.objects.filter(author=OuterRef("pk"), paper__paper_topics__topic__slug=value)
        return queryset.filter(Exists(on_topic))

    def filter_claimed(self, queryset, name, value):
        return queryset.filter(claimed_by__isnull=not value)


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
