"""The synthetic dump generator: deterministic, realistic, fast, and read back exactly."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from ingest.formats import detect, parse
from ingest.formats.synth import SUPPORTED, generate, generate_with_records


@pytest.mark.parametrize("fmt", SUPPORTED)
def test_round_trip(fmt: str) -> None:
    text, expected = generate_with_records(10_000, seed=42, format=fmt)
    assert detect(text) == ("jsonl" if fmt == "arxiv" else fmt)  # the arXiv shape is written as JSON Lines
    result = parse(text)
    assert result.errors == []
    assert len(result.records) == 10_000
    for got, want in zip(result.records, expected, strict=True):
        assert got == want, (got.line_start, got.to_dict(), want.to_dict())


@pytest.mark.parametrize("fmt", SUPPORTED)
def test_deterministic_by_seed(fmt: str) -> None:
    assert generate(200, seed=7, format=fmt) == generate(200, seed=7, format=fmt)
    assert generate(200, seed=7, format=fmt) != generate(200, seed=8, format=fmt)


def test_feed_has_the_quirks_importers_must_handle() -> None:
    _, records = generate_with_records(2000, seed=1)
    assert any(r.authors_truncated for r in records)
    assert any(r.date and r.date.startswith("--") for r in records)  # year-less dates
    assert any(r.has_code is None for r in records) and any(r.has_code for r in records)
    assert any(r.institutions for r in records)
    names = [name for r in records for name in r.authors]
    assert any(not name.isascii() for name in names)  # accented names
    # Shared co-authors make a graph: many people appear on several papers.
    counts = Counter(names)
    assert sum(1 for n in counts.values() if n >= 3) > 100


def test_publications_page_has_more_authors_and_venues() -> None:
    _, records = generate_with_records(1000, seed=2, format="publications_page")
    assert any(r.authors_more for r in records)
    assert any(r.venue and r.venue.startswith("In ") for r in records)
    assert any(r.venue and not r.venue.startswith("In ") for r in records)


def test_arxiv_shape_has_real_author_counts_namesakes_and_recurring_people() -> None:
    _, records = generate_with_records(20_000, seed=3, format="arxiv")
    counts = sorted(len(r.authors) for r in records)
    assert counts[len(counts) // 2] == 4  # median
    assert 5.5 < sum(counts) / len(counts) < 7.5  # mean
    assert counts[-1] > 100  # consortium papers
    names = Counter(name for r in records for name in r.authors)
    # Common names stand for many people: the most frequent written name is on hundreds of papers.
    assert names.most_common(1)[0][1] > 200
    assert sum(1 for count in names.values() if count >= 5) > 1000
    assert all(r.abstract and r.arxiv_id for r in records)
    assert len({r.arxiv_id for r in records}) == len(records)


def test_unknown_synthetic_format() -> None:
    with pytest.raises(ValueError, match="synthetic format"):
        generate(1, seed=1, format="bibtex")


def test_a_hundred_thousand_records_are_generated_without_a_wait() -> None:
    """The benchmark feeds (up to a million records) are generated in seconds: 100,000 records
    take about 5 s on a quiet 2-core machine; the bound only catches a generator that went
    quadratic (which would take many minutes), not a busy machine."""
    started = time.perf_counter()
    text = generate(100_000, seed=5)
    elapsed = time.perf_counter() - started
    assert elapsed < 60, f"took {elapsed:.1f}s"
    assert text.count("\n") >= 200_000
