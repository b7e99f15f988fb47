"""The bidirectional path search (pure code), fed level by level like the SQL selector does."""

from graph.paths import BidirectionalSearch


def _search(edges: dict[tuple[int, int], int], source: int, target: int, max_hops: int = 6):
    search = BidirectionalSearch(source, target, max_hops=max_hops)
    levels = 0
    while not search.finished:
        side = search.next_side()
        frontier = set(search.frontiers[side])
        links = [(a, b, shared) for (a, b), shared in edges.items() if a in frontier]
        links += [(b, a, shared) for (a, b), shared in edges.items() if b in frontier]
        search.add_level(side, links)
        levels += 1
    return search, levels


CHAIN = {(1, 2): 3, (2, 3): 1, (3, 4): 2, (4, 5): 1, (10, 11): 1}


def test_a_connected_pair_gets_the_shortest_path_with_shared_papers():
    search, levels = _search(CHAIN, 1, 5)
    assert search.path() == [(1, None), (2, 3), (3, 1), (4, 2), (5, 1)]
    assert levels <= 4


def test_the_path_can_be_read_from_either_end():
    search, _ = _search(CHAIN, 5, 1)
    assert [author for author, _ in search.path()] == [5, 4, 3, 2, 1]


def test_an_unconnected_pair_ends_when_one_side_runs_out():
    search, _ = _search(CHAIN, 1, 10)
    assert search.path() == [] and search.exhausted


def test_a_path_longer_than_the_hop_limit_is_not_found():
    search, _ = _search(CHAIN, 1, 5, max_hops=3)
    assert search.path() == [] and search.out_of_hops and not search.exhausted


def test_equal_paths_are_broken_by_author_id():
    diamond = {(1, 7): 1, (1, 3): 1, (7, 9): 1, (3, 9): 1}
    search, _ = _search(diamond, 1, 9)
    assert [author for author, _ in search.path()] == [1, 3, 9]


def test_shortest_path_wins_over_a_meeting_found_first_on_a_longer_route():
    # 1-2-3-4-5 and a shortcut 1-6-5: the answer must be the two-hop route.
    edges = {(1, 2): 1, (2, 3): 1, (3, 4): 1, (4, 5): 1, (1, 6): 1, (5, 6): 1}
    search, _ = _search(edges, 1, 5)
    assert [author for author, _ in search.path()] == [1, 6, 5]


def test_from_an_author_to_themselves_is_zero_hops():
    search, levels = _search(CHAIN, 3, 3)
    assert search.path() == [(3, None)] and levels == 0
