"""Sitemap sections for papers and topics (config/crawlers.py lists them)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse

from common.sitemaps import PkWindowSitemap
from papers.models import Paper, PaperTopic, Topic


class PaperSitemap(PkWindowSitemap):
    changefreq = "monthly"

    def items(self):
        return Paper.objects.only("pk", "slug", "updated_at")

    def lastmod(self, paper: Paper):
        return paper.updated_at


class TopicSitemap(PkWindowSitemap):
    """Topics that carry at least one paper (the rest of the taxonomy has empty pages)."""

    changefreq = "daily"

    def items(self):
        return Topic.objects.filter(Exists(PaperTopic.objects.filter(topic=OuterRef("pk")))).only(
            "pk", "slug"
        )

    def location(self, topic: Topic) -> str:
        return reverse("papers:topic", kwargs={"slug": topic.slug})
