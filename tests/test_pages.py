"""The site's pages render our data, escape imported text and keep a fixed query count."""

import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from accounts.models import Follow
from papers.models import Paper
from profiles.models import Author
from tests.factories import AuthorFactory, PaperFactory
from tests.papers.builders import refresh

pytestmark = pytest.mark.django_db


def _author_with_works(count: int, name: str = "Grace Example") -> Author:
    author = AuthorFactory(display_name=name)
    coauthors = []
    for index in range(count):
        coauthor = AuthorFactory(display_name=f"Co Author {index}", slug=f"{author.slug}-co-{index}")
        coauthors.append(coauthor)
        PaperFactory(
            slug=f"{author.slug}-{index}",
            title=f"Work {index}",
            year=2000 + index,
            authors=[author, coauthor],
        )
    refresh([author, *coauthors])
    return author


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def test_author_page_lists_works_with_coauthors(client):
    author = _author_with_works(3)
    page = client.get(author.get_absolute_url()).content.decode()
    assert "Researcher profile" in page
    assert "3 published items" in page
    assert "Work 2" in page and "Co Author 1" in page
    assert "Affiliation not imported" in page


def test_author_page_query_count_does_not_grow_with_the_number_of_works(
    client, django_assert_max_num_queries
):
    few = _queries(client, _author_with_works(2, "Few Works").get_absolute_url())
    many_author = _author_with_works(200, "Many Works")
    many = _queries(client, many_author.get_absolute_url())
    assert few == many
    with django_assert_max_num_queries(14):
        client.get(many_author.get_absolute_url() + "?per_page=50&sort=score")


def test_home_and_paper_pages_have_fixed_query_counts(client):
    _author_with_works(2, "Small Corpus")
    small_home = _queries(client, "/")
    _author_with_works(12, "Bigger Corpus")
    assert _queries(client, "/") == small_home <= 5
    paper = Paper.objects.first()
    assert _queries(client, paper.get_absolute_url()) <= 8


def test_home_has_search_counts_recent_papers_and_most_followed(client, alice, bob):
    popular = _author_with_works(2, "Popular Person")
    _author_with_works(1, "Quiet Person")
    for user in (alice, bob):
        Follow.objects.create(user=user, author=popular)
    refresh([popular])
    html = client.get("/").content.decode()
    page = _text(client.get("/"))
    assert re.search(r'<form[^>]*role="search"[^>]*method="get"[^>]*action="/search"', html)
    assert 'name="q"' in html and '<label class="visually-hidden" for="home-search-q">' in html
    assert "researchers 5 papers 3 topics 0 institutions 0" in page
    assert re.search(r"Recently imported papers \d{4} Work 0 Authors: Quiet Person", page)  # newest first
    assert re.search(r"Most-followed researchers Popular Person 2 followers", page)


def test_imported_text_is_escaped(client):
    paper = Paper.objects.create(
        slug="xss", title="<script>alert(1)</script> Attack", abstract="<img src=x onerror=alert(2)>"
    )
    page = client.get(paper.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    home = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in home and "&lt;script&gt;alert(1)" in home


def test_a_merged_author_redirects_permanently_to_the_surviving_profile(client):
    survivor = _author_with_works(1, "Survivor Name")
    merged = Author.objects.create(
        display_name="Old Name", slug="old-name", normalized_name="old name", merged_into=survivor
    )
    response = client.get(merged.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == survivor.get_absolute_url()


def test_unknown_pages_are_404_with_our_own_page(client):
    for url in ["/authors/nobody-here/", "/papers/no-such-paper/", "/topics/nothing/", "/institutions/none/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        page = _text(response)
        assert "Page not found" in page and "Researchers Topics Institutions" in page, url


def test_the_500_page_renders_without_a_request_or_database():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert 'href="/"' in html


def test_every_page_has_landmarks_a_skip_link_and_labelled_navigation(client):
    author = _author_with_works(1, "Landmark Person")
    for url in [
        "/",
        "/authors/",
        author.get_absolute_url(),
        Paper.objects.first().get_absolute_url(),
        "/topics/",
    ]:
        html = client.get(url).content.decode()
        assert '<a class="skip-link" href="#main">' in html, url
        assert '<main id="main"' in html and '<nav class="site-nav" aria-label="Main">' in html, url
        assert "<footer" in html and '<html lang="en">' in html, url
        assert html.count("<h1") == 1, url


def test_admin_lists_every_model_for_staff(client, staff):
    client.force_login(staff)
    for url in [
        "/admin/",
        "/admin/profiles/author/",
        "/admin/profiles/institution/",
        "/admin/accounts/claim/",
        "/admin/papers/paper/",
        "/admin/papers/topic/",
        "/admin/graph/collaboratoredge/",
        "/admin/ingest/importbatch/",
        "/admin/ingest/importrecord/",
        "/admin/curation/curationitem/",
        "/admin/accounts/follow/",
        "/admin/accounts/conversation/",
        "/admin/profiles/authoralias/",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/profiles/author/?q=grace").status_code == 200
