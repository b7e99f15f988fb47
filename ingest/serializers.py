"""API representations of import batches and their records."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import LinkField, api_path
from ingest.models import ImportBatch, ImportRecord
from profiles.serializers import AuthorRefSerializer


class ImportCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField(source="created_count")
    updated = serializers.IntegerField(source="updated_count")
    unchanged = serializers.IntegerField(source="unchanged_count")
    review = serializers.IntegerField(source="review_count", help_text="Waiting in the curation list.")
    failed = serializers.IntegerField(source="failed_count")

    class Meta:
        ref_name = "ImportCounts"


class ImportBatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    checksum = serializers.CharField(help_text="SHA-256 of the file.")
    format = serializers.CharField(help_text="As requested; empty means detected from the content.")
    detected_format = serializers.CharField()
    subject_name = serializers.CharField()
    subject_orcid = serializers.CharField(help_text="The researcher's ORCID iD (imports of an ORCID record).")
    subject_author = AuthorRefSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=ImportBatch.Status.choices)
    progress_percent = serializers.IntegerField()
    total_records = serializers.IntegerField()
    processed_records = serializers.IntegerField()
    counts = ImportCountsSerializer(source="*")
    error = serializers.CharField()
    created_by = serializers.CharField(source="created_by.get_username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    identity_settled_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the name blocks the import touched were clustered again; until then its "
        "authors' profiles can still gain or lose papers.",
    )
    api_url = LinkField(lambda batch: api_path("import-detail", pk=batch.pk))
    records_url = LinkField(lambda batch: api_path("import-records", pk=batch.pk))
    report_csv_url = LinkField(lambda batch: api_path("import-report-csv", pk=batch.pk))

    class Meta:
        ref_name = "ImportBatch"


class ImportRecordSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    line_start = serializers.IntegerField(allow_null=True)
    line_end = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=ImportRecord.Status.choices)
    error = serializers.CharField()
    data = serializers.JSONField(help_text="The canonical record parsed from these lines.")
    paper = serializers.SerializerMethodField()
    placed_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "ImportRecord"

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Slug of the placed paper."))
    def get_paper(self, record: ImportRecord) -> str | None:
        return record.paper.slug if record.paper_id else None
