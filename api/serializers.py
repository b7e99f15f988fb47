"""Output representations shared by several endpoints, and the error body.

Endpoint-specific Input/Output serializers are nested in their API views (api/views.py),
HackSoft style; they build on these. Every serializer here is plain (not a ModelSerializer):
the API's shape is a contract and must not change when a model gains a column.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from accounts.models import Claim
from api.exports import paper_iso_date
from ingest.models import ImportBatch, ImportRecord
from papers.models import Paper
from profiles.models import Author


def absolute(serializer: serializers.Field, path: str | None) -> str | None:
    """A site path as an absolute URL when the request is known (always, in views)."""
    request = serializer.context.get("request")
    if path is None or request is None:
        return path
    return request.build_absolute_uri(path)


@extend_schema_field(OpenApiTypes.URI)
class LinkField(serializers.Field):
    """An absolute link computed from the object: ``LinkField(lambda obj: path)``."""

    def __init__(self, path_of, **kwargs):
        self.path_of = path_of
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return absolute(self, self.path_of(value))


def api_path(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


class ErrorSerializer(serializers.Serializer):
    """Every 4xx answer of the API has this body."""

    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(help_text="Machine-readable: `not_found`, `validation_error`, ...")
    message = serializers.CharField(help_text="One human-readable sentence.")
    fields = serializers.DictField(
        child=serializers.JSONField(),
        help_text="For validation errors: input field -> list of messages. Empty otherwise.",
    )
    retry_after = serializers.IntegerField(
        required=False, allow_null=True, help_text="Only on 429: seconds until a retry can succeed."
    )

    class Meta:
        ref_name = "Error"


class InstitutionRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    ror_id = serializers.CharField(help_text="ROR id, bare (`00f54p054`); empty when unknown.")
    api_url = LinkField(lambda institution: api_path("institution-detail", slug=institution.slug))

    class Meta:
        ref_name = "InstitutionRef"


class TopicRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="arXiv category, e.g. `cs.CL`.")
    name = serializers.CharField()
    slug = serializers.CharField()
    api_url = LinkField(lambda topic: api_path("topic-detail", slug=topic.slug))

    class Meta:
        ref_name = "TopicRef"


class AuthorRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    display_name = serializers.CharField()
    url = LinkField(lambda author: author.get_absolute_url(), help_text="The profile page.")
    api_url = LinkField(lambda author: api_path("author-detail", slug=author.slug))

    class Meta:
        ref_name = "AuthorRef"


class AuthorSummarySerializer(AuthorRefSerializer):
    institution = InstitutionRefSerializer(allow_null=True)
    verification_level = serializers.ChoiceField(choices=Author.Verification.choices)
    open_to_collaborate = serializers.BooleanField()
    work_count = serializers.IntegerField()
    follower_count = serializers.IntegerField()
    trust_score = serializers.IntegerField(allow_null=True, help_text="0-100; null until computed.")

    class Meta:
        ref_name = "AuthorSummary"


class AuthorshipSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="0-based place in the author list.")
    name = serializers.CharField(source="name_as_written", help_text="The name as the source wrote it.")
    orcid = serializers.CharField(help_text="The ORCID iD the source gave for this name; empty if none.")
    author = AuthorRefSerializer()

    class Meta:
        ref_name = "Authorship"


class PaperSummarySerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField(help_text="Empty for a record imported without a title.")
    abstract = serializers.CharField(help_text="As imported; LaTeX is kept as written.")
    date = serializers.SerializerMethodField(help_text="ISO 8601 with its real precision.")
    year = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField(help_text="`preprint`, `article`, `inproceedings`, `other` or empty.")
    source = serializers.CharField()
    venue = serializers.CharField()
    arxiv_id = serializers.CharField(allow_null=True)
    doi = serializers.CharField(allow_null=True)
    has_code = serializers.BooleanField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    citation_count = serializers.IntegerField(
        allow_null=True, help_text="Works citing this one, as last counted by a source; null if unknown."
    )
    citation_count_source = serializers.CharField(help_text="Who counted: `OpenAlex`, `Crossref`.")
    citation_count_date = serializers.DateField(allow_null=True, help_text="When it was counted.")
    primary_topic = TopicRefSerializer(source="primary_category", allow_null=True)
    authors = AuthorshipSerializer(source="authorships", many=True)
    authors_truncated = serializers.BooleanField(help_text="The source cut the author list (`et al.`).")
    authors_more = serializers.IntegerField(
        allow_null=True, help_text="N of `and N more authors`, when the source said."
    )
    url = LinkField(lambda paper: paper.get_absolute_url())
    api_url = LinkField(lambda paper: api_path("paper-detail", slug=paper.slug))

    class Meta:
        ref_name = "PaperSummary"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_date(self, paper: Paper) -> str | None:
        return paper_iso_date(paper)


class ClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = AuthorRefSerializer()
    status = serializers.ChoiceField(choices=Claim.Status.choices)
    evidence_text = serializers.CharField()
    evidence_email = serializers.CharField()
    evidence_orcid = serializers.CharField()
    evidence_homepage = serializers.CharField()
    decision_reason = serializers.CharField(help_text="Why an admin rejected the claim, if they did.")
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    api_url = LinkField(lambda claim: api_path("claim-detail", pk=claim.pk))

    class Meta:
        ref_name = "Claim"


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
