"""Conflict-of-interest export: an author's co-authors within the last N years, as JSON and CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from profiles.models import Author, Institution
from tests.papers.builders import make_author, make_paper, refresh

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def reviewer_world():
    lab = Institution.objects.create(name="Recent Lab", slug="recent-lab")
    author = make_author("Rita Reviewed")
    recent = make_author("Ben Recent", institution=lab)
    twice = make_author("Eve Twice")
    old = make_author("Carl Old")
    undated = make_author("Dora Undated")
    make_paper("Recent joint", authors=[author, recent], year=THIS_YEAR - 1)
    make_paper("Twice early", authors=[author, twice], year=THIS_YEAR - 9)
    make_paper("Twice late", authors=[author, twice], year=THIS_YEAR - 3)
    make_paper("Long ago", authors=[author, old], year=THIS_YEAR - 11)
    make_paper("No date", authors=[author, undated])
    make_paper("Not with Rita", authors=[recent, old], year=THIS_YEAR)
    refresh([author, recent, twice, old, undated])
    return author


def test_the_json_lists_recent_coauthors_most_recent_first(client, reviewer_world):
    response = client.get(f"/api/v1/authors/{reviewer_world.slug}/coi.json")
    assert response.status_code == 200
    data = response.json()
    assert data["years"] == 4 and data["since_year"] == THIS_YEAR - 4
    rows = [
        (row["name"], row["institution"], row["last_year_together"], row["papers_together"])
        for row in data["coauthors"]
    ]
    assert rows == [
        ("Ben Recent", "Recent Lab", THIS_YEAR - 1, 1),
        ("Eve Twice", "", THIS_YEAR - 3, 2),
        ("Dora Undated", "", None, 1),  # undated shared work is listed, not silently dropped
    ]
    ben = Author.objects.get(display_name="Ben Recent")
    assert data["coauthors"][0]["profile_url"] == f"http://testserver{ben.get_absolute_url()}"


def test_the_window_is_chosen_with_years_and_validated(client, reviewer_world):
    url = f"/api/v1/authors/{reviewer_world.slug}/coi.json"
    names = [row["name"] for row in client.get(url + "?years=20").json()["coauthors"]]
    assert names == ["Ben Recent", "Eve Twice", "Carl Old", "Dora Undated"]
    assert [row["name"] for row in client.get(url + "?years=1").json()["coauthors"]] == [
        "Ben Recent",
        "Dora Undated",
    ]
    for bad in ("0", "51", "four"):
        for suffix in ("coi.json", "coi.csv"):
            response = client.get(f"/api/v1/authors/{reviewer_world.slug}/{suffix}?years={bad}")
            assert response.status_code == 400, (suffix, bad)
            assert response.json()["fields"]["years"]


def test_the_csv_downloads_with_the_same_rows(client, reviewer_world):
    response = client.get(f"/api/v1/authors/{reviewer_world.slug}/coi.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    filename = f"{reviewer_world.slug}-coauthors-since-{THIS_YEAR - 4}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["name", "profile_url", "institution", "last_year_together", "papers_together"]
    assert [(row[0], row[2], row[3], row[4]) for row in rows[1:]] == [
        ("Ben Recent", "Recent Lab", str(THIS_YEAR - 1), "1"),
        ("Eve Twice", "", str(THIS_YEAR - 3), "2"),
        ("Dora Undated", "", "", "1"),
    ]


def test_a_formula_in_a_name_is_neutralised_in_the_csv(client):
    author, hostile = make_author("Safe Author"), make_author('=HYPERLINK("http://x")')
    make_paper("Joint", authors=[author, hostile], year=THIS_YEAR)
    refresh([author, hostile])
    rows = list(
        csv.reader(io.StringIO(client.get(f"/api/v1/authors/{author.slug}/coi.csv").content.decode()))
    )
    assert rows[1][0] == '\'=HYPERLINK("http://x")'


def test_the_profile_links_both_formats_and_a_merged_author_moves(client, reviewer_world):
    html = client.get(reviewer_world.get_absolute_url()).content.decode()
    assert f'href="/api/v1/authors/{reviewer_world.slug}/coi.csv"' in html
    assert f'href="/api/v1/authors/{reviewer_world.slug}/coi.json"' in html
    merged = make_author("R. Reviewed")
    Author.objects.filter(pk=merged.pk).update(merged_into=reviewer_world)
    response = client.get(f"/api/v1/authors/{merged.slug}/coi.json?years=2")
    assert response.status_code == 301
    assert response["Location"] == f"http://testserver/api/v1/authors/{reviewer_world.slug}/coi.json"
