"""Atom feeds of new works (django.contrib.syndication): a topic's here, a researcher's in profiles.

"New" means newly added to the site (``created_at``), which is what a subscriber has not
seen yet; each entry's authors and primary topic come with the papers (three queries a feed).
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from papers.models import Paper, Topic
from papers.selectors import AUTHOR_PREVIEW, new_topic_works

FEED_ITEMS = 30


class WorksFeed(Feed):
    """What every feed of papers shares: one entry per paper, newest addition first."""

    feed_type = Atom1Feed

    def item_title(self, paper: Paper) -> str:
        return str(paper)

    def item_description(self, paper: Paper) -> str:
        # Atom summaries are typed HTML: imported text is escaped so readers show it as written.
        return escape(paper.abstract) if paper.abstract else "No abstract imported."

    def item_link(self, paper: Paper) -> str:
        return paper.get_absolute_url()

    def item_author_name(self, paper: Paper) -> str | None:
        authorships = list(paper.authorships.all())
        names = [authorship.name_as_written for authorship in authorships[:AUTHOR_PREVIEW]]
        if len(authorships) > AUTHOR_PREVIEW or paper.authors_truncated:
            names.append("et al.")
        return ", ".join(names) or None

    def item_pubdate(self, paper: Paper):
        return paper.created_at

    def item_updateddate(self, paper: Paper):
        return paper.updated_at

    def item_categories(self, paper: Paper) -> list[str]:
        return [paper.primary_category.name] if paper.primary_category_id else []


class TopicWorksFeed(WorksFeed):
    def get_object(self, request, slug: str) -> Topic:
        return get_object_or_404(Topic.objects.defer("embedding"), slug=slug)

    def title(self, topic: Topic) -> str:
        return f"New works in {topic.name} ({topic.code})"

    def subtitle(self, topic: Topic) -> str:
        return f"Papers on {topic.name} as they are added to Researcher profiles."

    def link(self, topic: Topic) -> str:
        return reverse("papers:topic", kwargs={"slug": topic.slug})

    def items(self, topic: Topic):
        return new_topic_works(topic=topic, limit=FEED_ITEMS)
