"""The Atom feed of a researcher's new works: following without an account."""

from __future__ import annotations

from common.redirects import moved_permanently
from papers.feeds import FEED_ITEMS, WorksFeed
from papers.selectors import new_works_by
from profiles import selectors
from profiles.models import Author


class AuthorWorksFeed(WorksFeed):
    def get_object(self, request, author: Author) -> Author:
        return author

    def title(self, author: Author) -> str:
        return f"New works by {author.display_name}"

    def subtitle(self, author: Author) -> str:
        return f"Papers by {author.display_name} as they are added to Researcher profiles."

    def link(self, author: Author) -> str:
        return author.get_absolute_url()

    def items(self, author: Author):
        return new_works_by(author=author, limit=FEED_ITEMS)


@moved_permanently
def author_feed(request, slug: str):
    """The feed; a merged author's feed moves to the surviving author's, as the profile does."""
    author = selectors.author_or_moved(slug=slug)
    return AuthorWorksFeed()(request, author=author)
