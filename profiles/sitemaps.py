"""Sitemap sections for researchers and institutions (config/crawlers.py lists them)."""

from __future__ import annotations

from django.urls import reverse

from common.sitemaps import PkWindowSitemap
from profiles.models import Author, Institution


class AuthorSitemap(PkWindowSitemap):
    """Profiles of authors that were not merged away (a merged author's URL redirects)."""

    changefreq = "weekly"

    def items(self):
        return Author.objects.filter(merged_into=None).only("pk", "slug", "updated_at")

    def lastmod(self, author: Author):
        return author.updated_at


class InstitutionSitemap(PkWindowSitemap):
    changefreq = "monthly"

    def items(self):
        return Institution.objects.only("pk", "slug", "created_at")

    def lastmod(self, institution: Institution):
        return institution.created_at

    def location(self, institution: Institution) -> str:
        return reverse("profiles:institution", kwargs={"slug": institution.slug})
