"""Query-string filters for the API's claim list."""

from __future__ import annotations

import django_filters

from accounts.models import Claim


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Claim.Status.choices)

    class Meta:
        model = Claim
        fields: list[str] = []
