"""Bad input: empty, binary, legacy encodings, truncated files and absurdly long lines."""

from __future__ import annotations

import contextlib
import time

import pytest

from ingest.formats import FORMATS, ParseError, decode, detect, parse
from tests.conftest import sample_dump_path

LINE_FORMATS = [
    "profile_page",
    "paper_feed",
    "arxiv_listing",
    "abstracts_only",
    "publications_page",
]


def sample(prefix: str) -> str:
    """Decoded text of a sample dump; skip when the shared folder is absent."""
    return decode(sample_dump_path(prefix).read_bytes())


@pytest.mark.parametrize("text", ["", "   \n\n\t\n"])
def test_empty_input_is_refused_by_detect(text: str) -> None:
    with pytest.raises(ParseError, match="empty"):
        detect(text)
    with pytest.raises(ParseError, match="empty"):
        parse(text)


@pytest.mark.parametrize("name", sorted(set(FORMATS) - {"arxiv_atom", "openalex", "csl_json"}))
def test_empty_input_with_forced_format_gives_no_records(name: str) -> None:
    result = parse("", format=name)
    assert result.records == [] and result.errors == []


@pytest.mark.parametrize("name", ["arxiv_atom", "openalex", "csl_json"])
def test_empty_document_formats_raise(name: str) -> None:
    with pytest.raises(ParseError):
        parse("", format=name)


def test_unknown_format_name() -> None:
    with pytest.raises(ParseError, match="unknown format"):
        parse("text", format="word")


def test_unrecognised_text_names_the_problem() -> None:
    with pytest.raises(ParseError, match="cannot recognise"):
        detect("just some words\non two lines\n")


def test_binary_with_nul_bytes_is_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"
    with pytest.raises(ParseError, match="binary") as info:
        decode(png)
    assert info.value.line == 3


def test_control_characters_are_refused() -> None:
    with pytest.raises(ParseError, match="binary"):
        decode(b"abc\x01\x02\x03\x04def\x05\x06\x07" * 10)


def test_random_high_bytes_are_refused() -> None:
    noise = bytes(range(0x80, 0x100)) * 4
    with pytest.raises(ParseError, match="UTF-8"):
        decode(b"hello\n" + noise)


def test_utf8_bom_and_crlf() -> None:
    text = decode("\ufeffAbstract:Gödel’s theorem.\r\nAbstract:Two.\r\n".encode())
    assert text == "Abstract:Gödel’s theorem.\nAbstract:Two.\n"
    assert len(parse(text).records) == 2


def test_utf16_with_bom() -> None:
    assert decode("Abstract:Zoë\n".encode("utf-16")) == "Abstract:Zoë\n"


def test_latin1_and_cp1252_fall_back() -> None:
    legacy = "Abstract:Gödel’s incompleteness, café.\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        legacy.decode("utf-8")
    text = decode(legacy)
    assert text == "Abstract:Gödel’s incompleteness, café.\n"
    assert parse(text).records[0].abstract == "Gödel’s incompleteness, café."
    assert decode("Ångström".encode("latin-1")) == "Ångström"


def test_truncated_paper_feed_keeps_earlier_records() -> None:
    text = sample("001")
    cut = text[: text.rindex("Yann Dubois, Xuechen Li") + len("Yann Dubois, Xue")]
    result = parse(cut, format="paper_feed")
    assert len(result.records) == 49
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.line == 117 and "truncated" in error.message
    assert error.record is not None and error.record.title is not None
    assert error.record.title.startswith("AlpacaFarm")


def test_truncated_publications_page_keeps_earlier_records() -> None:
    text = sample("004")
    cut = text[: text.rindex("- Distilling the Knowledge") + len("- Distilling the Kno")]
    result = parse(cut, format="publications_page")
    assert len(result.records) == 78
    assert [e.line for e in result.errors] == [169]
    assert result.errors[0].record is not None


def test_truncated_arxiv_listing_keeps_earlier_records() -> None:
    text = sample("002")
    cut = text[: text.rindex("The academic publishing world") + 60]
    result = parse(cut, format="arxiv_listing")
    assert len(result.records) == 9
    assert [e.line for e in result.errors] == [54]
    assert "truncated" in result.errors[0].message
    partial = result.errors[0].record
    assert partial is not None and partial.abstract is not None
    assert partial.abstract.startswith("The academic publishing world")


def test_truncated_profile_page_keeps_earlier_records() -> None:
    text = sample("000")
    cut = text[: text.rindex("preprint2020arXiv") + len("preprint2020arXiv\n\nDistrib")]
    result = parse(cut, format="profile_page")
    assert len(result.records) == 4
    assert [e.line for e in result.errors] == [79]


def test_truncated_jsonl_keeps_earlier_records() -> None:
    from ingest.formats import synth

    text = synth.generate(5, seed=3, format="jsonl")
    result = parse(text[:-40], format="jsonl")
    assert len(result.records) == 4
    assert [e.line for e in result.errors] == [5]


@pytest.mark.parametrize("name", LINE_FORMATS + ["jsonl"])
def test_megabyte_line_is_reported_not_hung(name: str) -> None:
    started = time.perf_counter()
    result = parse("Abstract:ok\n" + "aB, " * 250_000 + "\nAbstract:fine\n", format=name)
    assert time.perf_counter() - started < 2
    assert any(e.line == 2 and "characters long" in e.message for e in result.errors)


@pytest.mark.parametrize("name", sorted(FORMATS))
@pytest.mark.parametrize(
    "line", ["x" * 1_000_000, "Ab Cd, " * 140_000, "{" * 1_000_000, "- " + "Mar 2020" * 120_000]
)
def test_megabyte_single_line_any_format_is_fast(name: str, line: str) -> None:
    started = time.perf_counter()
    with contextlib.suppress(ParseError):
        parse(line, format=name)
    assert time.perf_counter() - started < 3


def test_megabyte_line_detect_is_fast() -> None:
    started = time.perf_counter()
    with pytest.raises(ParseError):
        detect("Ab Cd, " * 150_000)
    assert time.perf_counter() - started < 3
