"""Bad uploads get a clear message and lose nothing; good records in a bad file still import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ingest.models import ImportBatch, ImportRecord
from ingest.services import ImportRejected, batch_create, upload_read
from papers.models import Paper
from tests.ingest.helpers import import_bytes

pytestmark = pytest.mark.django_db

GOOD_FEED_RECORD = (
    "45.7CRFeb 11, 2023\n"
    "Robust Widgets for Careful PeopleAlice Example, Bob Sample et al. · exampleu\n"
    "We study widgets and find that careful people build robust ones under many conditions.\n"
)


def test_binary_file_fails_with_a_clear_message(django_capture_on_commit_callbacks):
    batch = import_bytes(django_capture_on_commit_callbacks, b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "x.png")
    assert batch.status == ImportBatch.Status.FAILED
    assert "binary" in batch.error.lower()
    assert batch.file.size > 0  # the upload is kept as it came


def test_empty_and_oversized_files_are_refused_before_storing(settings):
    with pytest.raises(ImportRejected, match="empty"):
        batch_create(content=b"", original_name="empty.txt")
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportRejected, match="limit is 100 bytes"):
        batch_create(content=b"x" * 101, original_name="big.txt")
    assert ImportBatch.objects.count() == 0


def test_the_one_upload_check_refuses_an_oversized_file_before_reading_it(settings):
    settings.IMPORT_MAX_BYTES = 10
    too_big = SimpleUploadedFile("big.txt", b"x" * 11)
    too_big.file.read = lambda *args: pytest.fail("read an upload already known to be too large")
    with pytest.raises(ImportRejected, match="11 bytes; the limit is 10 bytes"):
        upload_read(upload=too_big)
    with pytest.raises(ImportRejected, match="Unknown format 'docx'"):
        upload_read(upload=SimpleUploadedFile("dump.txt", b"Title"), format="docx")
    assert upload_read(upload=SimpleUploadedFile("dump.txt", b"Title")) == b"Title"


def test_unknown_forced_format_is_refused():
    with pytest.raises(ImportRejected, match="Unknown format"):
        batch_create(content=b"hello", original_name="x.txt", format="word-document")


def test_a_broken_line_in_canonical_jsonl_fails_alone(django_capture_on_commit_callbacks):
    import json

    good = {
        "title": "A Good Record",
        "authors": ["Ann Author"],
        "authors_truncated": False,
        "authors_more": None,
        "institutions": [],
        "abstract": "Text.",
        "arxiv_id": None,
        "doi": None,
        "date": "2021",
        "category": None,
        "score": None,
        "has_code": None,
        "venue": None,
        "kind": None,
        "source": None,
        "line_start": 1,
        "line_end": 1,
    }
    content = json.dumps(good) + "\n{not json\n" + json.dumps({**good, "title": "Another Good One"}) + "\n"
    batch = import_bytes(django_capture_on_commit_callbacks, content.encode(), "mixed.jsonl", format="jsonl")
    assert batch.status == ImportBatch.Status.DONE
    assert batch.created_count == 2
    assert batch.failed_count == 1
    failed = ImportRecord.objects.get(batch=batch, status=ImportRecord.Status.FAILED)
    assert failed.line_start == 2
    assert failed.error
    assert set(Paper.objects.values_list("title", flat=True)) == {"A Good Record", "Another Good One"}


def test_admin_upload_form_shows_errors_for_empty_and_too_large_files(client, staff, settings):
    client.force_login(staff)
    url = "/admin/ingest/importbatch/add/"
    response = client.post(url, {"upload": SimpleUploadedFile("empty.txt", b""), "format": ""})
    assert response.status_code == 200
    assert "empty" in response.content.decode()

    settings.IMPORT_MAX_BYTES = 10
    response = client.post(url, {"upload": SimpleUploadedFile("big.txt", b"y" * 11), "format": ""})
    assert "the limit is 10 bytes" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_admin_upload_runs_the_import_and_shows_the_report(client, staff, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/ingest/importbatch/add/",
            {
                "upload": SimpleUploadedFile("feed.txt", GOOD_FEED_RECORD.encode()),
                "format": "",
                "subject_name": "",
            },
        )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/admin/ingest/importbatch/{batch.pk}/change/")
    assert batch.status == ImportBatch.Status.DONE and batch.created_count == 1
    page = client.get(response["Location"]).content.decode()
    assert "paper_feed" in page and "feed.txt" in page
    progress = client.get(f"/admin/ingest/importbatch/{batch.pk}/progress/").json()
    assert progress["percent"] == 100 and progress["created"] == 1
    assert progress["identity_settled"] is True  # its name blocks were clustered again on commit
    raw = client.get(f"/admin/ingest/importbatch/{batch.pk}/raw/")
    assert b"".join(raw.streaming_content) == GOOD_FEED_RECORD.encode()


def test_import_pages_are_for_staff_only(client, alice):
    client.force_login(alice)
    assert client.get("/admin/ingest/importbatch/add/").status_code == 302  # to the admin login
    assert client.post("/admin/ingest/importbatch/add/", {}).status_code == 302


def test_a_batch_that_keeps_crashing_is_given_up_with_its_last_error(django_capture_on_commit_callbacks):
    from ingest import services

    batch = services.batch_create(content=GOOD_FEED_RECORD.encode(), original_name="x.txt", enqueue=False)
    for attempt in range(services.MAX_ATTEMPTS):
        assert services.batch_lease(batch_id=batch.pk), attempt
        services.batch_record_crash(batch_id=batch.pk, error=RuntimeError("disk on fire"))
    assert not services.batch_lease(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.error == "Gave up after 5 attempts. Last error: RuntimeError: disk on fire"
