"""Cache keys for graph slices, versioned per author by a generation token (``common.cache_generations``).

A slice key embeds the author's current token. Invalidating an author replaces the token, so
every slice cached for that author (any radius, any size) is never read again and expires on
its own.
"""

from __future__ import annotations

from common.cache_generations import Generations

SLICE_FORMAT = 1  # bump when the slice's JSON shape changes, so old entries are ignored
GENERATIONS = Generations("graph")


def generation(author_id: int) -> str:
    """The author's current token, creating one if there is none."""
    return GENERATIONS.token(author_id)


def slice_key(author_id: int, *, radius: int, max_nodes: int) -> str:
    return f"graph:slice:{SLICE_FORMAT}:{author_id}:{generation(author_id)}:{radius}:{max_nodes}"


def generations_replace(author_ids: list[int]) -> None:
    """Invalidate every cached slice of these authors (one round trip to the cache)."""
    GENERATIONS.replace(author_ids)
