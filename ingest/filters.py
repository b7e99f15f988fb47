"""Query-string filters for the API's import lists."""

from __future__ import annotations

import django_filters

from ingest.models import ImportBatch, ImportRecord


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
