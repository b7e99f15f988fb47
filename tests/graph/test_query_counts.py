"""Pinned SQL query counts: the same for a small author and for one with 200 papers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.graph import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def small():
    return helpers.big_author(papers=3, collaborators=4, topics=2, institutions=2)


@pytest.fixture
def busy():
    return helpers.big_author(papers=200, collaborators=300, topics=20, institutions=10)


def _count(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:300]
    return len(context)


def test_slice_api_queries_are_fixed_cold_and_one_when_cached(client, small, busy):
    for author in (small, busy):
        url = reverse("api:graph-slice", args=[author.slug])
        # author; collaborators; links among them; papers; authorships; topics; affiliations
        assert _count(client, url) == 7
        assert _count(client, url) == 1
        assert _count(client, url, {"max_nodes": 300}) == 7  # another size is another entry
    data = client.get(reverse("api:graph-slice", args=[busy.slug]), {"max_nodes": 300}).json()
    assert len(data["nodes"]) == 300 and data["counts"]["person"]["available"] == 300


def test_slice_fragment_queries_are_fixed(client, small, busy):
    for author in (small, busy):
        url = reverse("graph:slice", args=[author.slug])
        assert _count(client, url, {"fragment": 1}) == 7
        assert _count(client, url, {"fragment": 1}) == 1


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("person", 4), ("paper", 4), ("topic", 2), ("institution", 2)],
)
def test_neighbour_queries_are_fixed_per_kind(client, small, busy, kind, expected):
    from papers.models import Paper, Topic

    counts = []
    for author in (small, busy):
        slug = {
            "person": author.slug,
            "paper": Paper.objects.filter(authorships__author=author).values_list("slug", flat=True).first(),
            "topic": Topic.objects.filter(papers__authorships__author=author)
            .values_list("slug", flat=True)
            .first(),
            "institution": author.institution.slug,
        }[kind]
        counts.append(_count(client, f"/api/v1/graph/{kind}/{slug}/neighbours/", {"limit": 100}))
    assert counts == [expected, expected]


def test_search_and_explorer_queries_are_fixed(client, small, busy):
    assert _count(client, reverse("api:graph-search"), {"q": "author"}) == 4
    assert _count(client, reverse("graph:explorer"), {"focus": busy.slug}) == 1


def test_path_queries_grow_only_with_the_hops_searched(client, busy):
    from profiles.models import Author

    first, sixth = (Author.objects.get(slug=f"co-author-{busy.slug.rsplit('-', 1)[1]}-{n}") for n in (0, 5))
    url = reverse("api:graph-path")
    # two authors looked up, the time limit set and reset, the names on the path, and the
    # savepoint around the search (in tests only: in production it is the transaction itself)
    fixed = 2 + 2 + 1 + 2
    one_hop = client.get(url, {"source": busy.slug, "target": first.slug}).json()
    assert (
        one_hop["hops"] == 1 and _count(client, url, {"source": busy.slug, "target": first.slug}) == fixed + 1
    )
    two_hops = client.get(url, {"source": first.slug, "target": sixth.slug}).json()
    assert (
        two_hops["hops"] == 2
        and _count(client, url, {"source": first.slug, "target": sixth.slug}) == fixed + 2
    )
