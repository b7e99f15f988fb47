"""Anonymous visitors' profile pages come from the cache, and a change to the author replaces them."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.services import follow_create
from identity.services import author_merge
from papers import embedding
from profiles.models import Author
from profiles.page_cache import HEADER
from profiles.services import authors_refresh_counts
from tests.conftest import clear_cache_keys
from tests.ingest.helpers import import_file
from tests.papers.builders import make_author, make_author_with_papers, make_paper
from tests.papers.fakes import HashingEmbedder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PROFILE_PAGE_CACHE_SECONDS = 60
    clear_cache_keys("profile:*")
    previous = embedding.set_embedder(HashingEmbedder())
    yield
    embedding.set_embedder(previous)
    clear_cache_keys("profile:*")


def _works_heading(response) -> str:
    return re.search(r'<h2 id="works-heading">([^<]+)</h2>', response.content.decode()).group(1)


def _follower_count(response) -> str:
    return re.search(r"data-follower-count>(\d+)<", response.content.decode()).group(1)


def test_a_second_anonymous_visit_is_served_from_the_cache_with_one_query(client):
    author = make_author_with_papers(12, name="Cached Person")
    first = client.get(author.get_absolute_url())
    assert first[HEADER] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(author.get_absolute_url())
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert len(queries) <= 2  # the author behind the slug (and whether it moved); nothing else
    assert "12 published items" in _works_heading(second)


def test_each_filter_combination_is_its_own_page(client):
    author = make_author_with_papers(30, name="Filtered Person")
    url = author.get_absolute_url()
    client.get(url)
    second_page = client.get(url + "?page=2")
    assert second_page[HEADER] == "miss"
    assert "Showing 21–30 of 30" in second_page.content.decode()
    assert client.get(url + "?page=2")[HEADER] == "hit"
    assert "Showing 1–20 of 30" in client.get(url).content.decode()


def test_a_new_follower_shows_at_once_for_anonymous_visitors(
    client, django_user_model, django_capture_on_commit_callbacks
):
    author = make_author("Followed Person")
    assert _follower_count(client.get(author.get_absolute_url())) == "0"
    fan = django_user_model.objects.create_user("fan", "fan@example.org", "pw")
    with django_capture_on_commit_callbacks(execute=True):
        follow_create(user=fan, author=author)
    response = client.get(author.get_absolute_url())
    assert response[HEADER] == "miss"
    assert _follower_count(response) == "1"


def test_an_import_that_adds_works_replaces_the_cached_page(
    client, sample_dump, django_capture_on_commit_callbacks
):
    import_file(django_capture_on_commit_callbacks, sample_dump("000"))
    author = Author.objects.get(display_name="Tatsunori B. Hashimoto")
    before = _works_heading(client.get(author.get_absolute_url()))
    assert client.get(author.get_absolute_url())[HEADER] == "hit"
    import_file(django_capture_on_commit_callbacks, sample_dump("001"))
    author = Author.objects.get(display_name="Tatsunori B. Hashimoto", merged_into=None)
    response = client.get(author.get_absolute_url())
    assert response[HEADER] == "miss"
    assert int(_works_heading(response).split()[0]) > int(before.split()[0])


def test_a_refresh_of_counts_replaces_the_page_of_every_author_it_names(
    client, django_capture_on_commit_callbacks
):
    first, second = make_author("First Named"), make_author("Second Named")
    for author in (first, second):
        client.get(author.get_absolute_url())
    make_paper("A paper written straight into the table", authors=[first, second], year=2022)
    assert "0 published items" in _works_heading(client.get(first.get_absolute_url()))  # still cached
    with django_capture_on_commit_callbacks(execute=True):
        authors_refresh_counts(author_ids=[first.pk, second.pk])
    for author in (first, second):
        assert "1 published item" in _works_heading(client.get(author.get_absolute_url()))


def test_a_merged_profile_redirects_instead_of_serving_its_cached_page(
    client, staff, django_capture_on_commit_callbacks
):
    keep, gone = (
        make_author_with_papers(3, name="Kept Person"),
        make_author_with_papers(2, name="Kept Person"),
    )
    client.get(gone.get_absolute_url())
    client.get(keep.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        author_merge(survivor=keep, merged=gone, actor=staff)
    assert client.get(gone.get_absolute_url()).status_code == 301
    assert "5 published items" in _works_heading(client.get(keep.get_absolute_url()))


def test_the_time_limit_bounds_a_change_no_service_announced(client, settings):
    settings.PROFILE_PAGE_CACHE_SECONDS = 1
    author = make_author("Quietly Edited")
    client.get(author.get_absolute_url())
    Author.objects.filter(pk=author.pk).update(bio="A biography written by a raw SQL fix.")
    assert "raw SQL fix" not in client.get(author.get_absolute_url()).content.decode()
    time.sleep(1.2)
    assert "raw SQL fix" in client.get(author.get_absolute_url()).content.decode()


def test_signed_in_visitors_never_get_or_leave_a_cached_page(client, django_user_model):
    author = make_author("Signed In View")
    reader = django_user_model.objects.create_user("reader", "reader@example.org", "pw")
    client.force_login(reader)
    response = client.get(author.get_absolute_url())
    assert HEADER not in response
    assert "csrfmiddlewaretoken" in response.content.decode()  # the follow form
    client.logout()
    anonymous = client.get(author.get_absolute_url())
    assert anonymous[HEADER] == "miss"
    assert "csrfmiddlewaretoken" not in anonymous.content.decode()


@pytest.mark.parametrize(
    "query",
    ["?page=999", "?topic=nonsense", "?sort=whatever", "?year=1066", "?utm_source=mail", "?page=1&page=2"],
)
def test_parameters_the_page_did_not_choose_are_answered_but_never_cached(client, query):
    author = make_author_with_papers(3, name="Junk Query")
    for _ in range(2):
        response = client.get(author.get_absolute_url() + query)
        assert response.status_code == 200
        assert response.get(HEADER) != "hit"
    assert "utm_source" not in client.get(author.get_absolute_url()).content.decode()


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page_that_shows_it(client):
    author = make_author("Message Waiting")
    client.get(author.get_absolute_url())
    # A message left for this visitor (as after signing out), in the cookie Django keeps it in.
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.INFO, "You have signed out.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value
    response = client.get(author.get_absolute_url())
    assert HEADER not in response
    assert "You have signed out." in response.content.decode()
    assert "You have signed out." not in client.get(author.get_absolute_url()).content.decode()


def test_an_admin_edit_of_the_researcher_shows_at_once(client, staff, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from tests.accounts.test_admin_permissions import _change_form_data

    author = make_author("Admin Edited")
    client.get(author.get_absolute_url())  # cached for anonymous visitors
    client.force_login(staff)
    url = reverse("admin:profiles_author_change", args=[author.pk])
    data = _change_form_data(client.get(url))
    data["bio"] = "Corrected by an administrator."
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    client.logout()
    response = client.get(author.get_absolute_url())
    assert response[HEADER] == "miss"
    assert "Corrected by an administrator." in response.content.decode()
