"""Slices are cached in Redis and dropped when the author's surroundings change."""

import json

import pytest
from django.urls import reverse

from graph.services import edges_refresh
from identity.names import name_key
from papers.models import Authorship
from pipeline.tasks import authors_derived_refresh_task
from profiles.models import Author, AuthorAlias
from tests.graph import helpers
from tests.ingest.helpers import import_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return helpers.small_world()


def _labels(client, slug: str, **params) -> set[str]:
    response = client.get(reverse("api:graph-slice", args=[slug]), params)
    if response.status_code == 301:  # a merged author: the survivor's slice
        response = client.get(response["Location"], params)
    assert response.status_code == 200
    return {node["label"] for node in response.json()["nodes"]}


def test_the_slice_is_served_from_the_cache_until_the_edges_are_refreshed(
    client, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert "Bob Babbage" in _labels(client, "ada-lovelace")
    # A change that nobody announced is not seen: the answer comes from the cache.
    Author.objects.filter(pk=world["bob"].pk).update(display_name="Robert Babbage")
    with django_assert_num_queries(1):  # only looking the author up
        assert "Bob Babbage" in _labels(client, "ada-lovelace")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        edges_refresh(author_ids=[world["bob"].pk])
    assert len(callbacks) == 1  # the invalidation waits for the commit
    labels = _labels(client, "ada-lovelace")
    assert "Robert Babbage" in labels and "Bob Babbage" not in labels


def test_every_size_of_an_authors_slice_is_dropped_together(
    client, world, django_capture_on_commit_callbacks
):
    _labels(client, "ada-lovelace")
    _labels(client, "ada-lovelace", max_nodes=20, radius=1)
    Author.objects.filter(pk=world["bob"].pk).update(display_name="Robert Babbage")
    with django_capture_on_commit_callbacks(execute=True):
        edges_refresh(author_ids=[world["ada"].pk])
    assert "Robert Babbage" in _labels(client, "ada-lovelace")
    assert "Robert Babbage" in _labels(client, "ada-lovelace", max_nodes=20, radius=1)


def test_an_import_that_adds_a_collaborator_shows_in_the_slices_of_both(
    client, world, django_capture_on_commit_callbacks
):
    ada = world["ada"]
    AuthorAlias.objects.create(author=ada, name=ada.display_name, normalized_name=name_key(ada.display_name))
    before = _labels(client, "ada-lovelace")
    bob_before = _labels(client, "bob-babbage")
    record = {
        "title": "Analytical Engines Revisited",
        "authors": ["Ada Lovelace", "Grace Hopper"],
        "authors_truncated": False,
        "authors_more": None,
        "institutions": [],
        "abstract": "A new study.",
        "arxiv_id": None,
        "doi": None,
        "date": "2024",
        "category": "cs.LG",
        "score": None,
        "has_code": None,
        "venue": None,
        "kind": None,
        "source": None,
    }
    batch = import_bytes(django_capture_on_commit_callbacks, json.dumps(record).encode() + b"\n", "new.jsonl")
    assert batch.status == "done", batch.error
    after = _labels(client, "ada-lovelace")
    assert after - before == {"Grace Hopper", "Analytical Engines Revisited"}
    grace = Author.objects.get(display_name="Grace Hopper")
    assert "Ada Lovelace" in _labels(client, grace.slug)
    assert _labels(client, "bob-babbage") == bob_before  # untouched neighbourhoods keep their entry


def test_a_merge_refreshes_the_slices_on_both_sides(client, world, django_capture_on_commit_callbacks):
    ada, zed = world["ada"], world["zed"]
    duplicate = helpers.author("A. Lovelace")
    helpers.paper("Zed and A.", [duplicate, zed], year=2022)
    helpers.refresh(duplicate, zed)
    assert "Zed Zuse" not in _labels(client, "ada-lovelace")
    assert "A. Lovelace" in _labels(client, "zed-zuse")

    # What a merge does (issue 6): authorships move, the old row points at the survivor, and the
    # derived data is refreshed for both through the usual task.
    Authorship.objects.filter(author=duplicate).update(author=ada)
    duplicate.merged_into = ada
    duplicate.save(update_fields=["merged_into"])
    with django_capture_on_commit_callbacks(execute=True):
        authors_derived_refresh_task.delay([ada.pk, duplicate.pk])

    assert "Zed Zuse" in _labels(client, "ada-lovelace")
    zed_labels = _labels(client, "zed-zuse")
    assert "Ada Lovelace" in zed_labels and "A. Lovelace" not in zed_labels
    assert _labels(client, "a-lovelace") == _labels(client, "ada-lovelace")


def test_the_cached_answer_links_to_the_host_that_asked(client, world, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    url = reverse("api:graph-slice", args=["ada-lovelace"])
    first = client.get(url, HTTP_HOST="one.example").json()
    again = client.get(url, HTTP_HOST="one.example").json()
    other = client.get(url, HTTP_HOST="two.example").json()
    assert again == first
    assert all(node["url"].startswith("http://one.example/") for node in first["nodes"] if node["url"])
    assert all(node["url"].startswith("http://two.example/") for node in other["nodes"] if node["url"])
