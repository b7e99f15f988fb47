"""`manage.py ingest`: --dry-run prints canonical records; a real run queues a batch."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ingest.models import ImportBatch
from papers.models import Paper

CANONICAL_KEYS = {
    "title",
    "authors",
    "authors_truncated",
    "authors_more",
    "institutions",
    "abstract",
    "arxiv_id",
    "doi",
    "date",
    "category",
    "score",
    "has_code",
    "venue",
    "kind",
    "source",
    "line_start",
    "line_end",
}


@pytest.mark.django_db
def test_dry_run_prints_canonical_json_lines_and_touches_nothing(sample_dump, capsys):
    call_command("ingest", str(sample_dump("002")), "--dry-run")
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 10
    assert all(set(record) == CANONICAL_KEYS for record in records)
    assert records[0]["arxiv_id"] == "2305.14387" and records[0]["date"] == "2023-05-22"
    assert "arxiv_listing" in err
    assert ImportBatch.objects.count() == 0 and Paper.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_reports_an_unparseable_file(tmp_path):
    binary = tmp_path / "image.bin"
    binary.write_bytes(b"\x00\x01\x02\x03" * 50)
    with pytest.raises(CommandError):
        call_command("ingest", str(binary), "--dry-run")


@pytest.mark.django_db(transaction=True)  # the eager task runs on commit, before --wait polls
def test_ingest_with_wait_imports_and_prints_a_summary(sample_dump, capsys):
    call_command("ingest", str(sample_dump("000")), "--wait")
    out, _ = capsys.readouterr()
    assert "5 record(s): 5 created" in out
    assert Paper.objects.count() == 5
    # --wait returns once the names are clustered again, not at DONE: profiles read after it
    # no longer change under the reader.
    assert "names clustered again" in out
    assert ImportBatch.objects.get().identity_settled_at is not None


@pytest.mark.django_db
def test_wait_says_plainly_when_the_names_are_never_clustered_again(monkeypatch, capsys):
    from ingest.management.commands import ingest

    batch = ImportBatch.objects.create(
        original_name="listing.txt", checksum="0" * 64, status=ImportBatch.Status.DONE, total_records=1
    )
    monkeypatch.setattr(ingest, "IDENTITY_WAIT_SECONDS", 0.2)
    with pytest.raises(CommandError, match="is a worker on the default queue running"):
        ingest.Command().wait_for(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(identity_settled_at="2026-12-03T12:00:00Z")
    ingest.Command().wait_for(batch)
    assert "names clustered again" in capsys.readouterr().out


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("ingest", str(tmp_path / "nope.txt"))
