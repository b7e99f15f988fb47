"""Cache keys for graph slices, versioned per author by a generation token.

A slice key embeds the author's current token. Invalidating an author replaces the token, so
every slice cached for that author (any radius, any size) is never read again and expires on
its own. A token that has vanished from the cache is simply replaced, which is just as safe.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache

SLICE_FORMAT = 1  # bump when the slice's JSON shape changes, so old entries are ignored
GENERATION_SECONDS = 7 * 24 * 60 * 60  # longer than any slice lives


def _generation_key(author_id: int) -> str:
    return f"graph:generation:{author_id}"


def _new_token() -> str:
    return uuid.uuid4().hex[:16]


def generation(author_id: int) -> str:
    """The author's current token, creating one if there is none."""
    key = _generation_key(author_id)
    token = cache.get(key)
    if token is None:
        cache.add(key, _new_token(), GENERATION_SECONDS)
        token = cache.get(key)
    return token


def slice_key(author_id: int, *, radius: int, max_nodes: int) -> str:
    return f"graph:slice:{SLICE_FORMAT}:{author_id}:{generation(author_id)}:{radius}:{max_nodes}"


def generations_replace(author_ids: list[int]) -> None:
    """Invalidate every cached slice of these authors (one round trip to the cache)."""
    if author_ids:
        cache.set_many(
            {_generation_key(author_id): _new_token() for author_id in author_ids}, GENERATION_SECONDS
        )
