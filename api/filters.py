"""What the API's list filters (django-filter, in each app's filters.py) share.

Every list keeps a total order: the chosen ordering, then the primary key, so a page never
repeats or skips a row when others tie.
"""

from __future__ import annotations

import django_filters
from django.db.models import F, QuerySet

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


def ordering_filter(orderings: dict[str, list], help_text: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        choices=[(key, key) for key in orderings],
        method=lambda queryset, name, value: queryset,
        help_text=help_text,
    )


def desc(name: str):
    return F(name).desc(nulls_last=True)
