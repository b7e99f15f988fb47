"""The five text formats on small hand-written fixtures (no shared sample files needed)."""

from __future__ import annotations

from ingest.formats import detect, parse

PROFILE = """Researcher profile

Ada Q. Example

Ada Q. Example contributes to research discovery.

ResearcherLakeside UniversityOpen to collaborate

Trust snapshot

Trust 42 - VerifiedVerification L2Claimed author
3works
12followers

Published work

2 published item(s)

article2021Nature

Widgets Considered Harmful

We study widgets.

inproceedings2019NeurIPS

Gadgets at Scale

Load more
"""


def test_profile_page_fixture() -> None:
    assert detect(PROFILE) == "profile_page"
    result = parse(PROFILE)
    assert result.context["subject"] == "Ada Q. Example"
    assert result.context["affiliation"] == "Lakeside University"
    assert result.context["availability"] == "Open to collaborate"
    assert result.context["trust"] == 42
    assert result.context["trust_labels"] == ["Verified", "Verification L2", "Claimed author"]
    assert result.context["counts"] == {"works": 3, "followers": 12}
    first, second = result.records
    assert (first.kind, first.date, first.source, first.title, first.abstract) == (
        "article",
        "2021",
        "Nature",
        "Widgets Considered Harmful",
        "We study widgets.",
    )
    # The page footer after the last item is read as its abstract: the layout cannot tell.
    assert (second.kind, second.title) == ("inproceedings", "Gadgets at Scale")
    assert (second.line_start, second.line_end) == (25, 29)
    assert second.abstract == "Load more"


FEED = """12.0LGJan 2, 2024Code
Sparse Widgets?Ana María López-García, Jean-Luc de la Fontaine, Ngozi Okoro et al. · lakeside-ai
We study sparse widgets.
Dense Widgets (DW)Bo Li
We study dense widgets.
Orphan Title Without AbstractZoë D\u2019Souza, Piotr Ćwik
33.3CVFeb 29
Leap-Day WidgetsAmara Nwosu, Björn Lindqvist
We study leap widgets.
"""


def test_paper_feed_fixture() -> None:
    assert detect(FEED) == "paper_feed"
    result = parse(FEED)
    assert result.errors == []
    sparse, dense, orphan, leap = result.records
    assert sparse.title == "Sparse Widgets?"
    assert sparse.authors == ["Ana María López-García", "Jean-Luc de la Fontaine", "Ngozi Okoro"]
    assert (sparse.authors_truncated, sparse.institutions) == (True, ["lakeside-ai"])
    assert (sparse.score, sparse.category, sparse.date, sparse.has_code) == (
        12.0,
        "cs.LG",
        "2024-01-02",
        True,
    )
    assert (dense.title, dense.authors) == ("Dense Widgets (DW)", ["Bo Li"])
    assert dense.authors_truncated is False
    assert (orphan.abstract, orphan.line_start, orphan.line_end) == (None, 6, 6)
    assert orphan.authors == ["Zoë D\u2019Souza", "Piotr Ćwik"]
    assert (leap.date, leap.has_code, leap.line_start, leap.line_end) == ("--02-29", False, 7, 9)


def test_paper_feed_unsplittable_title_is_an_error_with_the_record() -> None:
    text = "all lower case title with no authors\nits abstract line.\n"
    result = parse(text, format="paper_feed")
    assert result.records == []
    (error,) = result.errors
    assert error.line == 1 and "split" in error.message
    assert error.record is not None and error.record.abstract == "its abstract line."


LISTING = """We study widgets
over two lines.

arXiv:2101.00001v2

Created: 2021-01-02

We study gadgets.

NeurIPS 2021 workshop

arXiv:2101.00002 - Gadget Letters 1 (2021)
Created: 2021-01-03
"""


def test_arxiv_listing_fixture() -> None:
    assert detect(LISTING) == "arxiv_listing"
    first, second = parse(LISTING).records
    assert (first.abstract, first.arxiv_id, first.date, first.line_start, first.line_end) == (
        "We study widgets over two lines.",
        "2101.00001",
        "2021-01-02",
        1,
        6,
    )
    assert second.venue == "NeurIPS 2021 workshop; Gadget Letters 1 (2021)"


def test_abstracts_only_fixture() -> None:
    text = "Abstract:First one.\nAbstract: Second one\nwrapped here.\nstray line\n"
    result = parse(text)
    assert result.format == "abstracts_only"
    abstracts = [r.abstract for r in result.records]
    assert abstracts == ["First one.", "Second one wrapped here. stray line"]
    assert result.records[1].line_end == 4
    orphan = parse("no prefix\nAbstract:ok\n", format="abstracts_only")
    assert [e.line for e in orphan.errors] == [1]


PUBLICATIONS = """publications
2022
- Widgets in the WildAna López, Bo Li, and 2 more authorsIn Proceedings of WidgetConf, Mar 2022
We study wild widgets.
- Undated GadgetsZoë Okoro
We study gadgets.
- A Single-Author NoteJean-Luc PicardNov 2022arXiv preprint
Notes.
"""


def test_publications_page_fixture() -> None:
    assert detect(PUBLICATIONS) == "publications_page"
    wild, undated, note = parse(PUBLICATIONS).records
    assert (wild.title, wild.authors, wild.authors_more, wild.authors_truncated) == (
        "Widgets in the Wild",
        ["Ana López", "Bo Li"],
        2,
        True,
    )
    assert (wild.venue, wild.date) == ("In Proceedings of WidgetConf", "2022-03")
    assert (undated.authors, undated.date) == (["Zoë Okoro"], "2022")  # from the year header
    assert (note.authors, note.date) == (["Jean-Luc Picard"], "2022-11")
    assert note.venue == "arXiv preprint"


def test_bom_prefixed_text_is_detected() -> None:
    assert detect("\ufeffAbstract:One.\n") == "abstracts_only"
    assert len(parse('\ufeff{"title": null}\n', format="jsonl").errors) == 1
