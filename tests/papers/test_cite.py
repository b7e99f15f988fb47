"""Cite a paper: the cite API (BibTeX, CSL-JSON, APA, Chicago, IEEE, Harvard) and the page's Cite dialog."""

from __future__ import annotations

import json

import bibtexparser
import pytest

from tests.papers.builders import make_author, make_paper, topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_paper():
    lovelace, babbage = make_author("Ada Lovelace"), make_author("Charles Babbage")
    return make_paper(
        "Notes on the Analytical Engine",
        authors=[lovelace, babbage],
        topics=[topic("cs.LG")],
        year=2023,
        month=5,
        kind="article",
        venue="Scientific Memoirs",
        doi="10.1234/engine.1843",
    )


def test_the_cite_api_formats_the_paper_in_four_styles(client, engine_paper):
    response = client.get(f"/api/v1/papers/{engine_paper.slug}/cite/")
    assert response.status_code == 200
    data = response.json()
    styles = {style["key"]: style for style in data["styles"]}
    assert [style["label"] for style in data["styles"]] == ["APA", "Chicago (author-date)", "IEEE", "Harvard"]
    assert styles["apa"]["text"].startswith(
        "Lovelace, A., & Babbage, C. (2023). Notes on the Analytical Engine."
    )
    assert "Scientific Memoirs" in styles["apa"]["text"]
    assert "https://doi.org/10.1234/engine.1843" in styles["apa"]["text"]
    assert styles["chicago"]["text"].startswith(
        "Lovelace, A., and C. Babbage. 2023. “Notes on the Analytical Engine”."
    )
    assert styles["ieee"]["text"].startswith(
        "A. Lovelace and C. Babbage, “Notes on the Analytical Engine”, Scientific Memoirs, May 2023"
    )
    assert styles["harvard"]["text"].startswith(
        "Lovelace, A. and Babbage, C. (2023) “Notes on the Analytical Engine”, Scientific Memoirs"
    )
    assert data["style"] == "apa" and data["text"] == styles["apa"]["text"]

    ieee = client.get(f"/api/v1/papers/{engine_paper.slug}/cite/?style=ieee").json()
    assert ieee["style"] == "ieee" and ieee["text"] == styles["ieee"]["text"]


def test_the_cite_api_gives_bibtex_and_csl_json_that_parse(client, engine_paper):
    data = client.get(f"/api/v1/papers/{engine_paper.slug}/cite/").json()
    library = bibtexparser.parse_string(data["bibtex"])
    assert library.failed_blocks == []
    (entry,) = library.entries
    assert entry.entry_type == "article" and entry.key == engine_paper.slug
    assert entry.fields_dict["title"].value == "Notes on the Analytical Engine"
    assert entry.fields_dict["author"].value == "Ada Lovelace and Charles Babbage"
    assert entry.fields_dict["doi"].value == "10.1234/engine.1843"
    item = data["csl_json"]
    assert item["type"] == "article-journal" and item["title"] == "Notes on the Analytical Engine"
    assert item["author"] == [
        {"given": "Ada", "family": "Lovelace"},
        {"given": "Charles", "family": "Babbage"},
    ]
    assert item["issued"] == {"date-parts": [[2023, 5]]} and item["DOI"] == "10.1234/engine.1843"


def test_an_unknown_style_or_paper_is_a_clear_error(client, engine_paper):
    response = client.get(f"/api/v1/papers/{engine_paper.slug}/cite/?style=mla")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error" and "style" in response.json()["fields"]
    missing = client.get("/api/v1/papers/no-such-paper/cite/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_hostile_titles_stay_plain_text_in_every_format(client):
    author = make_author("Eve </script><img src=x onerror=alert(1)>")
    paper = make_paper("<script>alert('t')</script> & {braces}", authors=[author], year=2020)
    response = client.get(f"/api/v1/papers/{paper.slug}/cite/")
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    for style in data["styles"]:
        assert "<script>alert('t')</script> &" in style["text"]  # text, never turned into markup
        assert "<i>" not in style["text"]
    assert data["csl_json"]["title"] == "<script>alert('t')</script> & {braces}"
    assert r"\{braces\}" in data["bibtex"]


def test_the_paper_page_offers_the_cite_dialog_without_inline_script(client, engine_paper):
    html = client.get(engine_paper.get_absolute_url()).content.decode()
    cite_url = f"/api/v1/papers/{engine_paper.slug}/cite/"
    assert f'<a class="button" href="{cite_url}" data-cite-open' in html
    assert '<dialog class="cite-dialog" id="cite-dialog"' in html and f'data-cite-url="{cite_url}"' in html
    for label in ["APA", "Chicago (author-date)", "IEEE", "Harvard", "BibTeX", "CSL-JSON"]:
        assert f">{label}</option>" in html
    assert "data-cite-copy" in html
    assert '<script src="/static/js/cite.js" defer></script>' in html
