"""API representations of papers and topics, shared by several endpoints."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import LinkField, api_path
from papers.exports import paper_iso_date
from papers.models import Paper
from profiles.serializers import AuthorRefSerializer, AuthorSummarySerializer


class TopicRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="arXiv category, e.g. `cs.CL`.")
    name = serializers.CharField()
    slug = serializers.CharField()
    api_url = LinkField(lambda topic: api_path("topic-detail", slug=topic.slug))

    class Meta:
        ref_name = "TopicRef"


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


class SearchAuthorSerializer(AuthorSummarySerializer):
    matched_names = serializers.ListField(
        child=serializers.CharField(), help_text="Name variants that matched."
    )

    class Meta:
        ref_name = "SearchAuthor"
