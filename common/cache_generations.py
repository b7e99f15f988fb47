"""Generation tokens: invalidate every cached entry about one object with one cache write.

A cached entry's key embeds the object's current token (``Generations.token``). Replacing the
token (``replace``) makes every entry built under the old one unreachable; those entries expire
on their own. A token that has vanished from the cache is simply created again, which is just as
safe: nothing cached under the lost token can be read any more.

Each kind of cache keeps its own namespace ("graph", "profile"), so a change that matters to
one does not throw away the other.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

TOKEN_SECONDS = 7 * 24 * 60 * 60  # longer than any entry built under a token lives


def _new_token() -> str:
    return uuid.uuid4().hex[:16]


class Generations:
    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def key(self, object_id: int) -> str:
        return f"{self.namespace}:generation:{object_id}"

    def token(self, object_id: int) -> str:
        """The object's current token, creating one if there is none."""
        key = self.key(object_id)
        token = cache.get(key)
        if token is None:
            cache.add(key, _new_token(), TOKEN_SECONDS)
            token = cache.get(key)
        return token

    def replace(self, object_ids: Iterable[int]) -> None:
        """Invalidate everything cached about these objects (one round trip to the cache)."""
        ids = sorted(set(object_ids))
        if ids:
            cache.set_many({self.key(object_id): _new_token() for object_id in ids}, TOKEN_SECONDS)

    def replace_on_commit(self, object_ids: Iterable[int]) -> None:
        """``replace`` once the current transaction commits (at once outside a transaction).

        After the commit, not before: a page rendered between the two would read the old rows
        and be cached under the new token.
        """
        ids = sorted(set(object_ids))
        if ids:
            transaction.on_commit(lambda: self.replace(ids))


# Profile pages as anonymous visitors see them (profiles.page_cache). Replaced whenever a change
# names the author (pipeline.events.announce) and when their counts or trust are refreshed.
PROFILE_PAGES = Generations("profile")

# Search rankings (papers.selectors), one site-wide token (id 0): replaced by every change to
# what papers exist or say (pipeline.events.announce).
SEARCH_RESULTS = Generations("search")
