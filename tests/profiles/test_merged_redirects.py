"""A merged author answers one way on every page and endpoint that takes its slug: 301 to the
same address under the surviving author's slug (profiles.selectors.author_or_moved)."""

import pytest

from profiles.models import Author

pytestmark = pytest.mark.django_db


def _author(name: str, slug: str, **fields) -> Author:
    return Author.objects.create(display_name=name, slug=slug, normalized_name=name.lower(), **fields)


@pytest.fixture
def survivor():
    return _author("Ada Lovelace", "ada-lovelace")


@pytest.fixture
def merged(survivor):
    """Merged twice: a-lovelace into augusta-ada, which was later merged into ada-lovelace."""
    middle = _author("Augusta Ada", "augusta-ada", merged_into=survivor)
    return _author("A. Lovelace", "a-lovelace", merged_into=middle)


@pytest.mark.parametrize(
    "path",
    [
        "/authors/{slug}/",
        "/authors/{slug}/feed/",
        "/graph/authors/{slug}/slice/",
        "/authors/{slug}/claim/",
        "/authors/{slug}/edit/",
        "/authors/{slug}/invite/",
        "/api/v1/authors/{slug}/",
        "/api/v1/authors/{slug}/works/",
        "/api/v1/authors/{slug}/follow/",
        "/api/v1/graph/authors/{slug}/slice/",
    ],
)
def test_every_address_with_a_merged_slug_moves_to_the_survivors(client, alice, merged, survivor, path):
    client.force_login(alice)
    response = client.get(path.format(slug=merged.slug), {"page": "2"})
    assert response.status_code == 301
    # Straight to the last survivor, even across two merges; the query is not carried over.
    assert response["Location"].removeprefix("http://testserver") == path.format(slug=survivor.slug)


def test_graph_addresses_that_name_the_author_elsewhere_move_too(client, merged, survivor):
    neighbours = client.get(f"/api/v1/graph/person/{merged.slug}/neighbours/")
    assert neighbours.status_code == 301
    assert neighbours["Location"] == f"http://testserver/api/v1/graph/person/{survivor.slug}/neighbours/"
    assert neighbours.json()["code"] == "moved_permanently"
    explorer = client.get("/graph/", {"focus": merged.slug})
    assert explorer.status_code == 301 and explorer["Location"] == f"/graph/?focus={survivor.slug}"


def test_an_unknown_slug_is_a_404_on_pages_and_in_the_api(client):
    assert client.get("/authors/nobody-at-all/").status_code == 404
    assert client.get("/graph/authors/nobody-at-all/slice/").status_code == 404
    assert client.get("/api/v1/authors/nobody-at-all/").json()["code"] == "not_found"
