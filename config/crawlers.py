"""What the site tells crawlers: robots.txt and the sitemap sections.

robots.txt keeps crawlers off pages that are endless or private (search with any query,
the graph explorer and its fragments, the API, the admin, sign-in and account pages) and
points them at the sitemap index, whose sections list every profile, paper, topic and
institution page.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from papers.sitemaps import PaperSitemap, TopicSitemap
from profiles.sitemaps import AuthorSitemap, InstitutionSitemap

SITEMAPS = {
    "authors": AuthorSitemap,
    "papers": PaperSitemap,
    "topics": TopicSitemap,
    "institutions": InstitutionSitemap,
}

ROBOTS_DISALLOW = (
    "/search",
    "/graph/",
    "/api/",
    "/admin/",
    "/accounts/",
    "/following/",
    "/inbox/",
    "/claims/",
    "/conversations/",
    "/settings/",
    "/authors/*/follow/",
    "/authors/*/unfollow/",
    "/authors/*/claim/",
    "/authors/*/edit/",
    "/authors/*/invite/",
)


# A full section page (50,000 URLs) takes seconds to render: shared caches may keep it an hour.
sitemap_cached = cache_control(max_age=60 * 60, public=True)


@require_GET
@cache_control(max_age=60 * 60 * 24, public=True)
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
