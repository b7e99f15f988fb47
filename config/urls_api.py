"""The API's URLs (namespace ``api``): /api/v1/, the OpenAPI schema at /api/schema/, docs at /api/docs/.

The endpoints live beside their apps (``<app>/apis.py``); this module, not ``api/``, imports
them, so ``api/`` (shared pieces) never imports an app that builds on it.

The export URLs (``/api/v1/authors/<slug>/works.bib``, ``works.csl.json``, ``works.csv``)
are stable: the profile page links to them.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.decorators import api_view, permission_classes, schema
from rest_framework.permissions import AllowAny

from accounts import apis as accounts_apis
from api import views as api_views
from graph import apis as graph_apis
from ingest import apis as ingest_apis
from papers import apis as papers_apis
from profiles import apis as profiles_apis

app_name = "api"


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@schema(None)
def not_found(request, rest: str = ""):
    raise exceptions.NotFound("No such API endpoint; see /api/docs/.")


v1 = [
    path("auth/token/", api_views.TokenObtainApi.as_view(), name="auth-token"),
    path("authors/", profiles_apis.AuthorListApi.as_view(), name="author-list"),
    path("authors/<slug:slug>/", profiles_apis.AuthorDetailApi.as_view(), name="author-detail"),
    path("authors/<slug:slug>/works/", papers_apis.AuthorWorksApi.as_view(), name="author-works"),
    path(
        "authors/<slug:slug>/works.bib",
        papers_apis.AuthorWorksBibTeXApi.as_view(),
        name="author-works-bibtex",
    ),
    path(
        "authors/<slug:slug>/works.csl.json",
        papers_apis.AuthorWorksCslJsonApi.as_view(),
        name="author-works-csl-json",
    ),
    path("authors/<slug:slug>/works.csv", papers_apis.AuthorWorksCsvApi.as_view(), name="author-works-csv"),
    path("authors/<slug:slug>/coi.json", profiles_apis.AuthorCoiJsonApi.as_view(), name="author-coi-json"),
    path("authors/<slug:slug>/coi.csv", profiles_apis.AuthorCoiCsvApi.as_view(), name="author-coi-csv"),
    path("authors/<slug:slug>/follow/", accounts_apis.AuthorFollowApi.as_view(), name="author-follow"),
    path(
        "authors/<slug:slug>/claims/",
        accounts_apis.AuthorClaimCreateApi.as_view(),
        name="author-claim-create",
    ),
    path("claims/", accounts_apis.ClaimListApi.as_view(), name="claim-list"),
    path("claims/<int:pk>/", accounts_apis.ClaimDetailApi.as_view(), name="claim-detail"),
    path("claims/<int:pk>/withdraw/", accounts_apis.ClaimWithdrawApi.as_view(), name="claim-withdraw"),
    path("papers/", papers_apis.PaperListApi.as_view(), name="paper-list"),
    path("papers/<slug:slug>/", papers_apis.PaperDetailApi.as_view(), name="paper-detail"),
    path("papers/<slug:slug>/similar/", papers_apis.PaperSimilarApi.as_view(), name="paper-similar"),
    path("papers/<slug:slug>/cite/", papers_apis.PaperCiteApi.as_view(), name="paper-cite"),
    path("topics/", papers_apis.TopicListApi.as_view(), name="topic-list"),
    path("topics/<slug:slug>/", papers_apis.TopicDetailApi.as_view(), name="topic-detail"),
    path("topics/<slug:slug>/papers/", papers_apis.TopicPapersApi.as_view(), name="topic-papers"),
    path("institutions/", profiles_apis.InstitutionListApi.as_view(), name="institution-list"),
    path(
        "institutions/<slug:slug>/", profiles_apis.InstitutionDetailApi.as_view(), name="institution-detail"
    ),
    path(
        "institutions/<slug:slug>/authors/",
        profiles_apis.InstitutionAuthorsApi.as_view(),
        name="institution-authors",
    ),
    path("search/", papers_apis.SearchApi.as_view(), name="search"),
    path("graph/authors/<slug:slug>/slice/", graph_apis.GraphSliceApi.as_view(), name="graph-slice"),
    re_path(
        r"^graph/(?P<kind>person|paper|topic|institution)/(?P<slug>[-a-zA-Z0-9_]+)/neighbours/$",
        graph_apis.GraphNeighboursApi.as_view(),
        name="graph-neighbours",
    ),
    path("graph/path/", graph_apis.GraphPathApi.as_view(), name="graph-path"),
    path("graph/search/", graph_apis.GraphSearchApi.as_view(), name="graph-search"),
    path("imports/", ingest_apis.ImportListCreateApi.as_view(), name="import-list"),
    path("imports/by-identifier/", ingest_apis.ImportByIdentifierApi.as_view(), name="import-by-identifier"),
    path("imports/<int:pk>/", ingest_apis.ImportDetailApi.as_view(), name="import-detail"),
    path("imports/<int:pk>/records/", ingest_apis.ImportRecordsApi.as_view(), name="import-records"),
    path("imports/<int:pk>/report.csv", ingest_apis.ImportReportCsvApi.as_view(), name="import-report-csv"),
    re_path(r"^(?P<rest>[\s\S]*)$", not_found),  # unknown API paths answer in JSON too
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from ?script (no inline script: CSP script-src 'self').
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
]
