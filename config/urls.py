from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from config.crawlers import SITEMAPS, robots_txt, sitemap_cached
from config.health import healthz
from papers import views_search

admin.site.site_header = "Researcher profiles · administration"
admin.site.site_title = "Researcher profiles admin"

urlpatterns = [
    path("", include("profiles.urls")),
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("papers.urls")),  # /papers/… and /topics/…
    path("graph/", include("graph.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("config.urls_api")),
    path("search", views_search.search, name="search"),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path(
        "sitemap.xml",
        sitemap_cached(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_cached(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
# No media route, not even in DEBUG: MEDIA_ROOT holds uploaded dumps, which staff download
# through the admin (ingest.admin) and nobody else may read.
