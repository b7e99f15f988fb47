"""Writes for the research graph: collaborator edges derived from authorships."""

from __future__ import annotations

from django.db import connection, transaction

_REBUILD_EDGES_SQL = """
INSERT INTO graph_collaboratoredge
    (author_low_id, author_high_id, shared_papers, first_year, last_year, updated_at)
SELECT LEAST(mine.author_id, theirs.author_id),
       GREATEST(mine.author_id, theirs.author_id),
       COUNT(DISTINCT mine.paper_id),
       MIN(paper.year),
       MAX(paper.year),
       NOW()
FROM papers_authorship AS mine
JOIN papers_authorship AS theirs
  ON theirs.paper_id = mine.paper_id AND theirs.author_id <> mine.author_id
JOIN papers_paper AS paper ON paper.id = mine.paper_id
WHERE mine.author_id = ANY(%s)
GROUP BY 1, 2
"""


@transaction.atomic
def edges_refresh(*, author_ids: list[int]) -> None:
    """Rebuild every collaborator edge touching these authors from their current authorships."""
    if not author_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM graph_collaboratoredge WHERE author_low_id = ANY(%s) OR author_high_id = ANY(%s)",
            [author_ids, author_ids],
        )
        cursor.execute(_REBUILD_EDGES_SQL, [author_ids])
