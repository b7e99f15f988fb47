"""Importer gaps seen on dumps nobody had seen before (issue 17), on constructed examples."""

import pytest

from ingest import formats
from ingest.formats import CanonicalRecord, ParseResult, paper_feed, publications_page
from ingest.models import ImportBatch, ImportRecord
from papers.models import Paper
from tests.conftest import sample_dump_path
from tests.ingest.helpers import import_bytes

# --------------------------------------------------------------------------- a. missing abstract

FEED_WITHOUT_ONE_ABSTRACT = """\
45.7CRFeb 11, 2023
Robust Widgets for Everyone: A StudyJane Doe, Li Wei, Ann Lee
The first abstract, as the feed shows it.
12.9LGMar 19
Sparse Gadgets Are All You NeedOmar Khan, Rosa Diaz et al.
15.5HCAug 15, 2024Code
Counting Sprockets at ScaleMaria Rossi, Karl Berg
The third abstract.
"""


def test_a_feed_record_without_its_abstract_line_is_kept_with_a_warning_naming_the_line():
    result = formats.parse(FEED_WITHOUT_ONE_ABSTRACT)
    assert result.format == "paper_feed"
    titles = [record.title for record in result.records]
    assert titles == [
        "Robust Widgets for Everyone: A Study",
        "Sparse Gadgets Are All You Need",
        "Counting Sprockets at Scale",
    ]
    assert result.records[1].abstract is None and result.records[1].category == "cs.LG"
    assert [(warning.line, warning.record.title) for warning in result.warnings] == [
        (5, "Sparse Gadgets Are All You Need")
    ]
    assert "no abstract line after the title line 5" in str(result.warnings[0])
    assert result.errors == []


@pytest.mark.django_db
def test_the_warning_is_kept_on_the_import_record(django_capture_on_commit_callbacks):
    batch = import_bytes(django_capture_on_commit_callbacks, FEED_WITHOUT_ONE_ABSTRACT.encode(), "feed.txt")
    assert batch.status == ImportBatch.Status.DONE and batch.failed_count == 0
    warned = ImportRecord.objects.get(batch=batch, data__title="Sparse Gadgets Are All You Need")
    assert warned.status == ImportRecord.Status.CREATED
    assert "line 5" in warned.warning and "abstract" in warned.warning
    assert ImportRecord.objects.filter(batch=batch, warning="").count() == 2
    assert Paper.objects.count() == 3


# --------------------------------------------------------------------------- b. mixed blocks

MIXED = """\
Abstract:First abstracts-only text about models.
Abstract:Second abstracts-only text,
wrapped onto a second line.

A listing abstract about transformers.

ICML 2020

arXiv:2007.05105
Created: 2020-07-10

Abstract:Third abstracts-only text.

Another listing abstract.

arXiv:2102.10472
Created: 2021-02-20
Abstract:A prefixed listing abstract.

arXiv:2302.05733
Created: 2023-02-11

A dangling paragraph with no id.
"""


def test_a_file_mixing_listing_and_abstracts_only_blocks_reads_every_block():
    result = formats.parse(MIXED)
    got = [(r.line_start, r.line_end, r.arxiv_id, r.venue, r.abstract) for r in result.records]
    assert got == [
        (1, 1, None, None, "First abstracts-only text about models."),
        (2, 3, None, None, "Second abstracts-only text, wrapped onto a second line."),
        (5, 10, "2007.05105", "ICML 2020", "A listing abstract about transformers."),
        (12, 12, None, None, "Third abstracts-only text."),
        (14, 17, "2102.10472", None, "Another listing abstract."),
        (18, 21, "2302.05733", None, "A prefixed listing abstract."),
    ]
    assert [(error.line, error.message) for error in result.errors] == [
        (23, "abstract is not followed by an arXiv:ID line (truncated?)")
    ]
    # Whichever format is asked for, the other format's blocks are not lost.
    for name in ("arxiv_listing", "abstracts_only"):
        assert len(formats.parse(MIXED, format=name).records) == 6


def test_lines_no_record_accounts_for_are_reported_by_line():
    lines = ["Abstract:one", "", "stray", "stray again", "", "Abstract:two", "tail"]
    result = ParseResult(
        records=[
            CanonicalRecord(abstract="one", line_start=1, line_end=1),
            CanonicalRecord(abstract="two", line_start=6, line_end=6),
        ]
    )
    errors = formats._unclaimed_lines(lines, result)
    assert [(error.line, error.message) for error in errors] == [
        (3, "lines 3-4 not read as part of any record"),
        (7, "line 7 not read as part of any record"),
    ]


# --------------------------------------------------------------------------- c. LaTeX accents


@pytest.mark.parametrize(
    ("line", "title", "authors"),
    [
        (
            "Sparks of Intelligence: Early Experiments with GPT-4S\\'ebastien Bubeck, Varun Chandrasekaran",
            "Sparks of Intelligence: Early Experiments with GPT-4",
            ["Sébastien Bubeck", "Varun Chandrasekaran"],
        ),
        (
            'Learning to Rank in Linear Time\\"Ozg\\"ur \\c{S}im\\c{s}ek, Ann Lee et al.',
            "Learning to Rank in Linear Time",
            ["Özgür Şimşek", "Ann Lee"],
        ),
        (
            'Braces Around {$\\alpha$} Accents{\\"O}zg{\\"u}r Akg\\"un, Li Wei',
            "Braces Around {$\\alpha$} Accents",
            ["Özgür Akgün", "Li Wei"],
        ),
    ],
)
def test_a_glued_first_author_written_with_latex_accents_is_split(line, title, authors):
    split = paper_feed.parse_title_line(line)
    assert split is not None
    assert (split.title, split.authors) == (title, authors)
    item = publications_page.parse_item(line.removesuffix(" et al.") + "Mar 2020")
    assert item is not None and (item.title, item.authors) == (title, authors)


# --------------------------------------------------------------------------- d. same dumps, other bytes

VARIANTS = {
    "crlf": lambda data: data.replace(b"\n", b"\r\n"),
    "bom": lambda data: b"\xef\xbb\xbf" + data,
    "bom-crlf-trailing": lambda data: (
        b"\xef\xbb\xbf" + b"\r\n".join(line + b" \t" for line in data.split(b"\n"))
    ),
    "leading-tabs": lambda data: b"\n".join(
        b"\t" + line if line.strip() else line for line in data.split(b"\n")
    ),
    "inner-tabs": lambda data: data.replace(b" ", b"\t"),
    "double-spaces": lambda data: data.replace(b" ", b"  "),
    "blank-lines": lambda data: b"\n \t\n" + data.replace(b"\n\n", b"\n\n \n") + b"\n\n\n",
    "every-line-spaced": lambda data: data.replace(b"\n", b"\n\n"),
}
MOVES_LINES = {"blank-lines", "every-line-spaced"}


def _records(data: bytes, keep_lines: bool) -> tuple:
    result = formats.parse(formats.decode(data))
    records = []
    for record in result.records:
        fields = record.to_dict()
        if not keep_lines:
            del fields["line_start"], fields["line_end"]
        records.append(fields)
    return result.format, records, len(result.errors), result.context


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_whitespace_variants_of_the_sample_formats_give_the_same_records(prefix, variant):
    data = sample_dump_path(prefix).read_bytes()
    keep_lines = variant not in MOVES_LINES
    clean = _records(data, keep_lines)
    assert clean[1], "the clean file has records"
    assert _records(VARIANTS[variant](data), keep_lines) == clean
