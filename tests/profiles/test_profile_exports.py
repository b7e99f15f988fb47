"""The profile links the researcher's works as BibTeX, CSL-JSON and CSV, and the links download them."""

from __future__ import annotations

import json
import re

import bibtexparser
import pytest

from tests.papers.builders import make_author, make_paper

pytestmark = pytest.mark.django_db


def export_links(html: str) -> dict[str, str]:
    return dict(
        (kind, href) for href, kind in re.findall(r'<a [^>]*href="([^"]+)"[^>]*data-export="([a-z-]+)"', html)
    )


def test_the_profile_links_the_three_exports_and_they_download(client):
    author = make_author("Export Person")
    make_paper("First exported work", authors=[author], year=2021)
    make_paper("Second exported work", authors=[author], year=2022)
    html = client.get(author.get_absolute_url()).content.decode()
    links = export_links(html)
    assert {kind: links[kind] for kind in ("bibtex", "csl-json", "csv")} == {
        "bibtex": f"/api/v1/authors/{author.slug}/works.bib",
        "csl-json": f"/api/v1/authors/{author.slug}/works.csl.json",
        "csv": f"/api/v1/authors/{author.slug}/works.csv",
    }
    assert f'download="{author.slug}.bib"' in html

    bib = client.get(links["bibtex"])
    assert bib["Content-Disposition"] == f'attachment; filename="{author.slug}.bib"'
    titles = {
        entry.fields_dict["title"].value for entry in bibtexparser.parse_string(bib.content.decode()).entries
    }
    assert titles == {"First exported work", "Second exported work"}
    items = json.loads(client.get(links["csl-json"]).content)
    assert {item["title"] for item in items} == titles
    rows = client.get(links["csv"]).content.decode().splitlines()
    assert rows[0].startswith("title,authors") and len(rows) == 3


def test_a_profile_without_works_offers_no_empty_downloads(client):
    author = make_author("Nothing Yet")
    assert export_links(client.get(author.get_absolute_url()).content.decode()) == {}
