"""Shortest collaboration path between two authors: a bidirectional breadth-first search.

Pure code: the caller feeds it one level of collaborator edges at a time (one SQL query per
level, ``graph.selectors.collaboration_path``), so the search never loads the whole graph and
stops as soon as it exceeds its limits.
"""

from __future__ import annotations

from collections.abc import Iterable

from common import errors

PATH_MAX_HOPS = 6
PATH_MAX_VISITED = 200_000  # authors seen by both sides together
PATH_MAX_FRONTIER = 50_000  # authors asked about in one query
PATH_TIME_LIMIT_SECONDS = 3.0


class PathLimitError(errors.TooLarge):
    """The search would exceed its size or time limit; the request should be narrowed."""


class BidirectionalSearch:
    """Breadth-first from both ends, always growing the smaller frontier by one whole level.

    Each side keeps, for every author it reached, the author it came from, the hop count
    and the shared-paper count of that link. Ties are broken by author id so the same graph
    always gives the same path.
    """

    def __init__(self, source: int, target: int, *, max_hops: int = PATH_MAX_HOPS) -> None:
        self.source, self.target, self.max_hops = source, target, max_hops
        self.parents: tuple[dict[int, tuple[int, int] | None], dict[int, tuple[int, int] | None]] = (
            {source: None},
            {target: None},
        )
        self.depth: tuple[dict[int, int], dict[int, int]] = ({source: 0}, {target: 0})
        self.frontiers: list[list[int]] = [[source], [target]]
        self.levels = [0, 0]
        self.meeting: int | None = source if source == target else None

    @property
    def visited(self) -> int:
        return len(self.parents[0]) + len(self.parents[1])

    @property
    def exhausted(self) -> bool:
        """No path can exist: one side has nowhere left to go."""
        return self.meeting is None and (not self.frontiers[0] or not self.frontiers[1])

    @property
    def out_of_hops(self) -> bool:
        return self.meeting is None and self.levels[0] + self.levels[1] >= self.max_hops

    @property
    def finished(self) -> bool:
        return self.meeting is not None or self.exhausted or self.out_of_hops

    def next_side(self) -> int:
        """Which side to grow next: the one with the smaller frontier (the source side on ties)."""
        return 0 if len(self.frontiers[0]) <= len(self.frontiers[1]) else 1

    def add_level(self, side: int, links: Iterable[tuple[int, int, int]]) -> None:
        """Record one level for ``side``: ``(known author, new author, shared papers)`` links."""
        parents, depth = self.parents[side], self.depth[side]
        other_depth = self.depth[1 - side]
        level = self.levels[side] + 1
        reached: list[int] = []
        for known, new, shared in sorted(links):
            if new not in parents:
                parents[new] = (known, shared)
                depth[new] = level
                reached.append(new)
        self.frontiers[side] = reached
        self.levels[side] = level
        meetings = [author for author in reached if author in other_depth]
        if meetings:
            self.meeting = min(meetings, key=lambda author: (other_depth[author], author))

    def path(self) -> list[tuple[int, int | None]]:
        """``(author id, papers shared with the previous author)`` from source to target."""
        if self.meeting is None:
            return []
        steps: list[tuple[int, int | None]] = []
        author: int | None = self.meeting
        while author is not None:  # back to the source; each link points at the author before
            link = self.parents[0][author]
            steps.append((author, link[1] if link else None))
            author = link[0] if link else None
        steps.reverse()
        link = self.parents[1][self.meeting]
        while link is not None:  # on to the target; each link points at the author after
            following, shared = link
            steps.append((following, shared))
            link = self.parents[1][following]
        return steps
