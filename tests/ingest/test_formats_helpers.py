"""Shared helpers: canonical record, identifiers, dates, LaTeX, names and the glue splitter."""

from __future__ import annotations

from dataclasses import fields

import pytest

from common.text import latex_to_unicode
from ingest.formats import FORMATS, CanonicalRecord, ParseError, ParseResult
from ingest.formats.canonical import (
    CANONICAL_KEYS,
    IDENTIFIER_KEYS,
    clean_ws,
    normalize_arxiv_id,
    normalize_doi,
    parse_date,
)
from ingest.formats.names import name_shape, split_title_authors


def test_record_has_exactly_the_canonical_keys() -> None:
    assert tuple(f.name for f in fields(CanonicalRecord)) == CANONICAL_KEYS + IDENTIFIER_KEYS
    data = CanonicalRecord(title="T", authors=["A B"]).to_dict()
    assert list(data) == list(CANONICAL_KEYS)
    assert (data["authors"], data["institutions"], data["authors_truncated"]) == (
        ["A B"],
        [],
        False,
    )
    assert CanonicalRecord.from_dict(data) == CanonicalRecord(title="T", authors=["A B"])


def test_parse_error_carries_line_and_message() -> None:
    error = ParseError("something is off", 7)
    assert (error.line, error.message, str(error)) == (
        7,
        "something is off",
        "line 7: something is off",
    )
    assert str(ParseError("no line")) == "no line"
    assert ParseResult().records == [] and ParseResult().context == {}


def test_every_format_module_has_parse_and_sniff() -> None:
    assert set(FORMATS) == {
        "profile_page", "paper_feed", "arxiv_listing", "abstracts_only", "publications_page",
        "bibtex", "arxiv_atom", "openalex", "csl_json", "jsonl",
    }  # fmt: skip
    for module in FORMATS.values():
        assert callable(module.parse) and callable(module.sniff)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("arXiv:2305.14387", "2305.14387"),
        ("2305.14387v3", "2305.14387"),
        ("https://arxiv.org/abs/2305.14387v2", "2305.14387"),
        ("https://arxiv.org/pdf/2305.14387.pdf", "2305.14387"),
        ("ARXIV:1809.07841", "1809.07841"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("math.GT/0309136", "math.GT/0309136"),
        ("not an id", None),
        ("", None),
    ],
)
def test_normalize_arxiv_id(raw: str, expected: str | None) -> None:
    assert normalize_arxiv_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://doi.org/10.1007/BF01700692", "10.1007/bf01700692"),
        ("http://dx.doi.org/10.1145/3442188.3445922", "10.1145/3442188.3445922"),
        ("doi:10.48550/arXiv.2305.14387", "10.48550/arxiv.2305.14387"),
        (" 10.1000/XYZ ", "10.1000/xyz"),
        ("https://example.org/10.1000/x", None),
        (None, None),
    ],
)
def test_normalize_doi(raw: str | None, expected: str | None) -> None:
    assert normalize_doi(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023", "2023"),
        ("2023-02", "2023-02"),
        ("2023-02-11", "2023-02-11"),
        ("2023-05-22T17:55:50Z", "2023-05-22"),
        ("Feb 11, 2023", "2023-02-11"),
        ("Mar 19", "--03-19"),
        ("Feb 29", "--02-29"),
        ("Mar 2025", "2025-03"),
        ("September 2021", "2021-09"),
        ("11 Feb 2023", "2023-02-11"),
        ("--12-31", "--12-31"),
        ("Feb 30, 2023", None),
        ("2023-13", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_date(raw: str, expected: str | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ('G{\\"o}del', "Gödel"),
        ("Erd\\H{o}s", "Erdős"),
        ("P{\\'a}l", "Pál"),
        ("Ji\\v{r}\\'{\\i}", "Jiří"),
        ("{\\c{C}}elik", "Çelik"),
        ('\\AA{}ngstr\\"om', "Ångström"),
        ("Stra\\ss e", "Straße"),
        ("{BERT} and $\\mathbf{x}$", "BERT and $\\mathbf{x}$"),
        ("Smith \\& Sons", "Smith & Sons"),
    ],
)
def test_latex_to_unicode(latex: str, text: str) -> None:
    assert latex_to_unicode(latex) == text


def test_clean_ws() -> None:
    assert clean_ws("  a \n\t b  ") == "a b"
    assert clean_ws("   ") is None
    assert clean_ws(None) is None


@pytest.mark.parametrize(
    "name",
    [
        "Joseph C. O\u2019Brien",
        "Angelina McMillan-Major",
        "Laurens van der Maaten",
        "Louis-Philippe Morency",
        "J. Zico Kolter",
        "Rose E Wang",
        "Balázs Galambosi",
        "Łukasz Kaczmarek",
        "YongChing Hong",
        "Jean de la Fontaine",
        "Martin Luther King Jr.",
    ],
)
def test_name_shape_accepts_names(name: str) -> None:
    assert name_shape(name) is not None


@pytest.mark.parametrize(
    "text", ["Large Language Models", "RNNs", "with Hidden States", "LLaMA", "GPT-4", "2020", ""]
)
def test_name_shape_rejects_non_names(text: str) -> None:
    # `Large Language Models` is name-shaped, as it must be: the splitter decides by context.
    shape = name_shape(text)
    assert shape is None or shape.words == 3


@pytest.mark.parametrize(
    ("glued", "title", "authors"),
    [
        ("Whose Opinions Do Language Models Reflect?Shibani Santurkar, Esin Durmus",
         "Whose Opinions Do Language Models Reflect?", ["Shibani Santurkar", "Esin Durmus"]),
        ("Learning to (Learn at Test Time)Yu Sun, Xinhao Li",
         "Learning to (Learn at Test Time)", ["Yu Sun", "Xinhao Li"]),
        ("Generative AIClark Barrett, Brad Boyd", "Generative AI", ["Clark Barrett", "Brad Boyd"]),
        ("AlpacaFarm: Learning from FeedbackYann Dubois", "AlpacaFarm: Learning from Feedback",
         ["Yann Dubois"]),
        ("Principles, Challenges, and Open QuestionsPaul Pu Liang, Amir Zadeh, and Louis Morency",
         "Principles, Challenges, and Open Questions",
         ["Paul Pu Liang", "Amir Zadeh", "Louis Morency"]),
        ("Good Reranker for Hard Samples!Yubo Ma, YongChing Hong",
         "Good Reranker for Hard Samples!", ["Yubo Ma", "YongChing Hong"]),
        ("Towards Sparse Recognition with GraphMendÉmilie Varga, José D\u2019Souza",
         "Towards Sparse Recognition with GraphMend", ["Émilie Varga", "José D\u2019Souza"]),
        ("Scaling Laws for GPT-4J. Zico Kolter", "Scaling Laws for GPT-4", ["J. Zico Kolter"]),
        ("Mamba: State SpacesAlbert Gu and Tri Dao", "Mamba: State Spaces",
         ["Albert Gu", "Tri Dao"]),
    ],
)  # fmt: skip
def test_split_title_authors(glued: str, title: str, authors: list[str]) -> None:
    split = split_title_authors(glued)
    assert split is not None
    assert (split.title, split.authors) == (title, authors)


@pytest.mark.parametrize(
    "text",
    [
        "A sentence of an abstract that ends with a period.",
        "All lower case without any glue at all",
        "Ends with a url https://example.org/Code",
        "",
    ],
)
def test_split_title_authors_refuses_prose(text: str) -> None:
    assert split_title_authors(text) is None
