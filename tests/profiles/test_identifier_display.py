"""What a reader sees of identifiers: ORCID iD and ROR on profiles, citation counts with their
source and date on paper pages and works lists, and the same in the API."""

from __future__ import annotations

import json
import re

import pytest

from papers.models import Paper
from profiles.models import Author
from tests.ingest.helpers import import_bytes
from tests.profiles.identity_helpers import fast_embedder  # noqa: F401 - a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_embedder")]

ORCID_A = "0000-0002-1825-0097"
ROR_STANFORD = "00f54p054"

WORK = {
    "id": "https://openalex.org/W4000000001",
    "doi": "https://doi.org/10.5555/widgets.2",
    "title": "Counting Widgets Carefully",
    "publication_year": 2022,
    "cited_by_count": 42,
    "updated_date": "2025-11-30T04:12:55",
    "authorships": [
        {
            "author": {"display_name": "Zoë Ångström", "orcid": f"https://orcid.org/{ORCID_A}"},
            "institutions": [
                {"display_name": "Stanford University", "ror": f"https://ror.org/{ROR_STANFORD}"}
            ],
        },
        {"author": {"display_name": "Piotr Ćwik"}},
    ],
}


def _text(response) -> str:
    assert response.status_code == 200
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def imported(django_capture_on_commit_callbacks):
    import_bytes(
        django_capture_on_commit_callbacks, json.dumps(WORK).encode(), "work.json", format="openalex"
    )
    zoe = Author.objects.get(display_name="Zoë Ångström")
    zoe.institution = zoe.authorships.get().institutions.get()
    zoe.save(update_fields=["institution"])
    return zoe, Paper.objects.get()


def test_profile_shows_the_orcid_id_as_a_link_and_the_institution_ror(client, imported):
    zoe, _ = imported
    response = client.get(zoe.get_absolute_url())
    html = response.content.decode()
    assert f'href="https://orcid.org/{ORCID_A}"' in html
    assert f'href="https://ror.org/{ROR_STANFORD}"' in html
    page = _text(response)
    assert f"ORCID iD https://orcid.org/{ORCID_A} (from an import)" in page
    assert f"ROR {ROR_STANFORD}" in page


def test_paper_page_and_works_list_show_citations_with_source_and_date(client, imported):
    zoe, paper = imported
    page = _text(client.get(paper.get_absolute_url()))
    assert "Cited by 42 works (counted by OpenAlex, 30 Nov 2025)" in page
    assert f"Zoë Ångström ORCID {ORCID_A}" in page
    works = _text(client.get(zoe.get_absolute_url()))
    assert "cited by 42 (counted by OpenAlex, 30 Nov 2025)" in works


def test_a_paper_without_a_count_says_nothing_about_citations(client, imported):
    _, paper = imported
    Paper.objects.filter(pk=paper.pk).update(
        citation_count=None, citation_count_source="", citation_count_date=None
    )
    assert "ited by" not in _text(client.get(paper.get_absolute_url()))


def test_api_gives_orcids_ror_ids_and_citation_counts(client, imported):
    zoe, paper = imported
    data = client.get(f"/api/v1/papers/{paper.slug}/").json()
    assert (data["citation_count"], data["citation_count_source"], data["citation_count_date"]) == (
        42,
        "OpenAlex",
        "2025-11-30",
    )
    assert [author["orcid"] for author in data["authors"]] == [ORCID_A, ""]
    listed = client.get("/api/v1/papers/").json()["results"][0]
    assert listed["citation_count"] == 42 and listed["authors"][0]["orcid"] == ORCID_A
    author = client.get(f"/api/v1/authors/{zoe.slug}/").json()
    assert (author["orcid"], author["orcid_source"]) == (ORCID_A, "import")
    assert author["institution"]["ror_id"] == ROR_STANFORD
