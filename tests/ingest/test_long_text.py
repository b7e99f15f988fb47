"""Real records with long free text and odd author lists import instead of failing a batch."""

import pytest

from ingest.formats import CanonicalRecord, jsonl
from ingest.models import ImportBatch
from papers.models import Authorship, Paper
from profiles.models import Institution
from tests.ingest.helpers import import_bytes

pytestmark = pytest.mark.django_db

LONG_AFFILIATION = (
    "Department of Computer Science and Engineering, School of Engineering, University A, "
    "1 Long Road, Some City, Some Region 12345, Country and Institute for Advanced Study, "
) * 6
LONG_TITLE = "Towards " + "very long and detailed titles with many clauses, " * 21 + "revisited"


def _record(**fields) -> CanonicalRecord:
    record = CanonicalRecord()
    for key, value in fields.items():
        setattr(record, key, value)
    return record


def test_a_1000_character_affiliation_title_and_venue_are_stored_whole(django_capture_on_commit_callbacks):
    assert len(LONG_AFFILIATION) > 1000 and len(LONG_TITLE) > 1000
    other_affiliation = LONG_AFFILIATION.strip(" ,") + " (second campus)"  # same first 300 characters
    records = [
        _record(
            title=LONG_TITLE,
            authors=["Ada Lovelace", "Gen Li"],
            institutions=[LONG_AFFILIATION, other_affiliation],
            abstract="An abstract.",
            venue="Proceedings of " + "the workshop on long names, " * 40,
            date="2024",
        )
    ]
    content = jsonl.dumps(records).encode()
    batch = import_bytes(django_capture_on_commit_callbacks, content, "long.jsonl")
    assert batch.status == ImportBatch.Status.DONE, batch.error
    assert batch.failed_count == 0, list(batch.records.values_list("error", flat=True))
    paper = Paper.objects.get()
    assert paper.title == LONG_TITLE
    assert paper.venue.startswith("Proceedings of") and len(paper.venue) > 1000
    names = set(Institution.objects.values_list("name", flat=True))
    assert names == {LONG_AFFILIATION.strip(" ,"), other_affiliation}
    slugs = list(Institution.objects.values_list("slug", flat=True))
    assert all(len(slug) <= 300 for slug in slugs) and len(set(slugs)) == 2


def test_particle_given_names_organisations_and_stray_tokens_import(django_capture_on_commit_callbacks):
    authors = ["NVIDIA", ":", "Gen Yang", "De Cheng", ",", "and", "Van Anh Nguyen", "The ATLAS Collaboration"]
    people = [f"Member{i} Family{chr(65 + i % 26)}{chr(65 + i // 26)}" for i in range(40)]
    records = [_record(title="A Paper With A Long Author List", authors=authors + people, date="2024")]
    batch = import_bytes(django_capture_on_commit_callbacks, jsonl.dumps(records).encode(), "names.jsonl")
    assert batch.status == ImportBatch.Status.DONE, batch.error
    assert batch.failed_count == 0, list(batch.records.values_list("error", flat=True))
    written = list(Authorship.objects.order_by("position").values_list("name_as_written", flat=True))
    assert written[:5] == ["NVIDIA", "Gen Yang", "De Cheng", "Van Anh Nguyen", "The ATLAS Collaboration"]
    assert len(written) == 5 + 40
