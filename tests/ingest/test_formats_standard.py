"""Standard formats (BibTeX, arXiv Atom, OpenAlex, CSL-JSON, canonical JSONL) on small fixtures."""

from __future__ import annotations

import json

import pytest

from ingest.formats import CanonicalRecord, ParseError, detect, parse
from ingest.formats import jsonl as jsonl_format

BIBTEX = r"""% exported by hand
@string{icml = "International Conference on Machine Learning"}

@article{goedel1931,
  author  = {G{\"o}del, Kurt and M{\"u}ller, J. and others},
  title   = {{\"U}ber formal unentscheidbare S{\"a}tze},
  journal = icml,
  year    = 1931,
  month   = feb,
  doi     = {https://doi.org/10.1007/BF01700692},
  abstract = {We show $p(\mathbf{x}|y)$ for T\"ULU.}
}

@misc{broken,
  title = {never closed

@inproceedings{erdos,
  author = "Ludwig van Beethoven and de la Fontaine, Jean and Erd\H{o}s, P{\'a}l",
  title = "{BERT}: {T}ransformers",
  booktitle = {NeurIPS},
  eprint = {2305.14387v2}, archivePrefix = {arXiv}, primaryClass = {cs.LG},
  date = {2023-05-22}
}
"""


def test_bibtex_entries_names_and_errors() -> None:
    assert detect(BIBTEX) == "bibtex"
    result = parse(BIBTEX)
    assert len(result.records) == 2
    goedel, erdos = result.records
    assert goedel.title == "Über formal unentscheidbare Sätze"
    assert goedel.authors == ["Kurt Gödel", "J. Müller"]
    assert goedel.authors_truncated is True
    assert goedel.venue == "International Conference on Machine Learning"
    assert (goedel.date, goedel.doi, goedel.kind) == ("1931-02", "10.1007/bf01700692", "article")
    assert goedel.abstract == r"We show $p(\mathbf{x}|y)$ for T\"ULU."  # LaTeX kept in abstracts
    assert (goedel.line_start, goedel.line_end) == (4, 12)
    assert erdos.authors == ["Ludwig van Beethoven", "Jean de la Fontaine", "Pál Erdős"]
    assert erdos.title == "BERT: Transformers"
    assert (erdos.arxiv_id, erdos.category, erdos.source) == ("2305.14387", "cs.LG", "arXiv")
    assert erdos.date == "2023-05-22"
    assert len(result.errors) == 1
    assert result.errors[0].line == 14


ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"
      xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
      xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title type="html">ArXiv Query: search_query=all:widgets</title>
  <opensearch:totalResults>2</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/abs/2101.00001v3</id>
    <published>2021-01-04T18:00:00Z</published>
    <title>Careful Widgets:
  A Study</title>
    <summary>  We build widgets with $O(n)$ cost.
Second line.</summary>
    <author><name>Zoë Ångström</name><arxiv:affiliation>Lakeside AI</arxiv:affiliation></author>
    <author><name>Piotr Ćwik</name></author>
    <arxiv:doi>10.5555/Widgets.1</arxiv:doi>
    <arxiv:comment>12 pages</arxiv:comment>
    <arxiv:journal_ref>Widget Letters 3 (2021)</arxiv:journal_ref>
    <arxiv:primary_category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG"/>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/hep-th/9901001v1</id>
    <published>1999-01-01T00:00:00Z</published>
    <title>Old Style Identifier</title>
    <summary>Strings.</summary>
    <author><name>Ann Example</name></author>
  </entry>
</feed>
"""


def test_arxiv_atom_entries() -> None:
    assert detect(ATOM) == "arxiv_atom"
    result = parse(ATOM)
    assert result.context["total_results"] == 2
    first, second = result.records
    assert first.to_dict() == {
        "title": "Careful Widgets: A Study",
        "authors": ["Zoë Ångström", "Piotr Ćwik"],
        "authors_truncated": False,
        "authors_more": None,
        "institutions": ["Lakeside AI"],
        "abstract": "We build widgets with $O(n)$ cost. Second line.",
        "arxiv_id": "2101.00001",
        "doi": "10.5555/widgets.1",
        "date": "2021-01-04",
        "category": "cs.LG",
        "score": None,
        "has_code": None,
        "venue": "12 pages; Widget Letters 3 (2021)",
        "kind": "preprint",
        "source": "arXiv",
        "line_start": 7,
        "line_end": 21,
    }
    assert second.arxiv_id == "hep-th/9901001"


def test_arxiv_atom_refuses_entity_bomb() -> None:
    bomb = (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&d;</title></entry></feed>\n'
    )
    with pytest.raises(ParseError, match="entity") as info:
        parse(bomb, format="arxiv_atom")
    assert info.value.line == 2


def test_arxiv_atom_truncated_keeps_complete_entries() -> None:
    cut = ATOM[: ATOM.index("Old Style")]
    result = parse(cut, format="arxiv_atom")
    assert [r.arxiv_id for r in result.records] == ["2101.00001"]
    assert len(result.errors) == 1 and result.errors[0].line is not None


def test_arxiv_atom_rejects_other_xml() -> None:
    with pytest.raises(ParseError, match="not an Atom feed"):
        parse("<html><body/></html>", format="arxiv_atom")


OPENALEX_WORK = {
    "id": "https://openalex.org/W123",
    "doi": "https://doi.org/10.48550/ARXIV.2305.14387",
    "title": "Widgets at Scale",
    "display_name": "Widgets at Scale",
    "publication_year": 2023,
    "publication_date": "2023-05-22",
    "type": "preprint",
    "authorships": [
        {
            "author": {"display_name": "Ann Example"},
            "institutions": [{"display_name": "Lakeside University"}],
        },
        {
            "author": {"display_name": "Bo Sample"},
            "institutions": [
                {"display_name": "Lakeside University"},
                {"display_name": "Harbor Lab"},
            ],
        },
    ],
    "primary_location": {
        "landing_page_url": "https://arxiv.org/abs/2305.14387",
        "source": {"display_name": "arXiv (Cornell University)", "type": "repository"},
    },
    "abstract_inverted_index": {
        "We": [0],
        "build": [1],
        "widgets": [2, 5],
        "and": [3],
        "more": [4],
    },
    "cited_by_count": 3,
}


def test_openalex_results_page() -> None:
    second = {**OPENALEX_WORK, "id": "https://openalex.org/W124", "doi": None, "title": "Two"}
    second["primary_location"] = {"source": {"display_name": "Widget Journal", "type": "journal"}}
    page = json.dumps({"meta": {"count": 2}, "results": [OPENALEX_WORK, second]}, indent=2)
    assert detect(page) == "openalex"
    result = parse(page)
    assert result.context["total_results"] == 2
    first, other = result.records
    assert first.abstract == "We build widgets and more widgets"
    assert first.authors == ["Ann Example", "Bo Sample"]
    assert first.institutions == ["Lakeside University", "Harbor Lab"]
    assert (first.doi, first.arxiv_id) == ("10.48550/arxiv.2305.14387", "2305.14387")
    assert (first.date, first.kind, first.source, first.venue) == (
        "2023-05-22",
        "preprint",
        "arXiv (Cornell University)",
        None,
    )
    assert (other.venue, other.doi, other.arxiv_id) == ("Widget Journal", None, None)
    assert first.line_start is not None and other.line_start is not None
    assert first.line_end is not None and first.line_end < other.line_start


def test_openalex_single_work_and_json_lines() -> None:
    single = parse(json.dumps(OPENALEX_WORK), format="openalex")
    assert [r.title for r in single.records] == ["Widgets at Scale"]
    lines = json.dumps(OPENALEX_WORK) + "\n{broken\n" + json.dumps(OPENALEX_WORK) + "\n"
    assert detect(lines) == "openalex"
    result = parse(lines)
    assert [r.line_start for r in result.records] == [1, 3]
    assert [e.line for e in result.errors] == [2]


CSL = [
    {
        "id": "http://zotero.org/users/1/items/ABC",
        "type": "article",
        "title": "Widgets for Everyone",
        "author": [
            {"family": "Gödel", "given": "Kurt"},
            {"family": "Fontaine", "given": "Jean", "non-dropping-particle": "de la"},
            {"literal": "Widget Consortium"},
        ],
        "abstract": "Widgets $x^2$ everywhere.",
        "DOI": "10.48550/arXiv.2301.00002",
        "URL": "http://arxiv.org/abs/2301.00002",
        "number": "arXiv:2301.00002",
        "publisher": "arXiv",
        "issued": {"date-parts": [["2023", 1, 2]]},
    },
    {
        "type": "paper-conference",
        "title": "Second Widget",
        "author": [{"family": "Sample", "given": "Bo"}, {"literal": "others"}],
        "container-title": "Proceedings of Widgets",
        "issued": {"date-parts": [[2022, 7]]},
    },
]


def test_csl_json_items() -> None:
    text = json.dumps(CSL, indent=2, ensure_ascii=False)
    assert detect(text) == "csl_json"
    result = parse(text)
    first, second = result.records
    assert first.authors == ["Kurt Gödel", "Jean de la Fontaine", "Widget Consortium"]
    assert (first.arxiv_id, first.doi, first.date) == (
        "2301.00002",
        "10.48550/arxiv.2301.00002",
        "2023-01-02",
    )
    assert (first.kind, first.source) == ("article", "arXiv")
    assert (second.authors, second.authors_truncated) == (["Bo Sample"], True)
    assert (second.venue, second.date) == ("Proceedings of Widgets", "2022-07")
    assert first.line_start == 2 and second.line_start is not None
    assert first.line_end is not None and first.line_end < second.line_start


def test_csl_json_truncated_keeps_earlier_items() -> None:
    text = json.dumps(CSL, indent=2)
    cut = text[: text.index("Second Widget")]
    result = parse(cut, format="csl_json")
    assert [r.title for r in result.records] == ["Widgets for Everyone"]
    assert len(result.errors) == 1 and result.errors[0].line is not None


def test_csl_json_invalid_raises() -> None:
    with pytest.raises(ParseError, match="invalid JSON"):
        parse('{"title": ', format="csl_json")


def canonical(**fields: object) -> dict[str, object]:
    """A canonical record dict with the given fields set."""
    return CanonicalRecord(**fields).to_dict()  # type: ignore[arg-type]


def test_jsonl_round_trip_and_line_numbers() -> None:
    records = [
        CanonicalRecord(title="One", authors=["Ann Example"], date="--03-19", score=12.5),
        CanonicalRecord(title="Two", authors_truncated=True, authors_more=4, has_code=True),
    ]
    text = jsonl_format.dumps(records)
    assert detect(text) == "jsonl"
    result = parse(text)
    assert [r.title for r in result.records] == ["One", "Two"]
    assert [(r.line_start, r.line_end) for r in result.records] == [(1, 1), (2, 2)]
    assert result.records[0].date == "--03-19"
    assert result.records[1].authors_more == 4


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "JSON object"),
        (json.dumps({**canonical(title="x"), "colour": "red"}), "unknown key"),
        (json.dumps({k: v for k, v in canonical().items() if k != "title"}), "missing key"),
        (json.dumps(canonical(title="x") | {"authors": "Ann"}), "list of strings"),
        (json.dumps(canonical(title="x") | {"score": True}), "boolean"),
        (json.dumps(canonical(title="x") | {"date": "March 2020"}), "'date'"),
        (json.dumps(canonical(title="x") | {"arxiv_id": "arXiv:2301.1"}), "arXiv"),
        (json.dumps(canonical(title="x") | {"authors_more": -1}), "negative"),
    ],
)
def test_jsonl_reports_bad_lines(line: str, message: str) -> None:
    good = json.dumps(canonical(title="Good"))
    result = parse(f"{good}\n{line}\n{good}\n", format="jsonl")
    assert [r.line_start for r in result.records] == [1, 3]
    assert len(result.errors) == 1
    assert result.errors[0].line == 2
    assert message in str(result.errors[0])
