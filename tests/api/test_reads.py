"""The read endpoints: what a program gets back, in pages, filtered, with fixed query counts."""

from __future__ import annotations

import pytest

from accounts.models import Claim
from graph import selectors as graph_selectors
from papers.models import Paper
from profiles.models import Author, AuthorAlias
from tests.api.conftest import build_world, client_for, make_author, make_user


@pytest.fixture
def api():
    return client_for()


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


# --- authors -------------------------------------------------------------------------------


def test_author_search_matches_aliases_and_filters_combine(world, api):
    AuthorAlias.objects.create(
        author=world.coauthors[1], name="C. B. Nickname", normalized_name="c b nickname"
    )

    assert slugs(api.get("/api/v1/authors/?q=hashimoto tatsunori")) == [world.author.slug]
    assert slugs(api.get("/api/v1/authors/?q=nickname")) == [world.coauthors[1].slug]
    assert slugs(api.get("/api/v1/authors/?institution=stanford")) == [world.author.slug]
    on_topic = slugs(api.get(f"/api/v1/authors/?topic={world.topic.slug}&ordering=-works"))
    assert on_topic[0] == world.author.slug and world.stranger.slug not in on_topic
    assert slugs(api.get("/api/v1/authors/?min_works=13")) == [world.author.slug]
    assert slugs(api.get("/api/v1/authors/?claimed=true")) == []


def test_author_pages_are_stable_when_sort_keys_tie(world, api):
    for index in range(9):
        make_author(f"Same Name {index}")  # all with 0 works: one long tie under ordering=works
    expected = api.get("/api/v1/authors/?ordering=works&page_size=100").json()["results"]
    seen = []
    page = "/api/v1/authors/?ordering=works&page_size=4"
    while page:
        body = api.get(page).json()
        seen += body["results"]
        page = body["next"]
    assert [item["slug"] for item in seen] == [item["slug"] for item in expected]
    assert len({item["slug"] for item in seen}) == Author.objects.count()


def test_bad_filter_values_answer_400_with_the_field(world, api):
    response = api.get("/api/v1/authors/?verification_level=9&ordering=sideways")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert set(body["fields"]) == {"verification_level", "ordering"}
    assert api.get("/api/v1/authors/?page=999").json()["code"] == "not_found"


def test_author_detail_has_trust_breakdown_counts_and_export_links(world, api, django_user_model):
    Claim.objects.create(
        user=make_user(django_user_model, "claimant"), author=world.author, evidence_text="me"
    )

    body = api.get(f"/api/v1/authors/{world.author.slug}/").json()

    assert body["display_name"] == "Tatsunori B. Hashimoto"
    assert body["aliases"] == ["Tatsunori Hashimoto"]
    assert body["institution"]["slug"] == "stanford"
    assert body["claim_status"] == "pending"
    assert body["counts"] == {"works": 30, "followers": 0, "topics": 1, "close_collaborators": 5}
    trust = body["trust"]
    assert 0 <= trust["score"] <= 100 and trust["label"]
    assert sum(component["points"] for component in trust["components"]) == trust["score"]
    assert {component["key"] for component in trust["components"]} >= {"verification", "publications"}
    for export, kind in (("bibtex", "bib"), ("csl_json", "csl.json"), ("csv", "csv")):
        assert body["exports"][export] == f"http://testserver/api/v1/authors/{world.author.slug}/works.{kind}"
        assert api.get(body["exports"][export]).status_code == 200


def test_merged_author_redirects_permanently(world, api):
    old = make_author("Tatsunori Hashimoto Duplicate")
    old.merged_into = world.author
    old.save()

    response = api.get(f"/api/v1/authors/{old.slug}/works/?page=2")

    assert response.status_code == 301
    assert response["Location"] == f"http://testserver/api/v1/authors/{world.author.slug}/works/"
    assert response.json()["code"] == "moved_permanently"


def test_works_are_paginated_newest_first_with_their_authors(world, api):
    body = api.get(f"/api/v1/authors/{world.author.slug}/works/?page_size=5").json()
    assert body["count"] == 30
    years = [item["year"] for item in body["results"]]
    assert years == sorted(years, reverse=True)
    first = body["results"][0]
    assert [author["author"]["slug"] for author in first["authors"]][0] == world.author.slug
    assert first["date"] == f"{first['year']}-{int(first['date'][5:]):02d}"
    assert api.get(f"/api/v1/authors/{world.author.slug}/works/?year=2001").json()["count"] == 2


def test_works_page_query_count_does_not_grow_with_the_author(db, api, django_assert_max_num_queries):
    world = build_world(papers=200, coauthors=20)
    # Session/auth lookups aside: the author, the count, the page, its authorships.
    with django_assert_max_num_queries(4):
        response = api.get(f"/api/v1/authors/{world.author.slug}/works/?page_size=100")
    assert len(response.json()["results"]) == 100
    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/authors/?page_size=100")
    assert response.json()["count"] == 22
    with django_assert_max_num_queries(3):
        assert len(api.get("/api/v1/papers/?page_size=100").json()["results"]) == 100
    with django_assert_max_num_queries(3):  # the author, the papers, their authorships
        assert api.get(f"/api/v1/authors/{world.author.slug}/works.bib").content.count(b"\n@") == 200
    with django_assert_max_num_queries(4):  # ... and their topics
        api.get(f"/api/v1/authors/{world.author.slug}/works.csv")


# --- papers, topics, institutions ----------------------------------------------------------


def test_paper_list_filters_and_detail(world, api):
    assert api.get("/api/v1/papers/?year_min=2020&year_max=2021").json()["count"] == 2
    assert api.get(f"/api/v1/papers/?author={world.coauthors[0].slug}").json()["count"] == 12
    assert api.get("/api/v1/papers/?q=number 13").json()["count"] == 1
    paper = world.papers[0]
    body = api.get(f"/api/v1/papers/{paper.slug}/").json()
    assert body["title"] == paper.title
    assert [topic["topic"]["code"] for topic in body["topics"]] == ["cs.CL"]
    assert body["arxiv_id"] == "2301.00000"
    assert api.get("/api/v1/papers/no-such-paper/").status_code == 404


def test_similar_papers_without_embeddings_fall_back_to_shared_links(world, api):
    body = api.get(f"/api/v1/papers/{world.papers[0].slug}/similar/?limit=3").json()
    assert len(body["results"]) == 3
    assert all(item["basis"] == "links" and item["similarity"] is None for item in body["results"])
    assert all(item["shared_authors"] >= 1 for item in body["results"])
    assert world.papers[0].slug not in [item["paper"]["slug"] for item in body["results"]]


def test_topics_and_institutions(world, api):
    topic = api.get(f"/api/v1/topics/{world.topic.slug}/").json()
    assert (topic["code"], topic["paper_count"]) == ("cs.CL", 30)
    assert api.get(f"/api/v1/topics/{world.topic.slug}/papers/?page_size=1").json()["count"] == 30
    assert "cs-cl" in slugs(api.get("/api/v1/topics/?q=language"))
    institution = api.get("/api/v1/institutions/stanford/").json()
    assert (institution["name"], institution["author_count"]) == ("Stanford University", 1)
    assert slugs(api.get("/api/v1/institutions/stanford/authors/")) == [world.author.slug]


def test_search_finds_authors_by_alias_and_papers_by_words(world, api):
    body = api.get("/api/v1/search/?q=hashimoto&limit=5").json()
    assert [author["slug"] for author in body["authors"]] == [world.author.slug]
    papers = api.get("/api/v1/search/?q=language models&page_size=5").json()["papers"]
    assert papers["count"] == 30 and len(papers["results"]) == 5
    assert papers["next"].endswith("page=2") or "page=2" in papers["next"]
    assert any(segment["match"] for segment in papers["results"][0]["title_highlight"])
    assert api.get("/api/v1/search/?q=   ").json()["fields"]["q"]


# --- graph ---------------------------------------------------------------------------------


def test_graph_slice_and_neighbours(world, api):
    graph = api.get(f"/api/v1/graph/authors/{world.author.slug}/slice/?max_nodes=20").json()
    assert graph["focus"] == f"person:{world.author.slug}"
    assert len(graph["nodes"]) <= 20
    assert {node["kind"] for node in graph["nodes"]} >= {"person", "paper"}
    assert graph["nodes"][0]["url"] == f"http://testserver/authors/{world.author.slug}/"
    too_big = api.get(f"/api/v1/graph/authors/{world.author.slug}/slice/?max_nodes=100000")
    assert too_big.status_code == 400 and "max_nodes" in too_big.json()["fields"]

    neighbours = api.get(f"/api/v1/graph/person/{world.author.slug}/neighbours/?limit=3").json()
    assert neighbours["node"]["id"] == f"person:{world.author.slug}"
    topic = api.get(f"/api/v1/graph/topic/{world.topic.slug}/neighbours/?limit=2").json()
    assert [node["kind"] for node in topic["nodes"]].count("paper") == 2
    assert api.get("/api/v1/graph/planet/mars/neighbours/").status_code == 404


def test_graph_path_connected_unconnected_and_refused(world, api, monkeypatch):
    first, last = world.coauthors[0], world.coauthors[2]  # never on one paper; both with the author
    path = api.get(f"/api/v1/graph/path/?source={first.slug}&target={last.slug}").json()
    assert path["connected"] is True and path["hops"] == 2
    assert [node["slug"] for node in path["nodes"]] == [first.slug, world.author.slug, last.slug]
    assert [edge["kind"] for edge in path["edges"]] == ["collaborated", "collaborated"]

    lonely = api.get(f"/api/v1/graph/path/?source={world.author.slug}&target={world.stranger.slug}").json()
    assert (lonely["connected"], lonely["hops"], lonely["nodes"]) == (False, None, [])

    too_far = api.get(f"/api/v1/graph/path/?source={first.slug}&target={last.slug}&max_hops=50")
    assert too_far.status_code == 400 and "max_hops" in too_far.json()["fields"]

    monkeypatch.setattr(graph_selectors, "PATH_MAX_VISITED", 1)
    refused = api.get(f"/api/v1/graph/path/?source={world.author.slug}&target={world.stranger.slug}")
    assert refused.status_code == 422
    assert refused.json()["code"] == "too_large"


# --- errors --------------------------------------------------------------------------------


def test_unknown_api_paths_answer_json(db, api):
    for path in ("/api/v1/nothing-here", "/api/v1/authors/a b/", "/api/v1/claims/-1/"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json() == {
            "status": 404,
            "code": "not_found",
            "message": "No such API endpoint; see /api/docs/.",
            "fields": {},
        }


def test_method_not_allowed_has_the_same_body(db, api):
    response = api.put("/api/v1/authors/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert Paper.objects.count() == 0
