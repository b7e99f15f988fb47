"""Placement keeps what identifies people and counts impact: Authorship.orcid, institutions'
ROR ids, and citation counts with who counted them and when."""

from __future__ import annotations

import datetime
import json

import pytest

from papers.models import Authorship, Paper
from profiles.models import Author, Institution
from tests.ingest.helpers import import_bytes

ORCID_A = "0000-0002-1825-0097"
ROR_STANFORD = "00f54p054"


def openalex_work(*, cited_by: int, updated: str, name: str = "Stanford University", orcid=None) -> dict:
    return {
        "id": "https://openalex.org/W4000000001",
        "doi": "https://doi.org/10.5555/widgets.2",
        "title": "Counting Widgets Carefully",
        "publication_year": 2022,
        "cited_by_count": cited_by,
        "updated_date": updated,
        "authorships": [
            {
                "author": {"display_name": "Zoë Ångström", "orcid": orcid and f"https://orcid.org/{orcid}"},
                "institutions": [{"display_name": name, "ror": f"https://ror.org/{ROR_STANFORD}"}],
            },
            {"author": {"display_name": "Piotr Ćwik"}, "institutions": []},
        ],
    }


def run(capture, work: dict, name: str):
    return import_bytes(capture, json.dumps({"results": [work]}).encode(), name, format="openalex")


@pytest.mark.django_db
def test_openalex_import_stores_orcid_ror_and_citation_count(django_capture_on_commit_callbacks):
    batch = run(
        django_capture_on_commit_callbacks,
        openalex_work(cited_by=42, updated="2025-11-30T04:12:55", orcid=ORCID_A),
        "w1.json",
    )
    assert batch.created_count == 1
    paper = Paper.objects.get()
    assert (paper.citation_count, paper.citation_count_source, paper.citation_count_date) == (
        42,
        "OpenAlex",
        datetime.date(2025, 11, 30),
    )
    first = Authorship.objects.get(paper=paper, position=0)
    assert first.orcid == ORCID_A
    assert (first.author.orcid, first.author.orcid_source) == (ORCID_A, "import")
    assert Authorship.objects.get(paper=paper, position=1).orcid == ""
    stanford = Institution.objects.get()
    assert stanford.ror_id == ROR_STANFORD
    assert list(first.institutions.all()) == [stanford]


@pytest.mark.django_db
def test_a_ror_id_finds_the_institution_whatever_name_the_source_wrote(django_capture_on_commit_callbacks):
    run(django_capture_on_commit_callbacks, openalex_work(cited_by=1, updated="2025-01-01"), "w1.json")
    work = openalex_work(cited_by=1, updated="2025-01-01", name="Leland Stanford Junior University")
    work |= {"id": "https://openalex.org/W2", "doi": None, "title": "Another widget paper"}
    run(django_capture_on_commit_callbacks, work, "w2.json")
    assert Institution.objects.count() == 1
    assert Institution.objects.get().name == "Stanford University"


@pytest.mark.django_db
def test_a_newer_count_replaces_an_older_one_and_never_the_reverse(django_capture_on_commit_callbacks):
    run(django_capture_on_commit_callbacks, openalex_work(cited_by=42, updated="2025-11-30"), "now.json")
    older = run(
        django_capture_on_commit_callbacks, openalex_work(cited_by=30, updated="2024-06-01"), "old.json"
    )
    assert older.unchanged_count == 1
    assert Paper.objects.get().citation_count == 42
    newer = run(
        django_capture_on_commit_callbacks, openalex_work(cited_by=50, updated="2026-02-01"), "new.json"
    )
    assert newer.updated_count == 1
    paper = Paper.objects.get()
    assert (paper.citation_count, paper.citation_count_date) == (50, datetime.date(2026, 2, 1))


@pytest.mark.django_db
def test_a_later_source_fills_the_orcid_of_authors_already_listed(django_capture_on_commit_callbacks):
    run(django_capture_on_commit_callbacks, openalex_work(cited_by=1, updated="2025-01-01"), "plain.json")
    assert Authorship.objects.get(position=0).orcid == ""
    again = run(
        django_capture_on_commit_callbacks,
        openalex_work(cited_by=1, updated="2025-01-01", orcid=ORCID_A),
        "with-orcid.json",
    )
    assert again.updated_count == 1
    assert Authorship.objects.get(position=0).orcid == ORCID_A
    assert Author.objects.get(display_name="Zoë Ångström").orcid == ORCID_A
    assert Author.objects.count() == 2
