"""``manage.py bench_workers`` imports through real workers, 1 against 2, and leaves nothing behind."""

import re
from io import StringIO
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from identity.services import author_create
from ingest.management.commands.bench_workers import redis_url_on_database, result_people, worker_name_prefix
from papers.models import Authorship, Paper
from tests.profiles.identity_helpers import make_paper

BENCH_REDIS_DB = 13  # not the suite's 15, nor the 14 a `make bench` beside it would use


def _processes_named(fragment: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        if fragment in text:
            found.append(text)
    return found


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_one_worker_against_two_prints_both_rates_the_comparison_and_cleans_up():
    scratch = connection.settings_dict["NAME"] + "_bench_workers"
    out = StringIO()
    call_command("bench_workers", files=2, records=20, workers="1,2", redis_db=BENCH_REDIS_DB, stdout=out)
    text = out.getvalue()

    header, *rest = text.split("\nworkers ", 1)[1].splitlines()
    assert header.split()[:8] == ["records", "files", "to", "DONE", "s", "records/s", "drained", "s"]
    rows = [line.split() for line in rest[:2]]
    assert [row[0] for row in rows] == ["1", "2"]  # worker processes
    for _workers, records, files, to_done, rate, to_drained, papers, *_ in rows:
        assert (records, files, papers) == ("40", "2", "40")
        assert float(rate) > 0
        assert float(to_drained) >= float(to_done) > 0
    assert re.search(r"speed-up, 2 workers over 1: [\d.]+x to DONE", text)
    assert re.search(r"(same result|RESULT DIFFERS), 1 vs 2 workers: papers equal \(40\), authorships ", text)
    assert "live authors " in text.rsplit("1 vs 2 workers", 1)[1]
    assert re.search(r"every mention on the same person|mentions on DIFFERENT people", text)

    assert not _processes_named(worker_name_prefix())
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch])
        assert cursor.fetchone() is None
    broker = redis_url_on_database(settings.BROKER_REDIS_URL, BENCH_REDIS_DB)
    assert redis.Redis.from_url(broker).dbsize() == 0


def test_the_benchmark_never_runs_in_the_configured_database_nor_on_the_sites_redis():
    with pytest.raises(CommandError, match="never runs in the configured database"):
        call_command("bench_workers", database=connection.settings_dict["NAME"], redis_db=BENCH_REDIS_DB)
    with pytest.raises(CommandError, match="is the site's"):
        call_command("bench_workers", redis_db=settings.REDIS_DB)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/14"),
        ("redis://:secret@redis:6379", "redis://:secret@redis:6379/14"),
        ("unix:///var/redis.sock?db=0", "unix:///var/redis.sock?db=14"),
        ("redis+socket:///var/redis.sock?virtual_host=3", "redis+socket:///var/redis.sock?virtual_host=14"),
        ("unix:///var/redis.sock", "unix:///var/redis.sock?db=14"),
    ],
)
def test_redis_urls_are_pointed_at_the_benchmarks_database(url, expected):
    assert redis_url_on_database(url, 14) == expected


def _two_papers_by_two_lei_wangs() -> None:
    first, second = author_create(name="Lei Wang"), author_create(name="Lei Wang")
    make_paper("Depth from video", [first, author_create(name="Hao Zhang")])
    make_paper("Enhancers in cortex", [second, author_create(name="Anna Rossi")])


@pytest.mark.django_db
def test_the_people_digest_names_who_wrote_what_not_row_ids():
    _two_papers_by_two_lei_wangs()
    before = result_people()
    Paper.objects.all().delete()  # the same again, under new row ids
    _two_papers_by_two_lei_wangs()
    assert result_people() == before
    # One mention moved to the other Lei Wang: a different result with the same counts.
    depth, cortex = (
        Authorship.objects.get(paper__title=title, position=0)
        for title in ("Depth from video", "Enhancers in cortex")
    )
    Authorship.objects.filter(pk=depth.pk).update(author_id=cortex.author_id)
    assert result_people() != before
