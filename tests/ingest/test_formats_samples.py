"""The five sample dumps: detected format, exact record counts and tricky records."""

from __future__ import annotations

import pytest

from ingest.formats import CanonicalRecord, ParseResult, decode, detect, parse
from tests.conftest import sample_dump_path


def load(prefix: str) -> str:
    """Decoded text of the sample dump whose name starts with prefix; skip if absent."""
    return decode(sample_dump_path(prefix).read_bytes())


def by_title(result: ParseResult, title: str, prefix: bool = False) -> CanonicalRecord:
    """The single record with this exact title (or title prefix)."""
    found = [
        record
        for record in result.records
        if record.title == title or (prefix and (record.title or "").startswith(title))
    ]
    assert len(found) == 1, f"{title!r} found {len(found)} times"
    return found[0]


@pytest.mark.parametrize(
    ("prefix", "fmt", "count"),
    [
        ("000", "profile_page", 5),
        ("001", "paper_feed", 50),
        ("002", "arxiv_listing", 10),
        ("003", "abstracts_only", 10),
        ("004", "publications_page", 79),
    ],
)
def test_sample_detected_and_counted(prefix: str, fmt: str, count: int) -> None:
    text = load(prefix)
    assert detect(text) == fmt
    result = parse(text)
    assert result.format == fmt
    assert len(result.records) == count
    assert result.errors == []
    for record in result.records:
        assert record.line_start is not None and record.line_end is not None
        assert 1 <= record.line_start <= record.line_end
        assert list(record.to_dict()) == list(CanonicalRecord().to_dict())


def test_profile_page_records_and_context() -> None:
    result = parse(load("000"))
    assert result.context["subject"] == "Tatsunori B. Hashimoto"
    assert result.context["published_items"] == 5
    assert result.context["counts"] == {
        "works": 5,
        "followers": 0,
        "topics": 4,
        "close collaborators": 4,
    }
    assert result.context["affiliation"] is None  # the page says "Affiliation not imported"
    assert result.context["trust"] == 19
    first = result.records[0]
    assert first.to_dict() | {"abstract": None} == {
        "title": "AlpacaFarm: A Simulation Framework for Methods that Learn from Human Feedback",
        "authors": [],
        "authors_truncated": False,
        "authors_more": None,
        "institutions": [],
        "abstract": None,
        "arxiv_id": None,
        "doi": None,
        "date": "2024",
        "category": None,
        "score": None,
        "has_code": None,
        "venue": None,
        "kind": "preprint",
        "source": "arXiv",
        "line_start": 55,
        "line_end": 59,
    }
    assert first.abstract is not None
    assert first.abstract.startswith("Large language models (LLMs) such as ChatGPT")
    assert first.abstract.endswith("https://github.com/tatsu-lab/alpaca_farm.")
    last = result.records[-1]
    assert last.title.startswith("Distributionally Robust Neural Networks for Group Shifts: On")
    assert (last.date, last.line_start, last.line_end) == ("2020", 79, 83)


def test_paper_feed_plain_record() -> None:
    result = parse(load("001"))
    first = result.records[0]
    assert first.title == "Whose Opinions Do Language Models Reflect?"
    assert first.authors == ["Shibani Santurkar", "Esin Durmus", "Faisal Ladhak"]
    assert first.authors_truncated is True
    assert first.authors_more is None
    assert first.institutions == ["stanford"]
    # No metadata line: the feed cannot say anything about code, score or date.
    assert (first.has_code, first.score, first.category, first.date) == (None, None, None, None)
    assert (first.line_start, first.line_end) == (1, 2)


def test_paper_feed_metadata_lines() -> None:
    result = parse(load("001"))
    attacks = by_title(
        result,
        "Exploiting Programmatic Behavior of LLMs: Dual-Use Through Standard Security Attacks",
    )
    assert (attacks.score, attacks.category, attacks.date, attacks.has_code) == (
        45.7,
        "cs.CR",
        "2023-02-11",
        False,
    )
    assert (attacks.line_start, attacks.line_end) == (17, 19)
    future = by_title(result, "The Future of Open Human Feedback")
    assert (future.score, future.category, future.date, future.has_code) == (
        15.5,
        "cs.HC",
        "2024-08-15",
        True,
    )
    assert future.authors == ["Shachar Don-Yehiya", "Ben Burtenshaw", "Ramon Fernandez Astudillo"]
    assert future.institutions == ["huggingface", "ibm-research"]
    yearless = by_title(result, "Data-efficient pre-training by scaling synthetic megadocs")
    assert (yearless.date, yearless.score, yearless.category) == ("--03-19", 12.9, "cs.LG")


def test_paper_feed_tricky_splits() -> None:
    result = parse(load("001"))
    rnn = by_title(result, "Learning to (Learn at Test Time): RNNs with Expressive Hidden States")
    assert rnn.authors == ["Yu Sun", "Xinhao Li", "Karan Dalal"]
    assert by_title(result, "Learning to (Learn at Test Time)").authors[0] == "Yu Sun"
    liability = by_title(result, "Where's the Liability in Harmful AI Speech?")
    assert liability.authors == ["Peter Henderson", "Tatsunori Hashimoto", "Mark Lemley"]
    assert liability.authors_truncated is False
    # An acronym glued to a name: `Generative AIClark Barrett`.
    genai = by_title(result, "Identifying and Mitigating the Security Risks of Generative AI")
    assert genai.authors[0] == "Clark Barrett"
    assert genai.institutions == ["berkeley"]
    # A lower-case title end and an initial without a period.
    stochastic = by_title(result, "Language modeling via stochastic processes")
    assert stochastic.authors[0] == "Rose E Wang"
    loops = by_title(result, "Data Feedback Loops: Model-driven Amplification of Dataset Biases")
    assert loops.authors == ["Rohan Taori", "Tatsunori B. Hashimoto"]
    assert loops.authors_truncated is False
    alpaca = by_title(result, "Length-Controlled AlpacaEval: A Simple Way to Debias", True)
    assert alpaca.authors == ["Yann Dubois", "Balázs Galambosi", "Percy Liang"]
    decoding = by_title(result, "Contrastive Decoding: Open-ended Text Generation as Optimization")
    assert decoding.institutions == ["cmu", "microsoft-research"]
    assert by_title(result, "s1: Simple test-time scaling").authors[0] == "Niklas Muennighoff"
    under = by_title(
        result,
        "Undersampling is a Minimax Optimal Robustness Intervention",
        prefix=True,
    )
    assert "$\\textit{undersampled}$" in (under.abstract or "")


def test_arxiv_listing_records() -> None:
    result = parse(load("002"))
    first = result.records[0]
    assert (first.arxiv_id, first.date, first.venue, first.title, first.authors) == (
        "2305.14387",
        "2023-05-22",
        None,
        None,
        [],
    )
    assert (first.line_start, first.line_end) == (1, 4)
    by_id = {r.arxiv_id: r for r in result.records}
    assert by_id["2007.05105"].venue == "ICML 2020"
    assert (by_id["2007.05105"].line_start, by_id["2007.05105"].line_end) == (16, 21)
    assert by_id["2006.07630"].venue == "ICML 2020 camera ready"
    assert by_id["2005.04118"].venue == "Association for Computational Linguistics (ACL), 2020"
    assert by_id["1910.13101"].venue == "Accepted as spotlight presentation to NeurIPS 2019"
    assert "$p(\\mathbf{x}|\\mathbf{y})$" in (by_id["2006.10705"].abstract or "")
    assert by_id["1809.07841"].date == "2018-09-20"


def test_abstracts_only_records() -> None:
    result = parse(load("003"))
    tulu = result.records[3]
    assert (tulu.line_start, tulu.line_end) == (4, 4)
    assert tulu.abstract is not None
    assert tulu.abstract.startswith('Since the release of T\\"ULU [Wang et al., 2023b]')
    assert all(r.title is None and r.authors == [] for r in result.records)


def test_publications_page_records() -> None:
    result = parse(load("004"))
    assert result.context["heading"].startswith("publications")
    first = result.records[0]
    assert first.title == "DistiLLM-2: A Contrastive Approach Boosts the Distillation of LLMs"
    assert first.authors == ["Jongwoo Ko", "Tianyi Chen", "Sungnyun Kim"]
    assert (first.authors_truncated, first.authors_more, first.date) == (True, 4, "2025-03")
    assert (first.line_start, first.line_end) == (4, 5)
    survey = by_title(
        result,
        "Foundations and Trends in Multimodal Machine Learning: Principles, Challenges, and",
        prefix=True,
    )
    assert survey.title is not None and survey.title.endswith(", and Open Questions")
    assert survey.authors == ["Paul Pu Liang", "Amir Zadeh", "Louis-Philippe Morency"]
    assert (survey.authors_truncated, survey.authors_more, survey.date) == (False, None, "2022-09")
    repo = by_title(result, "Repository-Level Prompt Generation for Large Language Models of Code")
    assert (repo.venue, repo.date) == ("ICML, 2023", "2022-06")
    wake = by_title(result, "Accurate Detection of Wake Word Start and End Using a CNN")
    assert (wake.venue, wake.date, wake.authors_more) == ("Interspeech 2020", "2020-08", 3)
    parrots = by_title(result, "On the Dangers of Stochastic Parrots: Can Language Models Be", True)
    assert parrots.venue == (
        "In Proceedings of the 2021 ACM Conference on Fairness, Accountability, and "
        "Transparency, Virtual Event, Canada"
    )
    assert parrots.authors[-1] == "Angelina McMillan-Major"
    assert (parrots.date, parrots.authors_more) == ("2021-08", 1)
    gpt = by_title(result, "Improving Language Understanding by Generative Pre-Training")
    assert gpt.authors == ["Alec Radford", "Karthik Narasimhan"]
    assert (gpt.abstract, gpt.venue, gpt.date) == (None, None, "2018-10")
    assert (gpt.line_start, gpt.line_end) == (155, 155)
    agents = by_title(result, "Generative Agents: Interactive Simulacra of Human Behavior")
    assert agents.authors[1] == "Joseph C. O\u2019Brien"
    reranker = by_title(
        result,
        "Large Language Model Is Not a Good Few-shot Information Extractor, but a Good "
        "Reranker for Hard Samples!",
    )
    assert reranker.authors == ["Yubo Ma", "Yixin Cao", "YongChing Hong"]
    mamba = by_title(result, "Mamba: Linear-Time Sequence Modeling with Selective State Spaces")
    assert (mamba.authors, mamba.authors_more) == (["Albert Gu", "Tri Dao"], None)
    assert by_title(result, "Constitutional AI: Harmlessness from AI Feedback").authors_more == 48
