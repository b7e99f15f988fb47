"""Atom feeds of new works for a researcher and a topic, linked from their pages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from papers.models import Paper
from profiles.models import Author
from tests.html_meta import head_data
from tests.papers.builders import make_author, make_author_with_papers, make_paper, topic

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def atom(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 - our own answer, not untrusted input


def titles(feed: ET.Element) -> list[str]:
    return [entry.findtext("atom:title", namespaces=ATOM) for entry in feed.iterfind("atom:entry", ATOM)]


def test_a_researchers_feed_lists_new_works_newest_first_and_is_linked(client):
    author, coauthor = make_author("Feed Person"), make_author("Co Writer")
    old = make_paper("Older work", authors=[author, coauthor], abstract="About <b>things</b>.", year=2020)
    new = make_paper("Newer work", authors=[author], primary_category=topic("cs.CL"), year=2019)
    Paper.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    make_paper("Not theirs", authors=[coauthor])

    feed = atom(client.get(f"/authors/{author.slug}/feed/"))
    assert feed.findtext("atom:title", namespaces=ATOM) == "New works by Feed Person"
    assert titles(feed) == ["Newer work", "Older work"]  # by when the site got them
    first, second = feed.iterfind("atom:entry", ATOM)
    assert first.find("atom:link", ATOM).get("href") == f"http://testserver{new.get_absolute_url()}"
    assert first.find("atom:category", ATOM).get("term") == topic("cs.CL").name
    assert second.findtext("atom:author/atom:name", namespaces=ATOM) == "Feed Person, Co Writer"
    # The summary is typed HTML: imported markup arrives escaped, so a reader shows it as text.
    assert second.find("atom:summary", ATOM).get("type") == "html"
    assert second.findtext("atom:summary", namespaces=ATOM) == "About &lt;b&gt;things&lt;/b&gt;."

    html = client.get(author.get_absolute_url()).content.decode()
    alternates = head_data(html).link("alternate")
    assert [(link["type"], link["href"]) for link in alternates] == [
        ("application/atom+xml", f"/authors/{author.slug}/feed/")
    ]
    assert (
        f'href="/authors/{author.slug}/feed/" type="application/atom+xml">Atom feed of new works</a>' in html
    )


def test_a_topics_feed_lists_its_new_works_and_is_linked(client):
    author = make_author("Topic Writer")
    make_paper("On language", authors=[author], topics=[topic("cs.CL")])
    make_paper("On vision", authors=[author], topics=[topic("cs.CV")])
    slug = topic("cs.CL").slug
    feed = atom(client.get(f"/topics/{slug}/feed/"))
    assert feed.findtext("atom:title", namespaces=ATOM) == f"New works in {topic('cs.CL').name} (cs.CL)"
    assert titles(feed) == ["On language"]
    html = client.get(f"/topics/{slug}/").content.decode()
    assert [link["href"] for link in head_data(html).link("alternate")] == [f"/topics/{slug}/feed/"]
    assert f'href="/topics/{slug}/feed/" type="application/atom+xml">Atom feed of new works</a>' in html
    assert client.get("/topics/no-such-topic/feed/").status_code == 404


def test_feeds_run_a_fixed_number_of_queries(client):
    small = make_author_with_papers(2, name="Small Feed")
    big = make_author_with_papers(120, name="Big Feed", coauthors=8)
    counts = []
    for url in (
        f"/authors/{small.slug}/feed/",
        f"/authors/{big.slug}/feed/",
        f"/topics/{topic('cs.CL').slug}/feed/",
    ):
        with CaptureQueriesContext(connection) as queries:
            feed = atom(client.get(url))
        counts.append(len(queries))
        assert len(titles(feed)) <= 30
    assert counts == [3, 3, 3]  # the author or topic, the papers, their authors


def test_a_merged_authors_feed_moves_to_the_survivor(client):
    survivor, merged = make_author("Survivor Feed"), make_author("S. Feed")
    Author.objects.filter(pk=merged.pk).update(merged_into=survivor)
    response = client.get(f"/authors/{merged.slug}/feed/")
    assert response.status_code == 301 and response["Location"] == f"/authors/{survivor.slug}/feed/"
    assert client.get("/authors/nobody-here/feed/").status_code == 404
