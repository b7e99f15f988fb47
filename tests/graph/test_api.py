"""The graph API (/api/v1/graph/..., which the explorer uses) and the graph pages: slices,
neighbours, search, paths, explorer, profile section."""

import pytest
from django.urls import reverse

from graph import selectors
from profiles.models import Author
from tests.graph import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return helpers.small_world()


def _slice(client, slug, **params):
    return client.get(reverse("api:graph-slice", args=[slug]), params)


def _ids(data, kind=None):
    return {node["id"] for node in data["nodes"] if kind is None or node["kind"] == kind}


def test_the_slice_api_returns_the_four_kinds_with_links_to_their_pages(client, world):
    response = _slice(client, "ada-lovelace")
    assert response.status_code == 200
    data = response.json()
    assert data["focus"] == "person:ada-lovelace"
    assert _ids(data, "person") == {
        "person:ada-lovelace",
        "person:bob-babbage",
        "person:cy-clarke",
        "person:dan-dijkstra",
    }
    assert "person:eve-easley" not in _ids(data)  # two hops through people is beyond the slice
    assert _ids(data, "topic") == {"topic:cs-lg", "topic:cs-cl"}
    assert _ids(data, "institution") == {"institution:stanford", "institution:cmu"}
    assert len(_ids(data, "paper")) == 4
    urls = {node["id"]: node["url"] for node in data["nodes"]}
    assert urls["person:bob-babbage"] == "http://testserver/authors/bob-babbage/"
    assert (
        urls[f"paper:{world['papers'][0].slug}"]
        == "http://testserver" + world["papers"][0].get_absolute_url()
    )
    bob = next(node for node in data["nodes"] if node["id"] == "person:bob-babbage")
    assert bob["shared_papers"] == 2 and bob["close"] is True


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"radius": "3"}, "Ensure this value is less than or equal to 2."),
        ({"max_nodes": "1000"}, '"1000" is not a valid choice.'),
        ({"max_nodes": "many"}, '"many" is not a valid choice.'),
        ({"max_nodes": "41"}, '"41" is not a valid choice.'),
        ({"size": "huge"}, '"huge" is not a valid choice.'),
    ],
)
def test_oversize_or_malformed_slice_requests_are_refused(client, world, params, message):
    response = _slice(client, "ada-lovelace", **params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"] == {next(iter(params)): [message]}


def test_unknown_authors_get_a_json_404(client, world):
    response = _slice(client, "nobody-at-all")
    assert response.status_code == 404
    assert (
        response.json()["code"] == "not_found" and response.json()["message"] == "No author with this slug."
    )


def test_a_merged_authors_slug_redirects_to_the_surviving_authors_slice(client, world):
    Author.objects.create(
        display_name="A. Lovelace", slug="a-lovelace", normalized_name="a lovelace", merged_into=world["ada"]
    )
    moved = _slice(client, "a-lovelace", size="small")
    assert moved.status_code == 301  # the query is not carried over, as for every merged author
    assert moved["Location"] == "http://testserver/api/v1/graph/authors/ada-lovelace/slice/"
    assert client.get(moved["Location"]).json()["focus"] == "person:ada-lovelace"


def _neighbours(client, kind, slug, **params):
    return client.get(f"/api/v1/graph/{kind}/{slug}/neighbours/", params)


def test_neighbours_of_each_kind(client, world):
    person = _neighbours(client, "person", "bob-babbage").json()
    assert person["node"]["id"] == "person:bob-babbage"
    assert {"person:ada-lovelace", "person:cy-clarke", "person:eve-easley", "institution:cmu"} <= _ids(person)
    assert len(_ids(person, "paper")) == 3

    paper = world["papers"][0]
    around_paper = _neighbours(client, "paper", paper.slug).json()
    assert _ids(around_paper, "person") == {"person:ada-lovelace", "person:bob-babbage", "person:cy-clarke"}
    assert _ids(around_paper, "topic") == {"topic:cs-lg"}
    assert "institution:cmu" in _ids(around_paper)
    assert {"source": "institution:cmu", "target": "person:bob-babbage"}.items() <= next(
        edge for edge in around_paper["edges"] if edge["kind"] == "affiliated"
    ).items()

    topic = _neighbours(client, "topic", "cs-lg").json()
    assert len(_ids(topic, "paper")) == 2
    inferred = _neighbours(client, "topic", "cs-cl").json()
    assert sorted(edge["inferred"] for edge in inferred["edges"]) == [False, True]

    institution = _neighbours(client, "institution", "cmu").json()
    assert _ids(institution, "person") == {"person:bob-babbage"}
    stanford = _neighbours(client, "institution", "stanford").json()
    assert _ids(stanford, "person") == {"person:ada-lovelace"}  # from the profile's affiliation


def test_neighbours_respect_the_limit_and_refuse_bad_requests(client, world):
    limited = _neighbours(client, "person", "ada-lovelace", limit=1).json()
    assert len(_ids(limited, "person")) == 2  # itself and its top collaborator
    assert _neighbours(client, "person", "ada-lovelace", limit=0).status_code == 400
    assert _neighbours(client, "person", "ada-lovelace", limit=101).status_code == 400
    assert _neighbours(client, "planet", "mars").status_code == 404
    assert _neighbours(client, "topic", "no-such-topic").status_code == 404


def test_search_finds_every_kind_and_refuses_tiny_queries(client, world):
    url = reverse("api:graph-search")
    assert client.get(url, {"q": "a"}).status_code == 400
    assert client.get(url, {"q": "x" * 101}).status_code == 400
    people = client.get(url, {"q": "lovelace"}).json()["results"]
    assert [node["id"] for node in people] == ["person:ada-lovelace"]
    assert {node["kind"] for node in client.get(url, {"q": "engines"}).json()["results"]} == {"paper"}
    assert client.get(url, {"q": "machine learning"}).json()["results"][0]["id"] == "topic:cs-lg"
    assert client.get(url, {"q": "cmu"}).json()["results"][0]["id"] == "institution:cmu"


def _path(client, **params):
    return client.get(reverse("api:graph-path"), params)


def test_the_path_between_connected_authors(client, world):
    response = _path(client, **{"source": "ada-lovelace", "target": "eve-easley"})
    assert response.status_code == 200
    data = response.json()
    assert data["connected"] is True and data["hops"] == 2
    assert [node["label"] for node in data["nodes"]] == ["Ada Lovelace", "Bob Babbage", "Eve Easley"]
    assert [edge["weight"] for edge in data["edges"]] == [2, 1]
    assert data["nodes"][1]["url"] == "http://testserver/authors/bob-babbage/"


def test_the_path_between_unconnected_authors(client, world):
    data = _path(client, **{"source": "ada-lovelace", "target": "zed-zuse"}).json()
    assert data["connected"] is False and data["nodes"] == [] and data["searched"]["exhausted"] is True


def test_close_only_paths_use_close_collaborators_only(client, world):
    data = _path(client, **{"source": "ada-lovelace", "target": "eve-easley", "close_only": "1"}).json()
    assert data["connected"] is False  # Bob and Eve share a single paper
    data = _path(client, **{"source": "ada-lovelace", "target": "bob-babbage", "close_only": "1"}).json()
    assert data["connected"] is True and data["hops"] == 1


def test_path_requests_beyond_the_limits_get_a_clear_4xx(client, world, monkeypatch):
    too_far = _path(client, **{"source": "ada-lovelace", "target": "eve-easley", "max_hops": "7"})
    assert too_far.status_code == 400
    assert too_far.json()["fields"] == {"max_hops": ["Ensure this value is less than or equal to 6."]}
    assert _path(client, **{"source": "ada-lovelace"}).status_code == 400
    assert _path(client, **{"source": "ada-lovelace", "target": "nobody"}).status_code == 404

    monkeypatch.setattr(selectors, "PATH_MAX_VISITED", 3)
    too_big = _path(client, **{"source": "ada-lovelace", "target": "eve-easley"})
    assert too_big.status_code == 422
    assert too_big.json()["code"] == "too_large"
    assert too_big.json()["message"].startswith("the search reached more than 3 researchers")

    monkeypatch.setattr(selectors, "PATH_MAX_VISITED", 1000)
    monkeypatch.setattr(selectors, "PATH_TIME_LIMIT_SECONDS", 0.0)
    too_slow = _path(client, **{"source": "ada-lovelace", "target": "eve-easley"})
    assert too_slow.status_code == 422 and "took longer than" in too_slow.json()["message"]


def test_a_slow_level_query_is_cut_off_by_the_database_time_limit(client, world, monkeypatch):
    slow = "SELECT 1, 2, 1 FROM pg_sleep(2) WHERE %(frontier)s IS NOT NULL AND %(min_shared)s > 0"
    monkeypatch.setattr(selectors, "_PATH_LEVEL_SQL", slow)
    monkeypatch.setattr(selectors, "PATH_TIME_LIMIT_SECONDS", 0.2)
    response = _path(client, **{"source": "ada-lovelace", "target": "eve-easley"})
    assert response.status_code == 422 and "took longer than 0.2 seconds" in response.json()["message"]
    # The time limit was local to the search: the connection is usable and unlimited again.
    assert _path(client, **{"source": "ada-lovelace", "target": "nobody"}).status_code == 404


def test_only_get_is_allowed(client, world):
    assert client.post(reverse("api:graph-slice", args=["ada-lovelace"])).status_code == 405


def test_the_explorer_page_loads_cytoscape_and_knows_its_focus(client, world):
    page = client.get(reverse("graph:explorer"), {"focus": "ada-lovelace"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "vendor/cytoscape/cytoscape.min.js" in html and "graph/explorer.js" in html
    assert 'data-focus="ada-lovelace"' in html and "Ada Lovelace" in html
    # The explorer's script reads the one graph API.
    assert 'data-slice-url="/api/v1/graph/authors/SLUG/slice/"' in html
    assert 'data-neighbours-url="/api/v1/graph/person/SLUG/neighbours/"' in html
    assert 'data-search-url="/api/v1/graph/search/"' in html and 'data-path-url="/api/v1/graph/path/"' in html
    assert client.get(reverse("graph:explorer"), {"focus": "nobody"}).status_code == 404
    assert "Search for a researcher" in client.get(reverse("graph:explorer")).content.decode()


def test_the_cytoscape_file_is_served_as_a_static_file(client):
    from django.contrib.staticfiles import finders

    found = finders.find("vendor/cytoscape/cytoscape.min.js")
    assert found, "run `make install` (npm ci) to install Cytoscape.js"
    with open(found, encoding="utf-8") as handle:
        assert "cytoscape" in handle.read(2000).lower()


def test_the_slice_fragment_draws_every_node_and_lists_the_same_neighbours(client, world):
    html = client.get(reverse("graph:slice", args=["ada-lovelace"]), {"fragment": "1"}).content.decode()
    assert "<html" not in html and "<svg" in html
    for kind in ("person", "paper", "topic", "institution"):
        assert f'class="graph-node graph-node--{kind}' in html
    assert 'href="/authors/bob-babbage/"' in html
    assert "Collaborators" in html and "2 shared papers, 2019–2021 · close collaborator" in html
    assert "Researchers</li>" in html and "Institutions</li>" in html  # the legend
    # Imported text is escaped, in the drawing and in the list.
    assert "Counting <Machines>" not in html and "Counting &lt;Machines&gt;" in html


def test_the_slice_page_works_without_javascript(client, world):
    html = client.get(reverse("graph:slice", args=["ada-lovelace"])).content.decode()
    assert "<html" in html and "Around" in html and 'href="/authors/cy-clarke/"' in html


def test_the_profile_page_has_the_graph_section_that_loads_after_render(client, world):
    html = client.get(world["ada"].get_absolute_url()).content.decode()
    assert "See the researcher in context" in html
    assert 'href="/graph/?focus=ada-lovelace"' in html and "Open full explorer" in html
    assert 'data-graph-slice-url="/graph/authors/ada-lovelace/slice/?fragment=1"' in html
    assert "Building this graph slice…" in html
    assert "graph/profile_slice.js" in html
    assert "<svg" not in html.split('id="graph"')[1].split("</section>")[0]  # drawn later, not inline


def test_slice_sizes_are_named_and_share_cache_entries_with_their_numbers(client, world):
    by_name = _slice(client, "ada-lovelace", size="large")
    by_number = _slice(client, "ada-lovelace", max_nodes="60")
    assert by_name.status_code == by_number.status_code == 200
    assert by_name.json() == by_number.json()
    assert _slice(client, "ada-lovelace", max_nodes="59").status_code == 400  # was one more cache entry


def test_the_api_slice_takes_the_same_fixed_sizes(client, world):
    ok = client.get("/api/v1/graph/authors/ada-lovelace/slice/", {"size": "small"})
    assert ok.status_code == 200 and len(ok.json()["nodes"]) <= 20
    refused = client.get("/api/v1/graph/authors/ada-lovelace/slice/", {"max_nodes": "59"})
    assert refused.status_code == 400 and "max_nodes" in refused.json()["fields"]
