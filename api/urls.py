"""The API: everything under /api/v1/, the OpenAPI schema at /api/schema/, docs at /api/docs/.

The export URLs (``/api/v1/authors/<slug>/works.bib``, ``works.csl.json``, ``works.csv``)
are stable: the profile page links to them.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.decorators import api_view, permission_classes, schema
from rest_framework.permissions import AllowAny

from api import views

app_name = "api"


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@schema(None)
def not_found(request, rest: str = ""):
    raise exceptions.NotFound("No such API endpoint; see /api/docs/.")


v1 = [
    path("auth/token/", views.TokenObtainApi.as_view(), name="auth-token"),
    path("authors/", views.AuthorListApi.as_view(), name="author-list"),
    path("authors/<slug:slug>/", views.AuthorDetailApi.as_view(), name="author-detail"),
    path("authors/<slug:slug>/works/", views.AuthorWorksApi.as_view(), name="author-works"),
    path("authors/<slug:slug>/works.bib", views.AuthorWorksBibTeXApi.as_view(), name="author-works-bibtex"),
    path(
        "authors/<slug:slug>/works.csl.json",
        views.AuthorWorksCslJsonApi.as_view(),
        name="author-works-csl-json",
    ),
    path("authors/<slug:slug>/works.csv", views.AuthorWorksCsvApi.as_view(), name="author-works-csv"),
    path("authors/<slug:slug>/coi.json", views.AuthorCoiJsonApi.as_view(), name="author-coi-json"),
    path("authors/<slug:slug>/coi.csv", views.AuthorCoiCsvApi.as_view(), name="author-coi-csv"),
    path("authors/<slug:slug>/follow/", views.AuthorFollowApi.as_view(), name="author-follow"),
    path("authors/<slug:slug>/claims/", views.AuthorClaimCreateApi.as_view(), name="author-claim-create"),
    path("claims/", views.ClaimListApi.as_view(), name="claim-list"),
    path("claims/<int:pk>/", views.ClaimDetailApi.as_view(), name="claim-detail"),
    path("claims/<int:pk>/withdraw/", views.ClaimWithdrawApi.as_view(), name="claim-withdraw"),
    path("papers/", views.PaperListApi.as_view(), name="paper-list"),
    path("papers/<slug:slug>/", views.PaperDetailApi.as_view(), name="paper-detail"),
    path("papers/<slug:slug>/similar/", views.PaperSimilarApi.as_view(), name="paper-similar"),
    path("papers/<slug:slug>/cite/", views.PaperCiteApi.as_view(), name="paper-cite"),
    path("topics/", views.TopicListApi.as_view(), name="topic-list"),
    path("topics/<slug:slug>/", views.TopicDetailApi.as_view(), name="topic-detail"),
    path("topics/<slug:slug>/papers/", views.TopicPapersApi.as_view(), name="topic-papers"),
    path("institutions/", views.InstitutionListApi.as_view(), name="institution-list"),
    path("institutions/<slug:slug>/", views.InstitutionDetailApi.as_view(), name="institution-detail"),
    path(
        "institutions/<slug:slug>/authors/", views.InstitutionAuthorsApi.as_view(), name="institution-authors"
    ),
    path("search/", views.SearchApi.as_view(), name="search"),
    path("graph/authors/<slug:slug>/slice/", views.GraphSliceApi.as_view(), name="graph-slice"),
    re_path(
        r"^graph/(?P<kind>person|paper|topic|institution)/(?P<slug>[-a-zA-Z0-9_]+)/neighbours/$",
        views.GraphNeighboursApi.as_view(),
        name="graph-neighbours",
    ),
    path("graph/path/", views.GraphPathApi.as_view(), name="graph-path"),
    path("imports/", views.ImportListCreateApi.as_view(), name="import-list"),
    path("imports/by-identifier/", views.ImportByIdentifierApi.as_view(), name="import-by-identifier"),
    path("imports/<int:pk>/", views.ImportDetailApi.as_view(), name="import-detail"),
    path("imports/<int:pk>/records/", views.ImportRecordsApi.as_view(), name="import-records"),
    path("imports/<int:pk>/report.csv", views.ImportReportCsvApi.as_view(), name="import-report-csv"),
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
