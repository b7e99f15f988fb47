"""Identifiers through the parsers: ORCID iDs per author, ROR ids per institution, citation
counts with their source and date. Examples are constructed, in each source's real shape."""

from __future__ import annotations

import json

import pytest

from ingest.formats import CanonicalRecord, parse
from ingest.formats.canonical import validate_record_dict
from ingest.formats.jsonl import dumps
from profiles.orcid import normalize_orcid
from profiles.ror import normalize_ror

# Valid iDs (checksums included); the second ends in the check character X.
ORCID_A = "0000-0002-1825-0097"
ORCID_B = "0000-0002-1694-233X"
ROR_STANFORD = "00f54p054"
ROR_MIT = "042nb2s44"


def test_orcid_and_ror_are_checked_and_normalised() -> None:
    assert normalize_orcid("https://orcid.org/0000-0002-1694-233x") == ORCID_B
    assert normalize_orcid("0000000218250097") == ORCID_A
    assert normalize_orcid("0000-0002-1825-0098") is None  # wrong check digit
    assert normalize_ror("https://ror.org/00F54P054") == ROR_STANFORD
    assert normalize_ror("ror.org/042nb2s44/") == ROR_MIT
    assert normalize_ror("00f54p055") is None  # wrong checksum
    assert normalize_ror("00f54p0i4") is None  # `i` is not Crockford base32


OPENALEX_WORK = {
    "id": "https://openalex.org/W4000000001",
    "doi": "https://doi.org/10.5555/widgets.2",
    "title": "Counting Widgets Carefully",
    "publication_date": "2022-03-04",
    "type": "article",
    "cited_by_count": 42,
    "updated_date": "2025-11-30T04:12:55.123456",
    "authorships": [
        {
            "author": {"display_name": "Zoë Ångström", "orcid": f"https://orcid.org/{ORCID_A}"},
            "institutions": [
                {"display_name": "Stanford University", "ror": f"https://ror.org/{ROR_STANFORD}"}
            ],
        },
        {
            "author": {"display_name": "Piotr Ćwik", "orcid": None},
            "institutions": [
                {"display_name": "Stanford University", "ror": f"https://ror.org/{ROR_STANFORD}"},
                {"display_name": "Lakeside Lab", "ror": None},
            ],
        },
        {"author": {"display_name": "Mei Chen", "orcid": "https://orcid.org/0000-0002-1825-0098"}},
    ],
}


def test_openalex_fills_orcids_rors_and_citations() -> None:
    (record,) = parse(json.dumps({"results": [OPENALEX_WORK]}), format="openalex").records
    assert record.authors == ["Zoë Ångström", "Piotr Ćwik", "Mei Chen"]
    # The third iD fails its checksum: dropped rather than trusted.
    assert record.author_ids == [{"orcid": ORCID_A}, {}, {}]
    assert record.institutions == ["Stanford University", "Lakeside Lab"]
    assert record.institution_ids == [{"ror": ROR_STANFORD}, {}]
    assert (record.cited_by_count, record.cited_by_count_source, record.cited_by_count_date) == (
        42,
        "OpenAlex",
        "2025-11-30",
    )


def test_openalex_work_without_identifiers_keeps_the_old_shape() -> None:
    work = {
        "id": "https://openalex.org/W1",
        "title": "Plain",
        "authorships": [{"author": {"display_name": "A B"}}],
    }
    (record,) = parse(json.dumps(work), format="openalex").records
    data = record.to_dict()
    assert "author_ids" not in data and "cited_by_count" not in data


CSL_ITEMS = [
    {
        "type": "article-journal",
        "title": "Widgets in Practice",
        "DOI": "10.5555/widgets.3",
        "author": [
            {
                "given": "Jane",
                "family": "Doe",
                "ORCID": f"http://orcid.org/{ORCID_B}",
                "authenticated-orcid": True,
            },
            {"given": "Richard", "family": "Roe"},
            {"literal": "others"},
        ],
        "is-referenced-by-count": 7,
        "indexed": {"date-parts": [[2025, 10, 1]], "date-time": "2025-10-01T08:00:00Z"},
        "issued": {"date-parts": [[2021, 6]]},
    },
    {
        "type": "book",
        "title": "Lowercase key",
        "author": [{"given": "Ann", "family": "Lee", "orcid": ORCID_A}],
    },
]


def test_csl_json_reads_orcid_in_name_objects_and_crossref_counts() -> None:
    first, second = parse(json.dumps(CSL_ITEMS), format="csl_json").records
    assert first.authors == ["Jane Doe", "Richard Roe"] and first.authors_truncated
    assert first.author_ids == [{"orcid": ORCID_B}, {}]
    assert (first.cited_by_count, first.cited_by_count_source, first.cited_by_count_date) == (
        7,
        "Crossref",
        "2025-10-01",
    )
    assert second.author_ids == [{"orcid": ORCID_A}]
    assert second.cited_by_count is None


BIBTEX = f"""
@article{{annotated,
  title = {{Annotated Widgets}},
  author = {{Doe, Jane and Roe, Richard and Lee, Ann}},
  author+an = {{2="orcid:{ORCID_A}"}},
  year = {{2020}},
}}

@article{{wos,
  title = {{Widgets from Web of Science}},
  author = {{Doe, Jane and Roe, Richard}},
  orcid-numbers = {{Roe, Richard/{ORCID_B}}},
}}

@inproceedings{{positional,
  title = {{One iD per author}},
  author = {{G{{\\"o}}del, Kurt and Roe, Richard}},
  ORCID = {{{ORCID_A} and {ORCID_B}}},
}}

@inproceedings{{ambiguous,
  title = {{Fewer iDs than authors}},
  author = {{Doe, Jane and Roe, Richard}},
  orcid = {{{ORCID_A}}},
}}
"""


def test_bibtex_orcids_from_annotations_named_pairs_and_positional_lists() -> None:
    annotated, wos, positional, ambiguous = parse(BIBTEX, format="bibtex").records
    assert annotated.author_ids == [{}, {"orcid": ORCID_A}, {}]
    assert wos.author_ids == [{}, {"orcid": ORCID_B}]
    assert positional.authors[0] == "Kurt Gödel"
    assert positional.author_ids == [{"orcid": ORCID_A}, {"orcid": ORCID_B}]
    # One bare iD for two authors: whose is it? Better none than the wrong person's.
    assert ambiguous.author_ids == []


def test_jsonl_round_trips_identifiers() -> None:
    record = CanonicalRecord(
        title="T",
        authors=["A B", "C D"],
        institutions=["Stanford University"],
        author_ids=[{}, {"orcid": ORCID_A}],
        institution_ids=[{"ror": ROR_STANFORD}],
        cited_by_count=3,
        cited_by_count_source="OpenAlex",
        cited_by_count_date="2025-01-02",
    )
    (back,) = parse(dumps([record]), format="jsonl").records
    assert back.author_ids == record.author_ids and back.institution_ids == record.institution_ids
    assert back.cited_by_count == 3 and back.cited_by_count_date == "2025-01-02"
    assert back.orcid_of(1) == ORCID_A and back.orcid_of(0) is None


def test_jsonl_written_before_identifiers_still_loads() -> None:
    old = (
        '{"title": "Old", "authors": ["A B"], "authors_truncated": false, "authors_more": null, '
        '"institutions": [], "abstract": null, "arxiv_id": null, "doi": null, "date": "2020", '
        '"category": null, "score": null, "has_code": null, "venue": null, "kind": null, '
        '"source": null, "line_start": 1, "line_end": 1}\n'
    )
    result = parse(old, format="jsonl")
    assert not result.errors
    (record,) = result.records
    assert record.author_ids == [] and record.cited_by_count is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"author_ids": [{"orcid": "0000-0002-1825-0098"}]}, "not an ORCID iD"),
        ({"author_ids": [{"orcid": ORCID_A}, {}]}, "one object per entry of 'authors'"),
        ({"author_ids": [{"scopus": "1"}]}, "unknown key"),
        ({"institution_ids": [{"ror": "00f54p055"}]}, "not a ROR id"),
        ({"cited_by_count": -1}, "must not be negative"),
        ({"cited_by_count": 4, "cited_by_count_date": "2025"}, "YYYY-MM-DD"),
        ({"cited_by_count_source": "OpenAlex"}, "need a 'cited_by_count'"),
    ],
)
def test_bad_identifiers_are_refused_with_a_reason(extra: dict, message: str) -> None:
    data = CanonicalRecord(title="T", authors=["A B"], institutions=["X"]).to_dict() | extra
    with pytest.raises(ValueError, match=message):
        validate_record_dict(data)
