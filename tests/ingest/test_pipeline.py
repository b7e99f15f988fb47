"""Sample dumps become papers, authors, institutions and topics; re-imports change nothing."""

import pytest

from curation.models import CurationItem
from graph.models import CollaboratorEdge
from ingest.models import ImportBatch, ImportRecord
from papers.models import Authorship, Paper, PaperTopic
from profiles.models import Author, AuthorAlias, Institution
from tests.ingest.helpers import import_file

pytestmark = pytest.mark.django_db

SAMPLES = ["000", "001", "002", "003", "004"]
EXPECTED_RECORDS = {"000": 5, "002": 10, "003": 10, "004": 79}
ALPACAFARM = "AlpacaFarm: A Simulation Framework for Methods that Learn from Human Feedback"


def _domain_rows() -> dict[str, int]:
    models = [Paper, Author, AuthorAlias, Authorship, Institution, PaperTopic, CurationItem, CollaboratorEdge]
    return {model.__name__: model.objects.count() for model in models}


def _import_all(capture, sample_dump):
    return [import_file(capture, sample_dump(prefix)) for prefix in SAMPLES]


def test_every_sample_imports_completely(django_capture_on_commit_callbacks, sample_dump):
    batches = _import_all(django_capture_on_commit_callbacks, sample_dump)
    for prefix, batch in zip(SAMPLES, batches, strict=True):
        assert batch.status == ImportBatch.Status.DONE, (prefix, batch.error)
        assert batch.failed_count == 0, list(batch.records.filter(status="failed").values("error"))
        assert batch.processed_records == batch.total_records
        if prefix in EXPECTED_RECORDS:
            assert batch.total_records == EXPECTED_RECORDS[prefix], prefix
    assert [batch.detected_format for batch in batches] == [
        "profile_page",
        "paper_feed",
        "arxiv_listing",
        "abstracts_only",
        "publications_page",
    ]


def test_the_same_paper_from_three_dumps_is_one_paper_with_both_dates(
    django_capture_on_commit_callbacks, sample_dump
):
    for prefix in ("000", "001", "002"):
        import_file(django_capture_on_commit_callbacks, sample_dump(prefix))

    (paper,) = Paper.objects.filter(title=ALPACAFARM)
    assert paper.arxiv_id == "2305.14387"
    assert (paper.year, paper.month, paper.day) == (2023, 5, 22)  # the more precise date wins
    dates = sorted(record.data["date"] for record in paper.import_records.all() if record.data.get("date"))
    assert "2023-05-22" in dates and "2024" in dates
    assert paper.import_records.values("batch").distinct().count() == 3
    names = [authorship.name_as_written for authorship in paper.authorships.order_by("position")]
    assert names[:3] == ["Yann Dubois", "Xuechen Li", "Rohan Taori"]
    assert paper.authors_truncated


def test_profile_page_names_its_researcher_and_credits_the_works(
    django_capture_on_commit_callbacks, sample_dump
):
    batch = import_file(django_capture_on_commit_callbacks, sample_dump("000"))
    assert batch.subject_author.display_name == "Tatsunori B. Hashimoto"
    works = Paper.objects.filter(authorships__author=batch.subject_author)
    assert works.count() == 5
    assert Author.objects.get(pk=batch.subject_author.pk).work_count == 5


def test_feed_fields_land_on_the_paper(django_capture_on_commit_callbacks, sample_dump):
    import_file(django_capture_on_commit_callbacks, sample_dump("001"))
    paper = Paper.objects.get(
        title="When Does Differentially Private Learning Not Suffer in High Dimensions?"
    )
    authorships = list(paper.authorships.order_by("position"))
    assert [a.name_as_written for a in authorships] == ["Xuechen Li", "Daogao Liu", "Tatsunori Hashimoto"]
    assert paper.authors_truncated and paper.authors_more is None
    assert [i.slug for i in authorships[0].institutions.all()] == ["stanford"]
    assert "\\emph{restricted Lipschitz continuity}" in paper.abstract  # LaTeX kept as written


def test_publications_page_keeps_the_stated_author_count(django_capture_on_commit_callbacks, sample_dump):
    import_file(django_capture_on_commit_callbacks, sample_dump("004"))
    paper = Paper.objects.get(title="DistiLLM-2: A Contrastive Approach Boosts the Distillation of LLMs")
    assert paper.authors_truncated and paper.authors_more == 4
    assert [a.name_as_written for a in paper.authorships.order_by("position")] == [
        "Jongwoo Ko",
        "Tianyi Chen",
        "Sungnyun Kim",
    ]
    assert (paper.year, paper.month) == (2025, 3)


def test_reimporting_every_sample_creates_no_rows(django_capture_on_commit_callbacks, sample_dump):
    _import_all(django_capture_on_commit_callbacks, sample_dump)
    before = _domain_rows()
    again = _import_all(django_capture_on_commit_callbacks, sample_dump)
    assert _domain_rows() == before
    for batch in again:
        assert batch.created_count == 0 and batch.updated_count == 0, batch.original_name
        assert batch.unchanged_count + batch.review_count == batch.total_records


def test_titleless_abstracts_wait_for_curation_then_attach_when_their_paper_arrives(
    django_capture_on_commit_callbacks, sample_dump
):
    listing = import_file(
        django_capture_on_commit_callbacks, sample_dump("002"), subject_name="Tatsunori B. Hashimoto"
    )
    assert listing.review_count == listing.total_records
    assert Paper.objects.count() == 0
    item = CurationItem.objects.get(details__arxiv_id="2305.14387")
    assert item.author.display_name == "Tatsunori B. Hashimoto"

    import_file(django_capture_on_commit_callbacks, sample_dump("001"))

    item.refresh_from_db()
    assert item.status == CurationItem.Status.RESOLVED
    paper = Paper.objects.get(title=ALPACAFARM)
    assert paper.arxiv_id == "2305.14387"
    assert item.paper == paper


def test_undo_removes_what_only_that_batch_created(django_capture_on_commit_callbacks, sample_dump):
    from ingest.services import batch_undo

    profile = import_file(django_capture_on_commit_callbacks, sample_dump("000"))
    feed = import_file(django_capture_on_commit_callbacks, sample_dump("001"))
    feed_only = Paper.objects.filter(import_records__batch=feed).exclude(import_records__batch=profile)
    assert feed_only.exists()

    with django_capture_on_commit_callbacks(execute=True):
        batch_undo(batch=feed)

    assert (
        not Paper.objects.filter(import_records__batch=feed).exclude(import_records__batch=profile).exists()
    )
    assert Paper.objects.filter(title=ALPACAFARM).exists()  # the profile page brought it too
    assert not Author.objects.filter(display_name="Shibani Santurkar").exists()
    assert ImportBatch.objects.get(pk=feed.pk).status == ImportBatch.Status.UNDONE
    assert ImportRecord.objects.filter(batch=feed).count() == feed.total_records  # the report stays
