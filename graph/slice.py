"""The graph slice: a typed ego network around one author, ranked, capped and laid out.

Pure code: it takes plain values (a ``Neighbourhood`` loaded by ``graph.selectors``) and returns
JSON-ready dicts, so it is tested without a database. The rules are described for people in
``docs/graph.md``; keep the two in step.

Nodes are people, papers, topics and institutions, identified as ``"<kind>:<slug>"``. Edges:

- ``collaborated`` person–person, weight = shared papers (``close`` when at least
  ``CLOSE_COLLABORATOR_MIN_SHARED``, the rule the trust snapshot uses too);
- ``authored`` person–paper, weight 1;
- ``about`` paper–topic, weight 1 when the source stated the topic, 0.5 when it was inferred;
- ``affiliated`` person–institution, weight = how many of the loaded authorships (or the
  profile itself) name that institution.

Ranking weight of a node ``v``: ``sum(w(u, v) * 2 ** -d(u))`` over its neighbours ``u`` in the
ego network, where ``d(u)`` is the hop distance of ``u`` from the focus (0 for the focus). A
collaborator therefore counts their shared papers in full plus half of every other link into
the focus's immediate circle; a topic counts half a point per focus paper about it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx

from common import errors

PERSON, PAPER, TOPIC, INSTITUTION = "person", "paper", "topic", "institution"
KINDS = (PERSON, PAPER, TOPIC, INSTITUTION)
KIND_NAMES = {PERSON: "Researcher", PAPER: "Paper", TOPIC: "Topic", INSTITUTION: "Institution"}

COLLABORATED, AUTHORED, ABOUT, AFFILIATED = "collaborated", "authored", "about", "affiliated"
INFERRED_TOPIC_WEIGHT = 0.5

MAX_RADIUS = 2
DEFAULT_RADIUS = 2
DEFAULT_MAX_NODES = 40
MIN_MAX_NODES = 5
MAX_MAX_NODES = 300
# The sizes a request may ask for (by name, or as max_nodes): a handful of cache entries per
# author instead of one per number (build_slice itself takes any budget in the bounds above).
SLICE_SIZES = {"small": 20, "medium": 40, "large": 60, "full": 300}

# Share of the node budget each kind is promised when it has enough candidates, so a slice
# shows all four kinds instead of forty collaborators; what a kind leaves unused goes to the
# best remaining nodes of any kind.
KIND_SHARES = {PERSON: 0.4, PAPER: 0.3, TOPIC: 0.15, INSTITUTION: 0.15}

# Layout: kinds sit in their own sectors of a circle around the focus, clockwise from the left.
SECTOR_ORDER = (INSTITUTION, PERSON, PAPER, TOPIC)
LAYOUT_MIN_RADIUS = 170.0
LAYOUT_NODE_SPACING = 28.0  # arc length between neighbouring nodes on the ring
LAYOUT_OUTER_STEP = 50.0  # nodes two hops away sit this much further out


@dataclass(frozen=True)
class Person:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class PaperInfo:
    id: int
    slug: str
    title: str
    year: int | None


@dataclass(frozen=True)
class TopicInfo:
    id: int
    slug: str
    name: str
    code: str


@dataclass(frozen=True)
class InstitutionInfo:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class Collaboration:
    first_id: int
    second_id: int
    shared_papers: int
    first_year: int | None
    last_year: int | None


@dataclass
class Neighbourhood:
    """Everything the slice may show, as loaded from the database (ids are database ids)."""

    focus: Person
    people: list[Person] = field(default_factory=list)
    collaborations: list[Collaboration] = field(default_factory=list)
    papers: list[PaperInfo] = field(default_factory=list)
    authorships: list[tuple[int, int]] = field(default_factory=list)  # (paper id, author id)
    topics: list[TopicInfo] = field(default_factory=list)
    paper_topics: list[tuple[int, int, bool]] = field(default_factory=list)  # (paper, topic, inferred)
    institutions: list[InstitutionInfo] = field(default_factory=list)
    affiliations: list[tuple[int, int, int]] = field(default_factory=list)  # (author, institution, times)


class SliceLimitError(errors.InvalidInput, ValueError):
    """A request for a slice outside the allowed radius or size."""


# --- nodes and edges as JSON-ready dicts (shared with the neighbours API) --------------------


def node_id(kind: str, slug: str) -> str:
    return f"{kind}:{slug}"


def parse_node_id(value: str) -> tuple[str, str] | None:
    kind, _, slug = (value or "").partition(":")
    if kind not in KINDS or not slug:
        return None
    return kind, slug


def person_node(person: Person) -> dict:
    return {"id": node_id(PERSON, person.slug), "kind": PERSON, "slug": person.slug, "label": person.name}


def paper_node(paper: PaperInfo) -> dict:
    return {
        "id": node_id(PAPER, paper.slug),
        "kind": PAPER,
        "slug": paper.slug,
        "label": paper.title or "Untitled paper",
        "year": paper.year,
    }


def topic_node(topic: TopicInfo) -> dict:
    return {
        "id": node_id(TOPIC, topic.slug),
        "kind": TOPIC,
        "slug": topic.slug,
        "label": topic.name,
        "code": topic.code,
    }


def institution_node(institution: InstitutionInfo) -> dict:
    return {
        "id": node_id(INSTITUTION, institution.slug),
        "kind": INSTITUTION,
        "slug": institution.slug,
        "label": institution.name,
    }


def edge(kind: str, first: str, second: str, weight: float, **attributes) -> dict:
    """An undirected edge; its id does not depend on the order of the endpoints."""
    source, target = sorted((first, second))
    return {
        "id": f"{source}|{target}",
        "kind": kind,
        "source": source,
        "target": target,
        "weight": weight,
        **attributes,
    }


def about_edge(paper: str, topic: str, *, inferred: bool, year: int | None) -> dict:
    return edge(ABOUT, paper, topic, INFERRED_TOPIC_WEIGHT if inferred else 1, inferred=inferred, year=year)


def collaboration_edge(first: str, second: str, collaboration: Collaboration, close_min_shared: int) -> dict:
    return edge(
        COLLABORATED,
        first,
        second,
        collaboration.shared_papers,
        first_year=collaboration.first_year,
        last_year=collaboration.last_year,
        close=collaboration.shared_papers >= close_min_shared,
    )


# --- building the slice ----------------------------------------------------------------------


def build_graph(neighbourhood: Neighbourhood, *, close_min_shared: int) -> nx.Graph:
    """The whole loaded neighbourhood as a typed networkx graph (node data = JSON node dicts)."""
    graph = nx.Graph()
    people = {person.id: person_node(person) for person in [neighbourhood.focus, *neighbourhood.people]}
    papers = {paper.id: paper_node(paper) for paper in neighbourhood.papers}
    topics = {topic.id: topic_node(topic) for topic in neighbourhood.topics}
    institutions = {item.id: institution_node(item) for item in neighbourhood.institutions}
    for table in (people, papers, topics, institutions):
        graph.add_nodes_from((node["id"], node) for node in table.values())
    links: list[dict] = []
    connect = links.append

    for collaboration in neighbourhood.collaborations:
        first, second = people.get(collaboration.first_id), people.get(collaboration.second_id)
        if first and second and first is not second:
            connect(collaboration_edge(first["id"], second["id"], collaboration, close_min_shared))
    for paper_id, author_id in neighbourhood.authorships:
        paper, person = papers.get(paper_id), people.get(author_id)
        if paper and person:
            connect(edge(AUTHORED, person["id"], paper["id"], 1, year=paper["year"]))
    for paper_id, topic_id, inferred in neighbourhood.paper_topics:
        paper, topic = papers.get(paper_id), topics.get(topic_id)
        if paper and topic:
            connect(about_edge(paper["id"], topic["id"], inferred=inferred, year=paper["year"]))
    for author_id, institution_id, times in neighbourhood.affiliations:
        person, institution = people.get(author_id), institutions.get(institution_id)
        if person and institution:
            connect(edge(AFFILIATED, person["id"], institution["id"], times))
    graph.add_edges_from((link["source"], link["target"], link) for link in links)
    return graph


def rank_weights(graph: nx.Graph, distance: dict[str, int]) -> dict[str, float]:
    """Ranking weight of every node: its links weighted by 2**-distance of the node at the other end."""
    factor = {node: 2.0**-hops for node, hops in distance.items()}
    weights = {}
    # adjacency() gives networkx's own neighbour dicts: walking graph[node] builds a view per node.
    for node, neighbours in graph.adjacency():
        weights[node] = round(sum(data["weight"] * factor[other] for other, data in neighbours.items()), 6)
    return weights


def _rank_key(graph: nx.Graph, distance: dict[str, int], weights: dict[str, float]):
    def key(node: str):
        data = graph.nodes[node]
        return (distance[node], -weights[node], -(data.get("year") or 0), KINDS.index(data["kind"]), node)

    return key


def select_nodes(
    graph: nx.Graph, focus: str, distance: dict[str, int], weights: dict[str, float], max_nodes: int
) -> list[str]:
    """The focus plus the best-ranked nodes, each kind promised its share, every node attached.

    A node is only taken when one of its neighbours nearer to the focus was taken already, so
    the slice never shows a topic whose papers were all cut.
    """
    budget = max_nodes - 1
    quota = {kind: math.floor(budget * share) for kind, share in KIND_SHARES.items()}
    candidates = sorted((node for node in graph if node != focus), key=_rank_key(graph, distance, weights))
    kept = {focus}
    order = [focus]

    adjacency = dict(graph.adjacency())

    def attached(node: str) -> bool:
        return any(n in kept and distance[n] < distance[node] for n in adjacency[node])

    for node in candidates:
        kind = graph.nodes[node]["kind"]
        if quota[kind] > 0 and len(kept) < max_nodes and attached(node):
            kept.add(node)
            order.append(node)
            quota[kind] -= 1
    for node in candidates:
        if len(kept) >= max_nodes:
            break
        if node not in kept and attached(node):
            kept.add(node)
            order.append(node)
    return order


def sector_layout(nodes: list[tuple[str, str, int]]) -> dict[str, dict]:
    """Deterministic positions: the focus at the centre, every kind in its own sector of a ring.

    ``nodes`` is ``(id, kind, distance)`` in rank order, the focus first. Nodes two hops away
    sit on a slightly larger ring; the ring grows with the number of nodes so that they keep
    ``LAYOUT_NODE_SPACING`` apart. Angles are in degrees, clockwise from the positive x axis
    (screen coordinates, y down).
    """
    positions = {nodes[0][0]: {"x": 0.0, "y": 0.0, "angle": 0.0}} if nodes else {}
    by_kind = {kind: [item for item in nodes[1:] if item[1] == kind] for kind in SECTOR_ORDER}
    count = sum(len(items) for items in by_kind.values())
    if not count:
        return positions
    sectors = [kind for kind in SECTOR_ORDER if by_kind[kind]]
    gaps = len(sectors) if len(sectors) > 1 else 0
    slot = 2 * math.pi / (count + gaps)
    radius = max(LAYOUT_MIN_RADIUS, count * LAYOUT_NODE_SPACING / (2 * math.pi))
    # Rotate so that the people's sector (or the first one present) is centred at the top.
    anchor = PERSON if by_kind[PERSON] else sectors[0]
    before = 0
    for kind in sectors:
        if kind == anchor:
            break
        before += len(by_kind[kind]) + 1
    start = -math.pi / 2 - (before + len(by_kind[anchor]) / 2) * slot
    cursor = 0
    for kind in sectors:
        for item_id, _, item_distance in by_kind[kind]:
            angle = start + (cursor + 0.5) * slot
            ring = radius + (LAYOUT_OUTER_STEP if item_distance > 1 else 0.0)
            positions[item_id] = {
                "x": round(ring * math.cos(angle), 1),
                "y": round(ring * math.sin(angle), 1),
                "angle": round(math.degrees(angle) % 360, 1),
            }
            cursor += 1
        cursor += 1 if gaps else 0
    return positions


def check_limits(*, radius: int, max_nodes: int) -> None:
    if not 1 <= radius <= MAX_RADIUS:
        raise SliceLimitError(f"radius must be between 1 and {MAX_RADIUS}")
    if not MIN_MAX_NODES <= max_nodes <= MAX_MAX_NODES:
        raise SliceLimitError(f"max_nodes must be between {MIN_MAX_NODES} and {MAX_MAX_NODES}")


def slice_size(*, size: str | None = None, max_nodes: str | None = None) -> int:
    """The node budget for a request's ``size`` name or ``max_nodes`` number (one of SLICE_SIZES)."""
    sizes = ", ".join(f"{name} ({count})" for name, count in SLICE_SIZES.items())
    if size:
        if size not in SLICE_SIZES:
            raise SliceLimitError(f"size must be one of {sizes}")
        return SLICE_SIZES[size]
    if max_nodes in (None, ""):
        return DEFAULT_MAX_NODES
    if not str(max_nodes).isdigit() or int(max_nodes) not in SLICE_SIZES.values():
        raise SliceLimitError(f"max_nodes must be one of {', '.join(map(str, SLICE_SIZES.values()))}")
    return int(max_nodes)


def build_slice(
    neighbourhood: Neighbourhood,
    *,
    radius: int = DEFAULT_RADIUS,
    max_nodes: int = DEFAULT_MAX_NODES,
    close_min_shared: int,
) -> dict:
    """The slice as a JSON-ready dict: focus, nodes (ranked, positioned), edges, counts, limits."""
    check_limits(radius=radius, max_nodes=max_nodes)
    graph = build_graph(neighbourhood, close_min_shared=close_min_shared)
    focus = node_id(PERSON, neighbourhood.focus.slug)
    distance = nx.single_source_shortest_path_length(graph, focus, cutoff=radius)
    # The ego network, pruned in place: networkx's subgraph views are slow to walk repeatedly.
    graph.remove_nodes_from([node for node in graph if node not in distance])
    ego = graph
    weights = rank_weights(ego, distance)
    order = select_nodes(ego, focus, distance, weights, max_nodes)
    positions = sector_layout([(node, ego.nodes[node]["kind"], distance[node]) for node in order])
    kept = ego.subgraph(order)

    nodes = []
    for rank, node in enumerate(order):
        nodes.append(
            {
                **ego.nodes[node],
                "distance": distance[node],
                "weight": weights[node],
                "rank": rank,
                **positions[node],
            }
        )
    focus_edges = {neighbour: data for neighbour, data in kept[focus].items()}
    for item in nodes:
        link = focus_edges.get(item["id"])
        if item["kind"] == PERSON and link and link["kind"] == COLLABORATED:
            item.update(
                shared_papers=link["weight"],
                first_year=link["first_year"],
                last_year=link["last_year"],
                close=link["close"],
            )
    edges = sorted((data for _, _, data in kept.edges(data=True)), key=lambda data: data["id"])
    counts = {kind: {"shown": 0, "available": 0} for kind in KINDS}
    for node in ego:
        counts[ego.nodes[node]["kind"]]["available"] += 1
    for node in order:
        counts[ego.nodes[node]["kind"]]["shown"] += 1
    counts[PERSON]["available"] -= 1  # the focus is not a neighbour of itself
    counts[PERSON]["shown"] -= 1
    return {
        "focus": focus,
        "nodes": nodes,
        "edges": [dict(data) for data in edges],
        "counts": counts,
        "limits": {"radius": radius, "max_nodes": max_nodes, "close_min_shared": close_min_shared},
    }


def nodes_by_kind(slice_data: dict) -> dict[str, list[dict]]:
    """The slice's nodes other than the focus, grouped by kind in rank order (for text lists)."""
    groups: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    for node in slice_data["nodes"]:
        if node["id"] != slice_data["focus"]:
            groups[node["kind"]].append(node)
    return groups
