"""The API of authors and institutions: lists, details and co-author (conflict-of-interest) lists."""

from __future__ import annotations

from dataclasses import asdict

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from api.serializers import LinkField, api_path
from api.views import CsvRenderer, ExportApi, PublicListApi, PublicReadApi, QueryParamsMixin
from graph import selectors as graph_selectors
from papers import exports
from profiles import selectors as profile_selectors
from profiles.filters import AuthorFilter, InstitutionFilter
from profiles.models import Author, Institution
from profiles.serializers import AuthorSummarySerializer, InstitutionRefSerializer

# --- authors -------------------------------------------------------------------------------


@extend_schema(tags=["authors"], summary="List and search authors")
class AuthorListApi(PublicListApi):
    """Authors (merged duplicates excluded). ``q`` matches the name and every alias."""

    serializer_class = AuthorSummarySerializer
    filterset_class = AuthorFilter

    def get_queryset(self):
        return profile_selectors.author_list()


class AuthorCountsSerializer(serializers.Serializer):
    works = serializers.IntegerField()
    followers = serializers.IntegerField()
    topics = serializers.IntegerField()
    close_collaborators = serializers.IntegerField()

    class Meta:
        ref_name = "AuthorCounts"


class TrustComponentSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    points = serializers.IntegerField()
    max_points = serializers.IntegerField(help_text="0 for a penalty component.")
    detail = serializers.CharField()
    how_to_raise = serializers.CharField()

    class Meta:
        ref_name = "TrustComponent"


class TrustSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="0-100.")
    label = serializers.CharField(help_text="`Unverified`, `Emerging`, `Established` or `Trusted`.")
    level = serializers.IntegerField(help_text="Verification level the score counted (1-3).")
    version = serializers.IntegerField(help_text="Version of the formula (docs: the trust snapshot).")
    components = TrustComponentSerializer(many=True)
    updated_at = serializers.DateTimeField(allow_null=True, help_text="Null when computed for this answer.")

    class Meta:
        ref_name = "Trust"


class AuthorExportsSerializer(serializers.Serializer):
    bibtex = LinkField(lambda author: api_path("author-works-bibtex", slug=author.slug))
    csl_json = LinkField(lambda author: api_path("author-works-csl-json", slug=author.slug))
    csv = LinkField(lambda author: api_path("author-works-csv", slug=author.slug))

    class Meta:
        ref_name = "AuthorExports"


CLAIM_STATUSES = [("unclaimed", "Unclaimed"), ("pending", "Claim pending"), ("claimed", "Claimed")]


@extend_schema(tags=["authors"])
class AuthorDetailApi(PublicReadApi):
    class OutputSerializer(AuthorSummarySerializer):
        role = serializers.CharField()
        bio = serializers.CharField()
        homepage = serializers.CharField()
        orcid = serializers.CharField(help_text="ORCID iD (`0000-0002-1825-0097`); empty when unknown.")
        orcid_source = serializers.CharField(
            help_text="Where the iD came from: `import`, `admin`, `owner`; empty when there is none."
        )
        aliases = serializers.ListField(
            source="alias_names",
            child=serializers.CharField(),
            help_text="Other names this author published under.",
        )
        claim_status = serializers.ChoiceField(choices=CLAIM_STATUSES)
        counts = AuthorCountsSerializer(help_text="Live counts, as the profile's quick read shows them.")
        trust = TrustSerializer()
        exports = AuthorExportsSerializer(source="*")
        works_url = LinkField(lambda author: api_path("author-works", slug=author.slug))
        graph_url = LinkField(lambda author: api_path("graph-slice", slug=author.slug))
        created_at = serializers.DateTimeField()
        updated_at = serializers.DateTimeField()

        class Meta:
            ref_name = "AuthorDetail"

    @extend_schema(responses={200: OutputSerializer}, summary="An author, with trust breakdown and counts")
    def get(self, request, slug: str):
        author = profile_selectors.author_or_moved(slug=slug)
        author.alias_names = profile_selectors.author_aliases(author=author)
        author.claim_status = profile_selectors.author_claim_status(author=author)
        author.counts = asdict(profile_selectors.author_stats(author=author))
        author.trust = profile_selectors.author_trust(author=author)
        return Response(self.OutputSerializer(author, context={"request": request}).data)


# --- conflicts of interest -----------------------------------------------------------------

COI_DEFAULT_YEARS = 4


class CoiQuerySerializer(serializers.Serializer):
    years = serializers.IntegerField(
        min_value=1,
        max_value=50,
        default=COI_DEFAULT_YEARS,
        help_text="Co-authors whose last shared paper is from this many years ago or later "
        "(calendar years: `4` in 2026 means 2022 onwards).",
    )

    class Meta:
        ref_name = "CoiQuery"


class CoiCoauthorSerializer(serializers.Serializer):
    name = serializers.CharField(source="author.display_name")
    profile_url = LinkField(lambda coauthor: coauthor.author.get_absolute_url())
    institution = serializers.CharField(source="author.institution.name", default="")
    last_year_together = serializers.IntegerField(
        source="last_year", allow_null=True, help_text="Null when every shared paper is undated."
    )
    papers_together = serializers.IntegerField(
        source="shared_papers", help_text="Shared papers over the whole record."
    )

    class Meta:
        ref_name = "CoiCoauthor"


class AuthorCoiMixin(QueryParamsMixin):
    QuerySerializer = CoiQuerySerializer

    def coauthors(self, request, slug: str):
        params = self.query_params(request)
        author = profile_selectors.author_or_moved(slug=slug)
        since_year = timezone.localdate().year - params["years"]
        coauthors = graph_selectors.recent_coauthors(author=author, since_year=since_year)
        return author, params["years"], since_year, coauthors


@extend_schema(tags=["exports"])
class AuthorCoiJsonApi(AuthorCoiMixin, PublicReadApi):
    """Co-authors within the last N years, for conflict-of-interest checks (reviewers, editors)."""

    class OutputSerializer(serializers.Serializer):
        author = serializers.CharField(help_text="The author's slug.")
        name = serializers.CharField()
        years = serializers.IntegerField()
        since_year = serializers.IntegerField(help_text="Shared papers from this year on count.")
        coauthors = CoiCoauthorSerializer(many=True, help_text="Most recent first.")

        class Meta:
            ref_name = "AuthorCoi"

    @extend_schema(
        parameters=[CoiQuerySerializer],
        responses={200: OutputSerializer},
        summary="Conflict-of-interest list (JSON)",
    )
    def get(self, request, slug: str):
        author, years, since_year, coauthors = self.coauthors(request, slug)
        data = {
            "author": author.slug,
            "name": author.display_name,
            "years": years,
            "since_year": since_year,
            "coauthors": coauthors,
        }
        return Response(self.OutputSerializer(data, context={"request": request}).data)


@extend_schema(
    tags=["exports"],
    parameters=[CoiQuerySerializer],
    summary="Conflict-of-interest list (CSV)",
    responses={(200, "text/csv"): OpenApiTypes.STR},
)
class AuthorCoiCsvApi(AuthorCoiMixin, ExportApi):
    renderer_classes = [CsvRenderer]

    def get(self, request, slug: str):
        author, years, since_year, coauthors = self.coauthors(request, slug)
        text = exports.coi_csv(coauthors, site_url=request.build_absolute_uri)
        return self.attachment(text, f"{author.slug}-coauthors-since-{since_year}.csv")


class InstitutionSerializer(InstitutionRefSerializer):
    author_count = serializers.IntegerField(help_text="Authors whose affiliation it is.")
    url = LinkField(
        lambda institution: reverse("profiles:institution", kwargs={"slug": institution.slug}),
        help_text="Institution page.",
    )
    authors_url = LinkField(lambda institution: api_path("institution-authors", slug=institution.slug))

    class Meta:
        ref_name = "Institution"


@extend_schema(tags=["institutions"], summary="Institutions")
class InstitutionListApi(PublicListApi):
    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilter

    def get_queryset(self):
        return profile_selectors.institution_list().order_by("name", "pk")


def institution_or_404(slug: str) -> Institution:
    institution = profile_selectors.institution_list().filter(slug=slug).first()
    if institution is None:
        raise exceptions.NotFound("No institution with this slug.")
    return institution


@extend_schema(tags=["institutions"])
class InstitutionDetailApi(PublicReadApi):
    @extend_schema(responses={200: InstitutionSerializer}, summary="An institution")
    def get(self, request, slug: str):
        return Response(InstitutionSerializer(institution_or_404(slug), context={"request": request}).data)


class InstitutionAuthorsFilter(AuthorFilter):
    institution = None


@extend_schema(tags=["institutions"], summary="Authors affiliated with an institution or listed with it")
class InstitutionAuthorsApi(PublicListApi):
    serializer_class = AuthorSummarySerializer
    filterset_class = InstitutionAuthorsFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Author.objects.none()
        return profile_selectors.institution_authors(institution=institution_or_404(self.kwargs["slug"]))
