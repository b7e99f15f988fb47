"""Reads for researcher pages; each returns a QuerySet or plain data with a fixed query count."""

from django.db.models import Prefetch, QuerySet

from papers.models import Authorship, Paper
from profiles.models import Author


def author_list() -> QuerySet[Author]:
    return Author.objects.filter(merged_into=None).select_related("institution")


def most_followed_authors(*, limit: int = 8) -> QuerySet[Author]:
    return author_list().order_by("-follower_count", "-work_count", "display_name")[:limit]


def author_works(*, author: Author) -> QuerySet[Paper]:
    """The author's papers, newest first, with every author of each paper in one extra query."""
    return (
        Paper.objects.filter(authorships__author=author)
        .select_related("primary_category")
        .prefetch_related(
            Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("author").order_by("position"),
            )
        )
        .order_by("-year", "-month", "-day", "title")
    )
