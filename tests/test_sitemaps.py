"""sitemap.xml (an index of sections, paged by primary-key windows) and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.sitemaps import SITEMAP_LIMIT, PkWindowSitemap
from papers.models import Paper
from profiles.models import Author, Institution
from tests.papers.builders import make_author, make_paper, topic

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HOST = "http://testserver"


def locations(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer, not untrusted input
    return [loc.text for loc in root.iterfind(".//sm:loc", NS)]


def entries(response) -> dict[str, str | None]:
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer, not untrusted input
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.iterfind("sm:url", NS)
    }


@pytest.fixture
def world():
    institution = Institution.objects.create(name="Example University", slug="example-u")
    ada = make_author("Ada Mapped", institution=institution)
    merged = make_author("A. Mapped")
    Author.objects.filter(pk=merged.pk).update(merged_into=ada)
    paper = make_paper("A mapped paper", authors=[ada], topics=[topic("cs.CL")], year=2022)
    return {"institution": institution, "ada": ada, "merged": merged, "paper": paper}


def test_the_index_lists_the_four_sections(client, world):
    response = client.get("/sitemap.xml")
    assert response["Cache-Control"] == "max-age=3600, public"
    assert locations(response) == [
        f"{HOST}/sitemap-{section}.xml" for section in ("authors", "papers", "topics", "institutions")
    ]


def test_sections_list_the_public_pages_with_lastmod(client, world):
    authors = entries(client.get("/sitemap-authors.xml"))
    assert f"{HOST}{world['ada'].get_absolute_url()}" in authors
    assert f"{HOST}{world['merged'].get_absolute_url()}" not in authors  # merged: redirects, not listed
    assert all(lastmod for lastmod in authors.values())
    papers = entries(client.get("/sitemap-papers.xml"))
    assert list(papers) == [f"{HOST}{world['paper'].get_absolute_url()}"]
    assert papers[f"{HOST}{world['paper'].get_absolute_url()}"].startswith(
        Paper.objects.get(pk=world["paper"].pk).updated_at.date().isoformat()
    )
    # Only topics with papers: the rest of the taxonomy would be empty pages.
    assert locations(client.get("/sitemap-topics.xml")) == [f"{HOST}/topics/{topic('cs.CL').slug}/"]
    assert locations(client.get("/sitemap-institutions.xml")) == [f"{HOST}/institutions/example-u/"]
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_big_sections_split_into_pages_of_at_most_the_limit_with_fixed_queries(client, monkeypatch):
    assert SITEMAP_LIMIT == 50_000
    monkeypatch.setattr(PkWindowSitemap, "limit", 10)
    author = make_author("Prolific Mapped")
    created = Paper.objects.bulk_create(
        [Paper(title=f"Paper {index}", slug=f"mapped-{index}") for index in range(35)]
    )
    # Keys are counted from the lowest one, so deleted or never-used keys before it cost no pages.
    before_first = min(paper.pk for paper in created) - 1
    pages = -(-(max(paper.pk for paper in created) - before_first) // 10)
    assert pages == 4  # bulk inserts take consecutive keys

    with CaptureQueriesContext(connection) as index_queries:
        index = locations(client.get("/sitemap.xml"))
    assert len(index_queries) == 4  # MIN(pk) and MAX(pk) per section, whatever the table sizes
    paper_pages = [url for url in index if url.startswith(f"{HOST}/sitemap-papers.xml")]
    assert paper_pages == [f"{HOST}/sitemap-papers.xml"] + [
        f"{HOST}/sitemap-papers.xml?p={page}" for page in range(2, pages + 1)
    ]

    seen = []
    for url in paper_pages:
        with CaptureQueriesContext(connection) as page_queries:
            listed = locations(client.get(url.removeprefix(HOST)))
        assert len(page_queries) == 2  # the page's rows, and MIN/MAX(pk) to check the page exists
        assert 0 < len(listed) <= 10
        seen += listed
    assert sorted(seen) == sorted(f"{HOST}{paper.get_absolute_url()}" for paper in created)
    assert client.get(f"/sitemap-papers.xml?p={pages + 1}").status_code == 404
    assert client.get("/sitemap-papers.xml?p=x").status_code == 404
    assert f"{HOST}{author.get_absolute_url()}" in locations(client.get("/sitemap-authors.xml"))


def test_robots_keeps_crawlers_off_search_graph_api_admin_and_accounts(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/search", "/graph/", "/api/", "/admin/", "/accounts/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines and "Disallow: /authors/" not in lines  # profiles stay crawlable
    assert f"Sitemap: {HOST}/sitemap.xml" in lines
