"""Writes for the research graph: collaborator edges derived from authorships, slice caches.

Every flow that changes who wrote what (imports, undo, merges, splits, disowned papers) ends
by running ``edges_refresh`` for the authors it touched (usually through
``pipeline.tasks.authors_derived_refresh_task``); that also invalidates the cached graph
slices of those authors and of everyone they were or now are connected to.
"""

from __future__ import annotations

from django.db import connection, transaction

from graph import cache_keys
from graph.models import CollaboratorEdge
from papers.models import Authorship, Paper

# Table names come from the models (authorships and papers are papers' tables).
_DELETE_EDGES_SQL = f"""
DELETE FROM {CollaboratorEdge._meta.db_table}
WHERE author_low_id = ANY(%(authors)s) OR author_high_id = ANY(%(authors)s)
RETURNING author_low_id, author_high_id
"""

_REBUILD_EDGES_SQL = f"""
INSERT INTO {CollaboratorEdge._meta.db_table}
    (author_low_id, author_high_id, shared_papers, first_year, last_year, updated_at)
SELECT LEAST(mine.author_id, theirs.author_id),
       GREATEST(mine.author_id, theirs.author_id),
       COUNT(DISTINCT mine.paper_id),
       MIN(paper.year),
       MAX(paper.year),
       NOW()
FROM {Authorship._meta.db_table} AS mine
JOIN {Authorship._meta.db_table} AS theirs
  ON theirs.paper_id = mine.paper_id AND theirs.author_id <> mine.author_id
JOIN {Paper._meta.db_table} AS paper ON paper.id = mine.paper_id
WHERE mine.author_id = ANY(%(authors)s)
GROUP BY 1, 2
RETURNING author_low_id, author_high_id
"""


@transaction.atomic
def edges_refresh(*, author_ids: list[int]) -> None:
    """Rebuild every collaborator edge touching these authors from their current authorships.

    After commit, the graph slices of these authors and of their old and new collaborators
    are invalidated (a slice shows its collaborators' names and links).
    """
    if not author_ids:
        return
    affected = set(author_ids)
    with connection.cursor() as cursor:
        cursor.execute(_DELETE_EDGES_SQL, {"authors": list(author_ids)})
        affected.update(author_id for row in cursor.fetchall() for author_id in row)
        cursor.execute(_REBUILD_EDGES_SQL, {"authors": list(author_ids)})
        affected.update(author_id for row in cursor.fetchall() for author_id in row)
    slices_invalidate(author_ids=sorted(affected))


def slices_invalidate(*, author_ids: list[int]) -> None:
    """Drop the cached graph slices of these authors once the current transaction commits.

    ``edges_refresh`` calls it; call it directly for changes that show in slices without
    changing edges, e.g. a renamed author (pass the author and their collaborators).
    """
    cache_keys.GENERATIONS.replace_on_commit(author_ids)
