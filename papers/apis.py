"""The API of papers and topics, and of an author's works (list and exports); search."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import LinkField, api_path
from api.throttling import SearchThrottle
from api.views import (
    BibTeXRenderer,
    CslJsonRenderer,
    CsvRenderer,
    ExportApi,
    PublicListApi,
    PublicReadApi,
    QueryParamsMixin,
)
from papers import exports
from papers import search as paper_search
from papers import selectors as paper_selectors
from papers.citation import CITATION_STYLES, DEFAULT_STYLE, citations_all
from papers.filters import PaperFilter, TopicFilter, WorksFilter
from papers.models import Paper, Topic
from papers.selectors import AUTHORSHIPS
from papers.serializers import (
    PaperSummarySerializer,
    SearchAuthorSerializer,
    TopicRefSerializer,
)
from profiles import selectors as profile_selectors

# --- an author's works and their exports ---------------------------------------------------


@extend_schema(tags=["authors"], summary="An author's works, newest first")
class AuthorWorksApi(PublicListApi):
    serializer_class = PaperSummarySerializer
    filterset_class = WorksFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Paper.objects.none()
        author = profile_selectors.author_or_moved(slug=self.kwargs["slug"])
        return profile_selectors.author_works(author=author)


@extend_schema(
    tags=["exports"],
    summary="An author's works as BibTeX",
    responses={(200, "application/x-bibtex"): OpenApiTypes.STR},
)
class AuthorWorksBibTeXApi(ExportApi):
    renderer_classes = [BibTeXRenderer]

    def get(self, request, slug: str):
        author = profile_selectors.author_or_moved(slug=slug)
        text = exports.works_bibtex(
            profile_selectors.author_works_for_export(author=author),
            heading=f"Works of {author.display_name} ({request.build_absolute_uri()})",
        )
        return self.attachment(text, f"{author.slug}.bib")


@extend_schema(
    tags=["exports"],
    summary="An author's works as CSL-JSON",
    responses={
        (200, "application/vnd.citationstyles.csl+json"): {"type": "array", "items": {"type": "object"}}
    },
)
class AuthorWorksCslJsonApi(ExportApi):
    renderer_classes = [CslJsonRenderer]

    def get(self, request, slug: str):
        author = profile_selectors.author_or_moved(slug=slug)
        return self.attachment(
            exports.works_csl_json(profile_selectors.author_works_for_export(author=author)),
            f"{author.slug}.json",
        )


@extend_schema(
    tags=["exports"],
    summary="An author's works as CSV",
    responses={(200, "text/csv"): OpenApiTypes.STR},
)
class AuthorWorksCsvApi(ExportApi):
    renderer_classes = [CsvRenderer]

    def get(self, request, slug: str):
        author = profile_selectors.author_or_moved(slug=slug)
        text = exports.works_csv(
            profile_selectors.author_works_for_export(author=author, with_topics=True),
            site_url=request.build_absolute_uri,
        )
        return self.attachment(text, f"{author.slug}.csv")


# --- papers --------------------------------------------------------------------------------


@extend_schema(tags=["papers"], summary="List and filter papers")
class PaperListApi(PublicListApi):
    serializer_class = PaperSummarySerializer
    filterset_class = PaperFilter

    def get_queryset(self):
        return paper_selectors.papers_with_authors()


class PaperTopicSerializer(serializers.Serializer):
    topic = TopicRefSerializer()
    inferred = serializers.BooleanField(help_text="Assigned by similarity rather than stated by the source.")
    score = serializers.FloatField(allow_null=True)

    class Meta:
        ref_name = "PaperTopic"


def paper_or_404(slug: str) -> Paper:
    paper = paper_selectors.paper_for_page(slug=slug)
    if paper is None:
        raise exceptions.NotFound("No paper with this slug.")
    return paper


@extend_schema(tags=["papers"])
class PaperDetailApi(PublicReadApi):
    class OutputSerializer(PaperSummarySerializer):
        month = serializers.IntegerField(allow_null=True)
        day = serializers.IntegerField(allow_null=True)
        date_display = serializers.CharField(help_text="The date as the site shows it, e.g. `Feb 2023`.")
        topics = PaperTopicSerializer(source="paper_topics", many=True)
        similar_url = LinkField(lambda paper: api_path("paper-similar", slug=paper.slug))
        created_at = serializers.DateTimeField()
        updated_at = serializers.DateTimeField()

        class Meta:
            ref_name = "PaperDetail"

    @extend_schema(responses={200: OutputSerializer}, summary="A paper")
    def get(self, request, slug: str):
        return Response(self.OutputSerializer(paper_or_404(slug), context={"request": request}).data)


class SimilarPaperSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(
        choices=[("meaning", "embedding similarity"), ("links", "shared authors and topics")],
        help_text="`meaning` when the paper has an embedding, else `links`.",
    )
    similarity = serializers.FloatField(allow_null=True, help_text="Cosine similarity (basis `meaning`).")
    shared_authors = serializers.IntegerField()
    shared_topics = serializers.IntegerField()
    paper = PaperSummarySerializer(source="*")

    class Meta:
        ref_name = "SimilarPaper"


@extend_schema(tags=["papers"])
class PaperSimilarApi(QueryParamsMixin, PublicReadApi):
    class QuerySerializer(serializers.Serializer):
        limit = serializers.IntegerField(min_value=1, max_value=50, default=6)

        class Meta:
            ref_name = "SimilarPapersQuery"

    class OutputSerializer(serializers.Serializer):
        paper = serializers.CharField(help_text="Slug of the paper asked about.")
        results = SimilarPaperSerializer(many=True, help_text="Most similar first.")

        class Meta:
            ref_name = "SimilarPapers"

    @extend_schema(parameters=[QuerySerializer], responses={200: OutputSerializer}, summary="Similar papers")
    def get(self, request, slug: str):
        params = self.query_params(request)
        paper = Paper.objects.filter(slug=slug).first()
        if paper is None:
            raise exceptions.NotFound("No paper with this slug.")
        similar = paper_selectors.similar_papers(paper=paper, limit=params["limit"])
        prefetch_related_objects(similar, AUTHORSHIPS)
        for other in similar:
            other.basis = "meaning" if hasattr(other, "distance") else "links"
            if other.basis == "links":
                other.similarity = None
        data = {"paper": paper.slug, "results": similar}
        return Response(self.OutputSerializer(data, context={"request": request}).data)


class CitationTextSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=[(key, style.label) for key, style in CITATION_STYLES.items()])
    label = serializers.CharField()
    text = serializers.CharField(help_text="Plain text; escape it where you show it as HTML.")

    class Meta:
        ref_name = "CitationText"


@extend_schema(tags=["papers"])
class PaperCiteApi(QueryParamsMixin, PublicReadApi):
    """How to cite a paper: BibTeX, CSL-JSON, and formatted citations in the offered styles."""

    class QuerySerializer(serializers.Serializer):
        style = serializers.ChoiceField(
            choices=[(key, style.label) for key, style in CITATION_STYLES.items()],
            default=DEFAULT_STYLE,
            help_text="The style of `text`; `styles` always holds every style.",
        )

        class Meta:
            ref_name = "PaperCiteQuery"

    class OutputSerializer(serializers.Serializer):
        paper = serializers.CharField(help_text="Slug of the paper.")
        style = serializers.CharField()
        text = serializers.CharField(help_text="The citation in the asked style, plain text.")
        styles = CitationTextSerializer(many=True)
        bibtex = serializers.CharField()
        csl_json = serializers.JSONField(help_text="One CSL-JSON item.")

        class Meta:
            ref_name = "PaperCite"

    @extend_schema(parameters=[QuerySerializer], responses={200: OutputSerializer}, summary="Cite a paper")
    def get(self, request, slug: str):
        params = self.query_params(request)
        paper = paper_or_404(slug)
        item = exports.csl_item(paper)
        texts = citations_all(item)
        data = {
            "paper": paper.slug,
            "style": params["style"],
            "text": texts[params["style"]],
            "styles": [
                {"key": key, "label": style.label, "text": texts[key]}
                for key, style in CITATION_STYLES.items()
            ],
            "bibtex": exports.bibtex_entry(paper),
            "csl_json": item,
        }
        return Response(self.OutputSerializer(data).data)


# --- topics and institutions ---------------------------------------------------------------


class TopicSerializer(TopicRefSerializer):
    description = serializers.CharField()
    paper_count = serializers.IntegerField()
    url = LinkField(
        lambda topic: reverse("papers:topic", kwargs={"slug": topic.slug}), help_text="Topic page."
    )
    papers_url = LinkField(lambda topic: api_path("topic-papers", slug=topic.slug))

    class Meta:
        ref_name = "Topic"


@extend_schema(tags=["topics"], summary="Topics (the arXiv CS taxonomy and any added)")
class TopicListApi(PublicListApi):
    serializer_class = TopicSerializer
    filterset_class = TopicFilter

    def get_queryset(self):
        return paper_selectors.topic_list().order_by("code", "pk")


def topic_or_404(slug: str) -> Topic:
    topic = paper_selectors.topic_list().filter(slug=slug).first()
    if topic is None:
        raise exceptions.NotFound("No topic with this slug.")
    return topic


@extend_schema(tags=["topics"])
class TopicDetailApi(PublicReadApi):
    @extend_schema(responses={200: TopicSerializer}, summary="A topic")
    def get(self, request, slug: str):
        return Response(TopicSerializer(topic_or_404(slug), context={"request": request}).data)


class TopicPapersFilter(PaperFilter):
    topic = None


@extend_schema(tags=["topics"], summary="Papers on a topic")
class TopicPapersApi(PublicListApi):
    serializer_class = PaperSummarySerializer
    filterset_class = TopicPapersFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Paper.objects.none()
        return paper_selectors.topic_papers(topic=topic_or_404(self.kwargs["slug"]))


# --- search --------------------------------------------------------------------------------


class HighlightSerializer(serializers.Serializer):
    text = serializers.CharField()
    match = serializers.BooleanField(help_text="This part matched the query.")

    class Meta:
        ref_name = "HighlightSegment"

    def to_representation(self, segment):
        text, match = segment
        return {"text": text, "match": match}


class SearchPaperSerializer(PaperSummarySerializer):
    relevance = serializers.FloatField(source="hit.score", help_text="Fused rank score; higher is better.")
    title_highlight = HighlightSerializer(source="title_segments", many=True)
    abstract_highlight = HighlightSerializer(
        source="abstract_segments", many=True, help_text="Excerpts around the matches."
    )

    class Meta:
        ref_name = "SearchPaper"


class SearchPapersPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchPaperSerializer(many=True)

    class Meta:
        ref_name = "SearchPapersPage"


@extend_schema(tags=["search"])
class SearchApi(QueryParamsMixin, PublicReadApi):
    """One query: researchers by name and alias (typos allowed), topics, and papers by words and meaning."""

    throttle_classes = [*APIView.throttle_classes, SearchThrottle]  # shared with /search

    class QuerySerializer(serializers.Serializer):
        q = serializers.CharField(max_length=paper_search.MAX_QUERY_LENGTH, help_text="What to look for.")
        year_from = serializers.IntegerField(
            min_value=paper_search.YEAR_MIN, max_value=paper_search.YEAR_MAX, required=False
        )
        year_to = serializers.IntegerField(
            min_value=paper_search.YEAR_MIN, max_value=paper_search.YEAR_MAX, required=False
        )
        topic = serializers.SlugField(max_length=200, required=False, help_text="Only papers on this topic.")
        institution = serializers.SlugField(
            max_length=300, required=False, help_text="Only papers and researchers of this institution."
        )
        page = serializers.IntegerField(min_value=1, max_value=9999, default=1, help_text="Page of papers.")
        page_size = serializers.IntegerField(
            min_value=1, max_value=100, default=20, help_text="Papers per page."
        )
        limit = serializers.IntegerField(
            min_value=1, max_value=50, default=10, help_text="How many researchers and topics."
        )

        class Meta:
            ref_name = "SearchQuery"

        def validate_q(self, value: str) -> str:
            value = " ".join(value.split())
            if len(value.replace(" ", "")) < paper_search.MIN_QUERY_CHARACTERS:
                raise serializers.ValidationError(paper_search.QUERY_TOO_SHORT)
            return value

    class OutputSerializer(serializers.Serializer):
        query = serializers.CharField()
        authors = SearchAuthorSerializer(many=True)
        topics = TopicSerializer(many=True)
        papers = SearchPapersPageSerializer()

        class Meta:
            ref_name = "SearchResults"

    @extend_schema(
        parameters=[QuerySerializer], responses={200: OutputSerializer}, summary="Search everything"
    )
    def get(self, request):
        params = self.query_params(request)
        search = paper_search.SearchParams(
            query=params["q"],
            year_from=params.get("year_from"),
            year_to=params.get("year_to"),
            topic=params.get("topic", ""),
            institution=params.get("institution", ""),
            page=params["page"],
        )
        authors = paper_selectors.search_authors(
            query=search.query, institution=search.institution, limit=params["limit"]
        )
        hits = paper_selectors.search_papers(params=search, people=authors)
        size, page = params["page_size"], params["page"]
        page_hits = hits[(page - 1) * size : page * size]
        if page > 1 and not page_hits:
            raise exceptions.NotFound("Invalid page.")
        papers = paper_selectors.search_result_papers(hits=page_hits, query=search.query)
        result = {
            "query": search.query,
            "authors": authors,
            "topics": paper_selectors.search_topics(query=search.query, limit=params["limit"]),
            "papers": {
                "count": len(hits),
                "next": _page_link(request, page + 1) if page * size < len(hits) else None,
                "previous": _page_link(request, page - 1) if page > 1 else None,
                "results": papers,
            },
        }
        return Response(self.OutputSerializer(result, context={"request": request}).data)


def _page_link(request, page: int) -> str:
    query = request.query_params.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(request.path + "?" + query.urlencode())
