"""Property tests: no input makes a parser, detect or decode raise anything but ParseError."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.formats import FORMATS, CanonicalRecord, ParseError, decode, detect, parse

# Pieces of every format's syntax, so generated text reaches past the first checks.
FRAGMENTS = [
    "\n", "\n\n", "\r\n", " ", ", ", ", and ", " and ", " et al.", " \u00b7 ", "- ", "Abstract:",
    "arXiv:2305.14387", " - J. Ref", "Created: 2023-05-22", "45.7CRFeb 11, 2023", "12.9LGMar 19",
    "Code", "Mar 2020", "In , ", "2023", "preprint2024arXiv", "Published work",
    "5 published item(s)", "Researcher profile", "Title?", "Model)", "John Smith",
    "Zoë O\u2019Brien",
    "McMillan-Major", "J. R.", "and 4 more authors", "@article{k,", "author = {G{\\\"o}del, K.}",
    "title = {", "}", "{", '"', "<feed xmlns=\"http://www.w3.org/2005/Atom\">", "<entry>",
    "</entry>", "<title>", "</title>", "</feed>", "<!DOCTYPE x [<!ENTITY a \"b\">]>", "&a;",
    '{"results": [', '{"title": "x", "authors": []}', '"abstract_inverted_index": {"a": [0]}',
    '[{"type": "article", "title": "t"}]', "[", "]", ":", "null", "1e999", "-", "\\", "$x$",
]  # fmt: skip

fragment = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8))
structured_text = st.lists(fragment, max_size=40).map("".join)
any_text = st.one_of(st.text(max_size=300), structured_text)


def is_control(ch: str) -> bool:
    """C0/C1 control characters other than ordinary whitespace."""
    return (ord(ch) < 32 and ch not in "\t\n\r\f\v") or 127 <= ord(ch) <= 159


def check_result(name: str, text: str) -> None:
    """Parse text with one format; only ParseError may escape, and results must be well-formed."""
    try:
        result = FORMATS[name].parse(text)
    except ParseError as error:
        assert error.line is None or error.line >= 1
        return
    for record in result.records:
        assert isinstance(record, CanonicalRecord)
        data = record.to_dict()
        CanonicalRecord.from_dict(data)  # every record is valid canonical data
    for error in result.errors:
        assert isinstance(error, ParseError)
        assert error.line is None or error.line >= 1


@pytest.mark.parametrize("name", sorted(FORMATS))
@settings(max_examples=200, deadline=None, database=None)
@given(text=any_text)
def test_parsers_only_raise_parse_error(name: str, text: str) -> None:
    check_result(name, text)
    score = FORMATS[name].sniff(text)
    assert 0.0 <= score <= 1.0


@settings(max_examples=200, deadline=None, database=None)
@given(text=any_text)
def test_detect_and_parse_only_raise_parse_error(text: str) -> None:
    try:
        name = detect(text)
    except ParseError:
        return
    assert name in FORMATS
    with contextlib.suppress(ParseError):
        parse(text)


@settings(max_examples=200, deadline=None, database=None)
@given(data=st.one_of(st.binary(max_size=400), any_text.map(lambda t: t.encode("utf-8"))))
def test_decode_only_raises_parse_error(data: bytes) -> None:
    try:
        text = decode(data)
    except ParseError as error:
        assert str(error)
        return
    assert "\r" not in text
    assert "\x00" not in text


@settings(max_examples=200, deadline=None, database=None)
@given(text=st.text(max_size=200).filter(lambda t: "\x00" not in t))
def test_decode_accepts_any_utf8_text_without_controls(text: str) -> None:
    controls = sum(1 for ch in text if is_control(ch))
    try:
        decoded = decode(text.encode("utf-8"))
    except ParseError:
        assert controls > 0
        return
    assert decoded == text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
