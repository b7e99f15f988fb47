"""The site's pages render our data, escape imported text and keep a fixed query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.models import Authorship, Paper
from profiles.models import Author

pytestmark = pytest.mark.django_db


def _author_with_works(count: int, name: str = "Grace Example") -> Author:
    author = Author.objects.create(
        display_name=name, slug=name.lower().replace(" ", "-"), normalized_name=name.lower()
    )
    for index in range(count):
        paper = Paper.objects.create(slug=f"{author.slug}-{index}", title=f"Work {index}", year=2000 + index)
        Authorship.objects.create(paper=paper, author=author, position=0, name_as_written=name)
        coauthor = Author.objects.create(
            display_name=f"Co Author {index}",
            slug=f"{author.slug}-co-{index}",
            normalized_name=f"co author {index}",
        )
        Authorship.objects.create(
            paper=paper, author=coauthor, position=1, name_as_written=coauthor.display_name
        )
    return author


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_author_page_lists_works_with_coauthors(client):
    author = _author_with_works(3)
    page = client.get(author.get_absolute_url()).content.decode()
    assert "Researcher profile" in page
    assert "3 published items" in page
    assert "Work 2" in page and "Co Author 1" in page
    assert "Affiliation not imported" in page


def test_author_page_query_count_does_not_grow_with_the_number_of_works(client):
    few = _queries(client, _author_with_works(2, "Few Works").get_absolute_url())
    many = _queries(client, _author_with_works(15, "Many Works").get_absolute_url())
    assert few == many
    assert many <= 8


def test_home_and_paper_pages_have_fixed_query_counts(client):
    _author_with_works(2, "Small Corpus")
    small_home = _queries(client, "/")
    _author_with_works(12, "Bigger Corpus")
    assert _queries(client, "/") == small_home
    paper = Paper.objects.first()
    assert _queries(client, paper.get_absolute_url()) <= 6


def test_imported_text_is_escaped(client):
    paper = Paper.objects.create(
        slug="xss", title="<script>alert(1)</script> Attack", abstract="<img src=x onerror=alert(2)>"
    )
    page = client.get(paper.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_a_merged_author_redirects_permanently_to_the_surviving_profile(client):
    survivor = _author_with_works(1, "Survivor Name")
    merged = Author.objects.create(
        display_name="Old Name", slug="old-name", normalized_name="old name", merged_into=survivor
    )
    response = client.get(merged.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == survivor.get_absolute_url()


def test_unknown_pages_are_404(client):
    assert client.get("/authors/nobody-here/").status_code == 404
    assert client.get("/papers/no-such-paper/").status_code == 404


def test_admin_lists_every_model_for_staff(client, staff):
    client.force_login(staff)
    for url in [
        "/admin/",
        "/admin/profiles/author/",
        "/admin/profiles/institution/",
        "/admin/profiles/claim/",
        "/admin/papers/paper/",
        "/admin/papers/topic/",
        "/admin/graph/collaboratoredge/",
        "/admin/ingest/importbatch/",
        "/admin/ingest/importrecord/",
        "/admin/ingest/curationitem/",
        "/admin/profiles/follow/",
        "/admin/profiles/conversation/",
        "/admin/profiles/authoralias/",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/profiles/author/?q=grace").status_code == 200
