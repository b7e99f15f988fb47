"""The REST API (v1). Views are thin: scope, validate, call one selector or service, serialize.

Reads are public and answer conditional GETs (api/conditional.py); writes need a user
(token or session) and say who may do what in their permission classes.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Claim
from accounts.services import claim_create, claim_withdraw, follow_create, follow_delete
from api import exports, filters, selectors
from api.conditional import ConditionalGetMixin
from api.models import ApiToken
from api.permissions import StaffModelPermissions
from api.selectors import AUTHORSHIPS
from api.serializers import (
    AuthorSummarySerializer,
    ClaimSerializer,
    ErrorSerializer,
    ImportBatchSerializer,
    ImportRecordSerializer,
    InstitutionRefSerializer,
    LinkField,
    PaperSummarySerializer,
    TopicRefSerializer,
    absolute,
    api_path,
)
from api.services import api_token_create, api_token_revoke, api_tokens_revoke_all
from api.throttling import (
    ClaimThrottle,
    GraphThrottle,
    ImportUploadThrottle,
    SearchThrottle,
    TokenObtainThrottle,
)
from graph import selectors as graph_selectors
from graph.paths import PATH_MAX_HOPS
from graph.slice import DEFAULT_MAX_NODES, DEFAULT_RADIUS, KINDS, MAX_RADIUS, SLICE_SIZES
from ingest import fetchers, formats
from ingest.models import ImportBatch, ImportRecord
from ingest.services import ImportRejected, batch_create, batch_create_from_identifiers
from papers import search as paper_search
from papers import selectors as paper_selectors
from papers.citation import CITATION_STYLES, DEFAULT_STYLE, citations_all
from papers.models import Paper, PaperTopic, Topic
from profiles import selectors as profile_selectors
from profiles.models import Author, Institution

# --- shared pieces -------------------------------------------------------------------------


class MovedPermanently(exceptions.APIException):
    """An author merged into another: the old URL answers 301 with the new one."""

    status_code = status.HTTP_301_MOVED_PERMANENTLY
    default_code = "moved_permanently"

    def __init__(self, location: str, detail: str):
        super().__init__(detail=detail)
        self.location = location


class PublicReadApi(ConditionalGetMixin, APIView):
    permission_classes = [AllowAny]


class PublicListApi(ConditionalGetMixin, generics.ListAPIView):
    permission_classes = [AllowAny]


def author_or_404(request, slug: str) -> Author:
    """The author for a URL slug; a merged author redirects to whom it was merged into."""
    author = profile_selectors.author_for_profile(slug=slug)
    if author is None:
        raise exceptions.NotFound("No author with this slug.")
    target, hops = author, 0
    while target.merged_into_id is not None and hops < 10:
        target, hops = target.merged_into, hops + 1
        target = Author.objects.select_related("merged_into").get(pk=target.pk)
    if target.pk != author.pk:
        location = request.build_absolute_uri(
            request.path.replace(f"/authors/{author.slug}/", f"/authors/{target.slug}/", 1)
        )
        raise MovedPermanently(location, f"This author was merged into {target.display_name}.")
    return author


class QueryParamsMixin:
    """Validate a view's non-filter query parameters with its nested QuerySerializer."""

    QuerySerializer: type[serializers.Serializer]

    def query_params(self, request) -> dict:
        serializer = self.QuerySerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


# --- authentication ------------------------------------------------------------------------


class TokenObtainApi(APIView):
    """POST: exchange a username and password for a new API token. DELETE: revoke tokens."""

    throttle_classes = [TokenObtainThrottle]

    def _obtaining(self) -> bool:
        return getattr(self.request, "method", None) == "POST"  # no request while building the schema

    def get_authenticators(self):
        # A password exchange must not depend on (or be refused for) a session already open.
        return [] if self._obtaining() else super().get_authenticators()

    def get_permissions(self):
        return [AllowAny()] if self._obtaining() else [IsAuthenticated()]

    def get_throttles(self):
        return super().get_throttles() if self._obtaining() else []

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(
            max_length=4096, style={"input_type": "password"}, trim_whitespace=False
        )

        class Meta:
            ref_name = "TokenObtainInput"

        def validate(self, data: dict) -> dict:
            user = authenticate(
                request=self.context.get("request"), username=data["username"], password=data["password"]
            )
            if user is None:  # wrong password, unknown or inactive account: one answer for all
                raise serializers.ValidationError("Unable to log in with the username and password given.")
            return {"user": user}

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(
            help_text="Send as `Authorization: Token <token>`. Shown this once: only its digest is kept."
        )
        expires_at = serializers.DateTimeField(help_text="After this the token is refused (401).")

        class Meta:
            ref_name = "Token"

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer},
        tags=["auth"],
        summary="Get a new API token",
        description=(
            "Every call issues a new token, valid for `API_TOKEN_DAYS` days (30 by default). "
            "The key is in this response only; the server keeps its SHA-256 digest."
        ),
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, key = api_token_create(user=serializer.validated_data["user"])
        return Response(self.OutputSerializer({"token": key, "expires_at": token.expires_at}).data)

    class RevokeOutputSerializer(serializers.Serializer):
        revoked = serializers.IntegerField(help_text="How many tokens stopped working.")

        class Meta:
            ref_name = "TokenRevoked"

    @extend_schema(
        request=None,
        responses={200: RevokeOutputSerializer},
        tags=["auth"],
        summary="Revoke API tokens",
        description=(
            "With `Authorization: Token <key>`: that token stops working at once. "
            "Signed in on the site (session): every API token of the account is revoked."
        ),
    )
    def delete(self, request):
        if isinstance(request.auth, ApiToken):
            revoked = api_token_revoke(token=request.auth)
        else:
            revoked = api_tokens_revoke_all(user=request.user)
        return Response(self.RevokeOutputSerializer({"revoked": revoked}).data)


# --- authors -------------------------------------------------------------------------------


@extend_schema(tags=["authors"], summary="List and search authors")
class AuthorListApi(PublicListApi):
    """Authors (merged duplicates excluded). ``q`` matches the name and every alias."""

    serializer_class = AuthorSummarySerializer
    filterset_class = filters.AuthorFilter

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
        author = author_or_404(request, slug)
        author.alias_names = profile_selectors.author_aliases(author=author)
        author.claim_status = profile_selectors.author_claim_status(author=author)
        author.counts = asdict(profile_selectors.author_stats(author=author))
        author.trust = profile_selectors.author_trust(author=author)
        return Response(self.OutputSerializer(author, context={"request": request}).data)


@extend_schema(tags=["authors"], summary="An author's works, newest first")
class AuthorWorksApi(PublicListApi):
    serializer_class = PaperSummarySerializer
    filterset_class = filters.WorksFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Paper.objects.none()
        author = author_or_404(self.request, self.kwargs["slug"])
        return profile_selectors.author_works(author=author)


# --- exports -------------------------------------------------------------------------------


class _TextRenderer(BaseRenderer):
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode(self.charset)
        return json.dumps(data, ensure_ascii=False).encode(self.charset)


class BibTeXRenderer(_TextRenderer):
    media_type = "application/x-bibtex"
    format = "bib"


class CslJsonRenderer(_TextRenderer):
    media_type = "application/vnd.citationstyles.csl+json"
    format = "csl.json"


class CsvRenderer(_TextRenderer):
    media_type = "text/csv"
    format = "csv"


class ExportApi(PublicReadApi):
    """A file download; errors are still JSON with the usual body."""

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 300:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def attachment(self, content, filename: str) -> Response:
        response = Response(content)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def author_papers(self, author: Author, *, with_topics: bool = False):
        works = profile_selectors.author_works(author=author)
        if with_topics:
            topics = (
                PaperTopic.objects.select_related("topic").defer("topic__embedding").order_by("topic__code")
            )
            works = works.prefetch_related(Prefetch("paper_topics", queryset=topics))
        return works


@extend_schema(
    tags=["exports"],
    summary="An author's works as BibTeX",
    responses={(200, "application/x-bibtex"): OpenApiTypes.STR},
)
class AuthorWorksBibTeXApi(ExportApi):
    renderer_classes = [BibTeXRenderer]

    def get(self, request, slug: str):
        author = author_or_404(request, slug)
        text = exports.works_bibtex(
            self.author_papers(author),
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
        author = author_or_404(request, slug)
        return self.attachment(exports.works_csl_json(self.author_papers(author)), f"{author.slug}.json")


@extend_schema(
    tags=["exports"],
    summary="An author's works as CSV",
    responses={(200, "text/csv"): OpenApiTypes.STR},
)
class AuthorWorksCsvApi(ExportApi):
    renderer_classes = [CsvRenderer]

    def get(self, request, slug: str):
        author = author_or_404(request, slug)
        text = exports.works_csv(
            self.author_papers(author, with_topics=True), site_url=request.build_absolute_uri
        )
        return self.attachment(text, f"{author.slug}.csv")


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
        author = author_or_404(request, slug)
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


# --- follow and claims ---------------------------------------------------------------------


class FollowStateSerializer(serializers.Serializer):
    author = serializers.CharField(help_text="The author's slug.")
    following = serializers.BooleanField()
    follower_count = serializers.IntegerField()

    class Meta:
        ref_name = "FollowState"


@extend_schema(tags=["follow"], responses={200: FollowStateSerializer})
class AuthorFollowApi(ConditionalGetMixin, APIView):
    """Whether you follow an author; follow (POST) and unfollow (DELETE), both idempotent."""

    permission_classes = [IsAuthenticated]
    may_conflict = True

    def _state(self, author: Author, following: bool, follower_count: int) -> Response:
        state = {"author": author.slug, "following": following, "follower_count": follower_count}
        return Response(FollowStateSerializer(state).data)

    @extend_schema(summary="Do I follow this author?")
    def get(self, request, slug: str):
        author = author_or_404(request, slug)
        following = selectors.author_is_followed(author=author, user=request.user)
        return self._state(author, following, author.follower_count)

    @extend_schema(request=None, summary="Follow an author")
    def post(self, request, slug: str):
        author = author_or_404(request, slug)
        return self._state(author, True, follow_create(user=request.user, author=author))

    @extend_schema(summary="Unfollow an author")
    def delete(self, request, slug: str):
        author = author_or_404(request, slug)
        return self._state(author, False, follow_delete(user=request.user, author=author))


ORCID_PATTERN = r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$"


@extend_schema(tags=["claims"])
class AuthorClaimCreateApi(APIView):
    """Claim an author profile as yourself (needs a verified email address); an admin reviews it.

    Only strong evidence approves the claim at once (an ORCID sign-in matching an iD that an
    import or an admin put on the record): the answer's status says which. A verified address at
    the institution's domain is evidence for the reviewer. One mailbox (ignoring +tags) can
    stand behind one claim.
    """

    permission_classes = [IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, ClaimThrottle]  # shared with the claim page
    may_conflict = True

    class InputSerializer(serializers.Serializer):
        evidence_text = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
        evidence_email = serializers.EmailField(
            required=False, allow_blank=True, default="", help_text="One of your verified addresses."
        )
        evidence_orcid = serializers.RegexField(
            ORCID_PATTERN, max_length=19, required=False, allow_blank=True, default=""
        )
        evidence_homepage = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "ClaimCreateInput"

    @extend_schema(
        request=InputSerializer, responses={201: ClaimSerializer}, summary="Claim an author profile"
    )
    def post(self, request, slug: str):
        author = author_or_404(request, slug)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = claim_create(user=request.user, author=author, **serializer.validated_data)
        claim = Claim.objects.select_related("author").get(pk=claim.pk)
        data = ClaimSerializer(claim, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["api_url"]})


@extend_schema(tags=["claims"], summary="Your claims (staff with the view-claim permission: everyone's)")
class ClaimListApi(ConditionalGetMixin, generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ClaimSerializer
    filterset_class = filters.ClaimFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Claim.objects.none()
        return selectors.claims_visible_to(user=self.request.user)


def claim_or_404(request, pk: int) -> Claim:
    claim = selectors.claims_visible_to(user=request.user).filter(pk=pk).first()
    if claim is None:
        raise exceptions.NotFound("No claim with this id among those you can see.")
    return claim


@extend_schema(tags=["claims"])
class ClaimDetailApi(ConditionalGetMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ClaimSerializer}, summary="A claim and its status")
    def get(self, request, pk: int):
        return Response(ClaimSerializer(claim_or_404(request, pk), context={"request": request}).data)


@extend_schema(tags=["claims"])
class ClaimWithdrawApi(APIView):
    permission_classes = [IsAuthenticated]
    may_conflict = True

    @extend_schema(request=None, responses={200: ClaimSerializer}, summary="Withdraw your pending claim")
    def post(self, request, pk: int):
        claim = claim_or_404(request, pk)
        if claim.user_id != request.user.pk:
            raise exceptions.PermissionDenied(
                "Only the claimant can withdraw a claim; staff decide it in the admin."
            )
        claim = claim_withdraw(claim=claim, user=request.user)
        claim = Claim.objects.select_related("author").get(pk=claim.pk)
        return Response(ClaimSerializer(claim, context={"request": request}).data)


# --- papers --------------------------------------------------------------------------------


@extend_schema(tags=["papers"], summary="List and filter papers")
class PaperListApi(PublicListApi):
    serializer_class = PaperSummarySerializer
    filterset_class = filters.PaperFilter

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
    filterset_class = filters.TopicFilter

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


class TopicPapersFilter(filters.PaperFilter):
    topic = None


@extend_schema(tags=["topics"], summary="Papers on a topic")
class TopicPapersApi(PublicListApi):
    serializer_class = PaperSummarySerializer
    filterset_class = TopicPapersFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Paper.objects.none()
        return paper_selectors.topic_papers(topic=topic_or_404(self.kwargs["slug"]))


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
    filterset_class = filters.InstitutionFilter

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


class InstitutionAuthorsFilter(filters.AuthorFilter):
    institution = None


@extend_schema(tags=["institutions"], summary="Authors affiliated with an institution or listed with it")
class InstitutionAuthorsApi(PublicListApi):
    serializer_class = AuthorSummarySerializer
    filterset_class = InstitutionAuthorsFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Author.objects.none()
        return profile_selectors.institution_authors(institution=institution_or_404(self.kwargs["slug"]))


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


class SearchAuthorSerializer(AuthorSummarySerializer):
    matched_names = serializers.ListField(
        child=serializers.CharField(), help_text="Name variants that matched."
    )

    class Meta:
        ref_name = "SearchAuthor"


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
        hits = paper_selectors.search_papers(params=search)
        size, page = params["page_size"], params["page"]
        page_hits = hits[(page - 1) * size : page * size]
        if page > 1 and not page_hits:
            raise exceptions.NotFound("Invalid page.")
        papers = paper_selectors.search_result_papers(hits=page_hits, query=search.query)
        authors = paper_selectors.search_authors(
            query=search.query, institution=search.institution, limit=params["limit"]
        )
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


# --- graph ---------------------------------------------------------------------------------

_NODE_PAGES = {
    "person": "profiles:author",
    "paper": "papers:paper",
    "topic": "papers:topic",
    "institution": "profiles:institution",
}


class GraphNodeSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`<kind>:<slug>`, e.g. `person:tatsunori-hashimoto`.")
    kind = serializers.ChoiceField(choices=list(KINDS))
    slug = serializers.CharField()
    label = serializers.CharField()
    url = serializers.SerializerMethodField()
    year = serializers.IntegerField(required=False, allow_null=True, help_text="Papers only.")
    code = serializers.CharField(required=False, help_text="Topics only: the arXiv category.")
    distance = serializers.IntegerField(required=False, help_text="Slices only: hops from the focus.")
    weight = serializers.FloatField(required=False, help_text="Slices only: ranking weight.")
    rank = serializers.IntegerField(required=False, help_text="Slices only: 0 is the focus.")
    x = serializers.FloatField(required=False, help_text="Slices only: layout position.")
    y = serializers.FloatField(required=False)
    angle = serializers.FloatField(required=False)
    shared_papers = serializers.IntegerField(required=False, help_text="Collaborators of the focus only.")
    first_year = serializers.IntegerField(required=False, allow_null=True)
    last_year = serializers.IntegerField(required=False, allow_null=True)
    close = serializers.BooleanField(required=False, help_text="A close collaborator (the trust rule).")

    class Meta:
        ref_name = "GraphNode"

    @extend_schema_field(serializers.URLField(allow_null=True, help_text="The node's page on the site."))
    def get_url(self, node: dict) -> str | None:
        try:
            return absolute(self, reverse(_NODE_PAGES[node["kind"]], kwargs={"slug": node["slug"]}))
        except (KeyError, NoReverseMatch):
            return None


class GraphEdgeSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.ChoiceField(choices=["collaborated", "authored", "about", "affiliated"])
    source = serializers.CharField()
    target = serializers.CharField()
    weight = serializers.FloatField(help_text="Shared papers for collaborators; see the graph docs.")
    year = serializers.IntegerField(required=False, allow_null=True)
    inferred = serializers.BooleanField(required=False)
    first_year = serializers.IntegerField(required=False, allow_null=True)
    last_year = serializers.IntegerField(required=False, allow_null=True)
    close = serializers.BooleanField(required=False)

    class Meta:
        ref_name = "GraphEdge"


class KindCountSerializer(serializers.Serializer):
    shown = serializers.IntegerField()
    available = serializers.IntegerField()

    class Meta:
        ref_name = "GraphKindCount"


@extend_schema(tags=["graph"])
class GraphSliceApi(QueryParamsMixin, PublicReadApi):
    """The research graph around an author: collaborators, papers, topics, institutions."""

    throttle_classes = [*APIView.throttle_classes, GraphThrottle]

    class QuerySerializer(serializers.Serializer):
        radius = serializers.IntegerField(min_value=1, max_value=MAX_RADIUS, default=DEFAULT_RADIUS)
        size = serializers.ChoiceField(
            choices=list(SLICE_SIZES), required=False, help_text="Node budget by name; wins over max_nodes."
        )
        max_nodes = serializers.ChoiceField(
            choices=list(SLICE_SIZES.values()), default=DEFAULT_MAX_NODES, help_text="Node budget."
        )

        class Meta:
            ref_name = "GraphSliceQuery"

    class OutputSerializer(serializers.Serializer):
        focus = serializers.CharField(help_text="Id of the author's node.")
        nodes = GraphNodeSerializer(many=True, help_text="Ranked; the focus first.")
        edges = GraphEdgeSerializer(many=True)
        counts = serializers.DictField(
            child=KindCountSerializer(), help_text="Per kind: shown and available."
        )
        limits = serializers.DictField(child=serializers.IntegerField())

        class Meta:
            ref_name = "GraphSlice"

    @extend_schema(parameters=[QuerySerializer], responses={200: OutputSerializer}, summary="Graph slice")
    def get(self, request, slug: str):
        params = self.query_params(request)
        author = author_or_404(request, slug)
        max_nodes = SLICE_SIZES[params["size"]] if params.get("size") else params["max_nodes"]
        graph = graph_selectors.author_slice(author=author, radius=params["radius"], max_nodes=max_nodes)
        return Response(self.OutputSerializer(graph, context={"request": request}).data)


@extend_schema(tags=["graph"])
class GraphNeighboursApi(QueryParamsMixin, PublicReadApi):
    """The neighbours of any node: a person's collaborators, papers and institutions; a paper's
    authors and topics; a topic's latest papers; an institution's people."""

    throttle_classes = [*APIView.throttle_classes, GraphThrottle]

    class QuerySerializer(serializers.Serializer):
        limit = serializers.IntegerField(
            min_value=1,
            max_value=graph_selectors.NEIGHBOURS_MAX_LIMIT,
            default=graph_selectors.NEIGHBOURS_DEFAULT_LIMIT,
        )

        class Meta:
            ref_name = "GraphNeighboursQuery"

    class OutputSerializer(serializers.Serializer):
        node = GraphNodeSerializer()
        nodes = GraphNodeSerializer(many=True, help_text="The node itself and its neighbours.")
        edges = GraphEdgeSerializer(many=True)

        class Meta:
            ref_name = "GraphNeighbours"

    @extend_schema(
        parameters=[
            QuerySerializer,
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(KINDS)),
            OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=r"^[-a-zA-Z0-9_]+$"),
        ],
        responses={200: OutputSerializer},
        summary="Neighbours of a node",
    )
    def get(self, request, kind: str, slug: str):
        params = self.query_params(request)
        row = graph_selectors.graph_node_lookup(kind=kind, slug=slug)
        if row is None:
            raise exceptions.NotFound(f"No {kind} with this slug.")
        data = graph_selectors.node_neighbours(kind=kind, row=row, limit=params["limit"])
        return Response(self.OutputSerializer(data, context={"request": request}).data)


@extend_schema(tags=["graph"])
class GraphPathApi(QueryParamsMixin, PublicReadApi):
    """Shortest chain of co-authorships between two authors ("how am I connected to X")."""

    throttle_classes = [*APIView.throttle_classes, GraphThrottle]

    class QuerySerializer(serializers.Serializer):
        source = serializers.SlugField(max_length=300, help_text="Slug of the first author.")
        target = serializers.SlugField(max_length=300, help_text="Slug of the second author.")
        max_hops = serializers.IntegerField(
            min_value=1, max_value=PATH_MAX_HOPS, default=PATH_MAX_HOPS, help_text="Longest chain searched."
        )
        close_only = serializers.BooleanField(default=False, help_text="Only links of close collaborators.")

        class Meta:
            ref_name = "GraphPathQuery"

    class SearchedSerializer(serializers.Serializer):
        researchers_reached = serializers.IntegerField()
        max_hops = serializers.IntegerField()
        close_only = serializers.BooleanField()
        exhausted = serializers.BooleanField(help_text="True when no path can exist at any length.")

        class Meta:
            ref_name = "GraphPathSearched"

    class OutputSerializer(serializers.Serializer):
        connected = serializers.BooleanField()
        hops = serializers.IntegerField(allow_null=True, help_text="Co-authorships on the path.")
        nodes = GraphNodeSerializer(many=True, help_text="From source to target.")
        edges = GraphEdgeSerializer(many=True)
        searched = serializers.DictField()

        class Meta:
            ref_name = "GraphPath"

    @extend_schema(
        parameters=[QuerySerializer],
        responses={200: OutputSerializer, 422: ErrorSerializer},
        summary="Collaboration path",
    )
    def get(self, request):
        params = self.query_params(request)
        source = profile_selectors.author_list().filter(slug=params["source"]).first()
        target = profile_selectors.author_list().filter(slug=params["target"]).first()
        if source is None or target is None:
            raise exceptions.NotFound(
                "No author with the slug given as " + ("source." if source is None else "target.")
            )
        path = graph_selectors.collaboration_path(
            source=source, target=target, max_hops=params["max_hops"], close_only=params["close_only"]
        )
        return Response(self.OutputSerializer(path, context={"request": request}).data)


# --- imports (staff) -----------------------------------------------------------------------


@extend_schema(tags=["imports"])
class ImportListCreateApi(ConditionalGetMixin, generics.ListAPIView):
    """Import batches, newest first; POST a dump (multipart) to import it."""

    permission_classes = [StaffModelPermissions]
    permission_model = ImportBatch
    serializer_class = ImportBatchSerializer
    filterset_class = filters.ImportBatchFilter
    throttle_classes = [*APIView.throttle_classes, ImportUploadThrottle]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(help_text="The dump, as it came; at most IMPORT_MAX_BYTES.")
        format = serializers.ChoiceField(
            choices=[("", "detect from the content"), *[(name, name) for name in formats.FORMATS]],
            required=False,
            default="",
        )
        subject_name = serializers.CharField(
            max_length=300,
            required=False,
            allow_blank=True,
            default="",
            help_text="Researcher the listing is of.",
        )

        class Meta:
            ref_name = "ImportCreateInput"

    def get_queryset(self):
        return selectors.import_batches_for_api()

    @extend_schema(summary="Import batches")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: ImportBatchSerializer},
        summary="Upload a dump to import",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ImportRejected(
                f"The file is {upload.size:,} bytes; the limit is {settings.IMPORT_MAX_BYTES:,} bytes."
            )
        batch = batch_create(
            content=upload.read(),
            original_name=upload.name or "upload.txt",
            format=serializer.validated_data["format"],
            subject_name=serializer.validated_data["subject_name"],
            created_by=request.user,
        )
        batch = selectors.import_batches_for_api().get(pk=batch.pk)
        data = ImportBatchSerializer(batch, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["api_url"]})


@extend_schema(tags=["imports"])
class ImportByIdentifierApi(APIView):
    """Fetch metadata for arXiv ids and DOIs (and an ORCID record's works) and import it.

    The records are queued as an ordinary import batch (canonical JSON Lines): follow it at
    `api_url`. A source that cannot be reached gives 502 and stores nothing.
    """

    permission_classes = [StaffModelPermissions]  # POST: ingest.add_importbatch
    permission_model = ImportBatch
    throttle_classes = [*APIView.throttle_classes, ImportUploadThrottle]

    class InputSerializer(serializers.Serializer):
        arxiv = serializers.ListField(
            child=serializers.CharField(max_length=100),
            required=False,
            default=list,
            max_length=fetchers.MAX_IDENTIFIERS,
            help_text="arXiv ids (`2305.14387`, `arXiv:hep-th/9901001v2`, an abs URL).",
        )
        doi = serializers.ListField(
            child=serializers.CharField(max_length=300),
            required=False,
            default=list,
            max_length=fetchers.MAX_IDENTIFIERS,
            help_text="DOIs (`10.1145/3442188.3445922`, a doi.org URL).",
        )
        orcid = serializers.CharField(
            max_length=60, required=False, allow_blank=True, default="", help_text="Import this iD's works."
        )

        class Meta:
            ref_name = "ImportByIdentifierInput"

        def validate(self, data):
            try:
                data["identifiers"] = fetchers.identifiers_validate(
                    arxiv_ids=data["arxiv"], dois=data["doi"], orcid=data["orcid"]
                )
            except fetchers.IdentifiersInvalid as error:
                raise serializers.ValidationError(
                    error.fields or {"non_field_errors": [error.message]}
                ) from error
            return data

    class OutputSerializer(ImportBatchSerializer):
        not_found = serializers.ListField(
            child=serializers.CharField(), help_text="Identifiers the sources did not know (`doi:10.…`)."
        )

        class Meta:
            ref_name = "ImportByIdentifier"

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer, 400: ErrorSerializer, 502: ErrorSerializer},
        summary="Import papers by arXiv id, DOI or ORCID iD",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = batch_create_from_identifiers(
            identifiers=serializer.validated_data["identifiers"], created_by=request.user
        )
        batch = selectors.import_batches_for_api().get(pk=result.batch.pk)
        batch.not_found = result.not_found
        data = self.OutputSerializer(batch, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["api_url"]})


def batch_or_404(pk: int) -> ImportBatch:
    batch = selectors.import_batches_for_api().filter(pk=pk).first()
    if batch is None:
        raise exceptions.NotFound("No import batch with this id.")
    return batch


@extend_schema(tags=["imports"])
class ImportDetailApi(ConditionalGetMixin, APIView):
    permission_classes = [StaffModelPermissions]
    permission_model = ImportBatch

    @extend_schema(
        responses={200: ImportBatchSerializer}, summary="An import batch: status, progress, counts"
    )
    def get(self, request, pk: int):
        return Response(ImportBatchSerializer(batch_or_404(pk), context={"request": request}).data)


@extend_schema(tags=["imports"], summary="The records of an import batch, in file order")
class ImportRecordsApi(ConditionalGetMixin, generics.ListAPIView):
    permission_classes = [StaffModelPermissions]
    permission_model = ImportRecord
    serializer_class = ImportRecordSerializer
    filterset_class = filters.ImportRecordFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportRecord.objects.none()
        return selectors.import_records_for_api(batch=batch_or_404(self.kwargs["pk"]))


@extend_schema(
    tags=["imports"],
    summary="An import batch's report as CSV",
    responses={(200, "text/csv"): OpenApiTypes.STR},
)
class ImportReportCsvApi(ExportApi):
    permission_classes = [StaffModelPermissions]
    permission_model = ImportBatch
    renderer_classes = [CsvRenderer]

    def get(self, request, pk: int):
        batch = batch_or_404(pk)
        records = selectors.import_records_for_api(batch=batch)
        text = exports.batch_report_csv(
            batch, records.iterator(chunk_size=2000), site_url=request.build_absolute_uri
        )
        return self.attachment(text, f"import-{batch.pk}-report.csv")
