"""The slice builder (pure code): kinds, radius, ranking, caps, attachment, layout, determinism."""

import math
import random

import pytest

from graph.slice import (
    INSTITUTION,
    PAPER,
    PERSON,
    TOPIC,
    Collaboration,
    InstitutionInfo,
    Neighbourhood,
    PaperInfo,
    Person,
    SliceLimitError,
    TopicInfo,
    build_slice,
)
from graph.svg import svg_scene

CLOSE = 2


def _neighbourhood() -> Neighbourhood:
    """Focus 1 with collaborators 2 (2 papers), 3 (1 paper); 3 is also linked to 2."""
    return Neighbourhood(
        focus=Person(1, "ada", "Ada"),
        people=[Person(2, "bob", "Bob"), Person(3, "cy", "Cy")],
        collaborations=[
            Collaboration(1, 2, 2, 2019, 2021),
            Collaboration(1, 3, 1, 2023, 2023),
            Collaboration(2, 3, 1, 2019, 2019),
        ],
        papers=[PaperInfo(10, "p10", "Engines", 2019), PaperInfo(11, "p11", "Notes", 2021)],
        authorships=[(10, 1), (10, 2), (10, 3), (11, 1), (11, 2)],
        topics=[
            TopicInfo(20, "cs-lg", "Machine Learning", "cs.LG"),
            TopicInfo(21, "cs-cl", "Language", "cs.CL"),
        ],
        paper_topics=[(10, 20, False), (11, 20, False), (11, 21, True)],
        institutions=[InstitutionInfo(30, "stanford", "Stanford"), InstitutionInfo(31, "cmu", "CMU")],
        affiliations=[(1, 30, 1), (2, 31, 1)],
    )


def _by_id(data: dict) -> dict:
    return {node["id"]: node for node in data["nodes"]}


def test_the_slice_holds_the_four_kinds_around_the_focus():
    data = build_slice(_neighbourhood(), close_min_shared=CLOSE)
    nodes = _by_id(data)
    assert data["focus"] == "person:ada" and data["nodes"][0]["id"] == "person:ada"
    assert {node["kind"] for node in data["nodes"]} == {PERSON, PAPER, TOPIC, INSTITUTION}
    assert set(nodes) == {
        "person:ada",
        "person:bob",
        "person:cy",
        "paper:p10",
        "paper:p11",
        "topic:cs-lg",
        "topic:cs-cl",
        "institution:stanford",
        "institution:cmu",
    }
    assert nodes["topic:cs-lg"]["distance"] == 2 and nodes["institution:stanford"]["distance"] == 1
    assert data["counts"][PERSON] == {"shown": 2, "available": 2}


def test_close_collaborators_follow_the_shared_paper_rule():
    nodes = _by_id(build_slice(_neighbourhood(), close_min_shared=CLOSE))
    assert nodes["person:bob"]["close"] is True and nodes["person:bob"]["shared_papers"] == 2
    assert nodes["person:cy"]["close"] is False
    assert (nodes["person:bob"]["first_year"], nodes["person:bob"]["last_year"]) == (2019, 2021)


def test_radius_one_keeps_only_direct_neighbours():
    nodes = _by_id(build_slice(_neighbourhood(), radius=1, close_min_shared=CLOSE))
    assert "topic:cs-lg" not in nodes and "institution:cmu" not in nodes
    assert {"person:bob", "paper:p10", "institution:stanford"} <= set(nodes)


def test_ranking_weight_is_the_documented_formula():
    nodes = _by_id(build_slice(_neighbourhood(), close_min_shared=CLOSE))
    # Bob: 2 shared papers with Ada (x1) + link to Cy (1 x 1/2) + two papers (2 x 1 x 1/2)
    # + CMU, two hops away (1 x 1/4).
    assert nodes["person:bob"]["weight"] == pytest.approx(2 + 0.5 + 1 + 0.25)
    # Machine Learning: two papers one hop away, stated (2 x 1 x 1/2); Language is inferred (0.5 x 1/2).
    assert nodes["topic:cs-lg"]["weight"] == pytest.approx(1.0)
    assert nodes["topic:cs-cl"]["weight"] == pytest.approx(0.25)
    assert nodes["person:bob"]["rank"] < nodes["person:cy"]["rank"]


def _crowd(people: int = 100, papers: int = 60, topics: int = 12, places: int = 12) -> Neighbourhood:
    neighbourhood = Neighbourhood(focus=Person(1, "focus", "Focus"))
    for index in range(people):
        neighbourhood.people.append(Person(1000 + index, f"p{index}", f"Person {index}"))
        neighbourhood.collaborations.append(Collaboration(1, 1000 + index, 1 + index % 5, 2010, 2020))
        neighbourhood.affiliations.append((1000 + index, 3000 + index % places, 1))
    for index in range(papers):
        neighbourhood.papers.append(PaperInfo(2000 + index, f"w{index}", f"Work {index}", 2000 + index % 20))
        neighbourhood.authorships += [(2000 + index, 1), (2000 + index, 1000 + index % people)]
        neighbourhood.paper_topics.append((2000 + index, 4000 + index % topics, False))
    neighbourhood.topics = [TopicInfo(4000 + i, f"t{i}", f"Topic {i}", f"x.{i}") for i in range(topics)]
    neighbourhood.institutions = [InstitutionInfo(3000 + i, f"i{i}", f"Place {i}") for i in range(places)]
    return neighbourhood


def test_the_size_cap_keeps_every_kind_and_every_node_attached():
    data = build_slice(_crowd(), max_nodes=40, close_min_shared=CLOSE)
    assert len(data["nodes"]) == 40
    kinds = [node["kind"] for node in data["nodes"][1:]]
    assert kinds.count(PERSON) >= 15 and kinds.count(PAPER) >= 11
    assert kinds.count(TOPIC) >= 5 and kinds.count(INSTITUTION) >= 5
    distance = {node["id"]: node["distance"] for node in data["nodes"]}
    neighbours: dict[str, set] = {node_id: set() for node_id in distance}
    for item in data["edges"]:
        neighbours[item["source"]].add(item["target"])
        neighbours[item["target"]].add(item["source"])
    for node_id, hops in distance.items():
        if node_id != data["focus"]:
            assert any(distance[other] < hops for other in neighbours[node_id]), node_id
    assert data["counts"][PERSON] == {"shown": kinds.count(PERSON), "available": 100}


def test_a_topic_whose_papers_were_all_cut_is_left_out():
    neighbourhood = _crowd(people=30, papers=30, topics=30, places=2)
    data = build_slice(neighbourhood, max_nodes=12, close_min_shared=CLOSE)
    kept = set(_by_id(data))
    for item in data["nodes"]:
        if item["kind"] == TOPIC:
            papers = {
                f"paper:w{p - 2000}"
                for p, t, _ in neighbourhood.paper_topics
                if f"topic:t{t - 4000}" == item["id"]
            }
            assert papers & kept


def test_the_same_data_in_any_order_gives_the_same_slice():
    first = build_slice(_crowd(), close_min_shared=CLOSE)
    shuffled = _crowd()
    generator = random.Random(7)
    for name in (
        "people",
        "collaborations",
        "papers",
        "authorships",
        "topics",
        "paper_topics",
        "institutions",
        "affiliations",
    ):
        generator.shuffle(getattr(shuffled, name))
    assert build_slice(shuffled, close_min_shared=CLOSE) == first


def test_layout_puts_each_kind_in_its_own_sector_with_room_between_nodes():
    data = build_slice(_crowd(), max_nodes=60, close_min_shared=CLOSE)
    nodes = data["nodes"]
    assert (nodes[0]["x"], nodes[0]["y"]) == (0.0, 0.0)
    points = [(node["x"], node["y"]) for node in nodes]
    closest = min(math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1 :])
    assert closest >= 20
    # Walking round the ring, the kind changes only once per sector.
    ring = sorted(nodes[1:], key=lambda node: node["angle"])
    changes = sum(1 for a, b in zip(ring, ring[1:] + ring[:1], strict=True) if a["kind"] != b["kind"])
    assert changes == 4
    people_angles = [node["angle"] for node in nodes if node["kind"] == PERSON and node["distance"]]
    assert 200 < sum(people_angles) / len(people_angles) < 340  # the people sit at the top


@pytest.mark.parametrize(("radius", "max_nodes"), [(0, 40), (3, 40), (2, 4), (2, 301)])
def test_requests_outside_the_limits_are_refused(radius, max_nodes):
    with pytest.raises(SliceLimitError):
        build_slice(_neighbourhood(), radius=radius, max_nodes=max_nodes, close_min_shared=CLOSE)


def test_an_author_with_nothing_around_them_is_a_lone_focus():
    data = build_slice(Neighbourhood(focus=Person(1, "solo", "Solo")), close_min_shared=CLOSE)
    assert [node["id"] for node in data["nodes"]] == ["person:solo"] and data["edges"] == []


def test_the_svg_scene_fits_every_node_and_shortens_long_labels():
    neighbourhood = _neighbourhood()
    neighbourhood.papers[0] = PaperInfo(
        10, "p10", "A very long title that will not fit on the ring at all", 2019
    )
    data = build_slice(neighbourhood, close_min_shared=CLOSE)
    scene = svg_scene(data)
    left, top, width, height = (float(value) for value in scene["view_box"].split())
    for node in scene["nodes"]:
        assert left < node["x"] < left + width and top < node["y"] < top + height
    long = next(node for node in scene["nodes"] if node["id"] == "paper:p10")
    assert long["short_label"].endswith("…") and len(long["short_label"]) <= 26
    assert [item["name"] for item in scene["legend"]] == ["Researchers", "Papers", "Topics", "Institutions"]
    assert len(scene["edges"]) == len(data["edges"])
