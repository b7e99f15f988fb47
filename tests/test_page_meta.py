"""Crawler metadata on paper and profile pages: canonical links, OpenGraph, Highwire tags, JSON-LD."""

from __future__ import annotations

import re

import pytest

from profiles.models import Author, Institution
from tests.html_meta import head_data
from tests.papers.builders import make_author, make_paper, topic

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


@pytest.fixture
def paper():
    ada, bo = make_author("Ada Lovelace"), make_author("Bo Babbage")
    return make_paper(
        "Notes on the Analytical Engine",
        authors=[ada, bo],
        topics=[topic("cs.LG")],
        year=2023,
        month=5,
        day=7,
        kind="inproceedings",
        venue="ICML 2023",
        doi="10.1234/engine",
        arxiv_id="2305.01234",
        abstract="We describe   an engine.\nIt computes.",
    )


def test_a_paper_page_tells_scholar_crawlers_what_it_is(client, paper):
    head = head_data(client.get(paper.get_absolute_url() + "?utm=x").content.decode())
    url = f"{HOST}{paper.get_absolute_url()}"
    assert [link["href"] for link in head.link("canonical")] == [url]
    assert head.value("citation_title") == "Notes on the Analytical Engine"
    assert head.values("citation_author") == ["Ada Lovelace", "Bo Babbage"]
    assert head.value("citation_publication_date") == "2023/05/07"
    assert head.value("citation_doi") == "10.1234/engine"
    assert head.value("citation_arxiv_id") == "2305.01234"
    assert head.value("citation_pdf_url") == "https://arxiv.org/pdf/2305.01234"
    assert head.value("citation_conference_title") == "ICML 2023"
    assert head.value("og:type") == "article"
    assert head.value("og:title") == "Notes on the Analytical Engine"
    assert head.value("og:url") == url
    assert head.value("og:description") == "We describe an engine. It computes."

    article = head.one_json_ld()
    assert article["@context"] == "https://schema.org" and article["@type"] == "ScholarlyArticle"
    for key in ("name", "headline", "author", "datePublished", "url", "abstract"):
        assert article[key], key
    assert article["url"] == url and article["datePublished"] == "2023-05-07"
    assert [author["name"] for author in article["author"]] == ["Ada Lovelace", "Bo Babbage"]
    assert all(author["@type"] == "Person" for author in article["author"])
    assert article["author"][0]["url"].startswith(f"{HOST}/authors/ada-lovelace-")
    assert "https://doi.org/10.1234/engine" in article["sameAs"]
    assert {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1234/engine"} in article["identifier"]
    assert article["keywords"] == [topic("cs.LG").name]


def test_a_paper_without_identifiers_or_date_gets_no_empty_tags(client):
    paper = make_paper("Quiet paper", authors=[make_author("Solo Writer")])
    head = head_data(client.get(paper.get_absolute_url()).content.decode())
    assert head.value("citation_title") == "Quiet paper"
    for name in ("citation_publication_date", "citation_doi", "citation_arxiv_id", "citation_pdf_url"):
        assert head.value(name) is None, name
    assert "datePublished" not in head.one_json_ld()


HOSTILE = '</script><script>alert(1)</script> & <!-- \u2028 "quoted"'


def test_hostile_text_cannot_break_out_of_the_json_ld_block(client):
    author = make_author(HOSTILE)
    paper = make_paper(HOSTILE, authors=[author], abstract=HOSTILE, year=2020)
    for url in (paper.get_absolute_url(), author.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html
        head = head_data(html)
        # Exactly one data block and no script the page did not mean to have.
        assert len(head.json_ld) == 1
        assert all(
            script.get("src") or script.get("type") == "application/ld+json" for script in head.scripts
        )
        block = head.json_ld[0]
        assert "</" not in block and "<!--" not in block
        data = head.one_json_ld()
        assert data["name"] == " ".join(HOSTILE.split())  # decodes back to the same text
        assert head.value("og:title") == " ".join(HOSTILE.split())


def test_a_profile_describes_a_person_with_orcid_and_affiliation(client):
    institution = Institution.objects.create(name="Stanford University", slug="stanford", ror_id="00f54p054")
    author = make_author(
        "Grace Hopper",
        institution=institution,
        orcid="0000-0002-1825-0097",
        homepage="https://example.org/grace",
        role="Rear admiral",
    )
    make_paper("Compilers", authors=[author], year=1952, topics=[topic("cs.PL")])
    head = head_data(client.get(author.get_absolute_url() + "?page=1&sort=score").content.decode())
    url = f"{HOST}{author.get_absolute_url()}"
    assert [link["href"] for link in head.link("canonical")] == [url]
    assert head.value("og:type") == "profile" and head.value("og:title") == "Grace Hopper"
    assert head.value("og:url") == url
    assert head.value("citation_title") is None  # a profile is not an article
    person = head.one_json_ld()
    assert person["@context"] == "https://schema.org" and person["@type"] == "Person"
    assert person["name"] == "Grace Hopper" and person["url"] == url
    assert person["sameAs"] == ["https://orcid.org/0000-0002-1825-0097", "https://example.org/grace"]
    assert person["identifier"]["propertyID"] == "ORCID"
    assert person["affiliation"] == {
        "@type": "Organization",
        "name": "Stanford University",
        "url": f"{HOST}/institutions/stanford/",
        "sameAs": "https://ror.org/00f54p054",
    }
    assert person["jobTitle"] == "Rear admiral"
    assert re.match(r"Publishes on .+; 1 work in 1952\.", person["description"])


def test_a_profile_without_orcid_has_no_same_as(client):
    author = make_author("No Ids")
    person = head_data(client.get(author.get_absolute_url()).content.decode()).one_json_ld()
    assert "sameAs" not in person and "identifier" not in person


def test_a_merged_author_points_crawlers_at_the_surviving_profile(client):
    survivor = make_author("Kept Person")
    merged = make_author("Kept P.")
    Author.objects.filter(pk=merged.pk).update(merged_into=survivor)
    response = client.get(merged.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == survivor.get_absolute_url()
    head = head_data(client.get(response["Location"]).content.decode())
    assert [link["href"] for link in head.link("canonical")] == [f"{HOST}{survivor.get_absolute_url()}"]
