"""``manage.py bench_ingest`` prints the rates an operator compares, and cleans up after itself."""

from io import StringIO

import pytest
from django.core.management import call_command

from ingest.models import ImportBatch
from papers.models import Authorship, Paper


@pytest.mark.django_db
def test_bench_prints_rates_at_each_stored_size_and_undoes_its_import():
    out = StringIO()
    call_command("bench_ingest", records=8, preload="0,600", stdout=out)
    text = out.getvalue()
    assert "placement rec/s" in text and "identity rec/s" in text and "queries/rec" in text
    table = text.split("stored authorships", 1)[1].strip().splitlines()[1:]
    stored = [int(row.split()[0].replace(",", "")) for row in table]
    assert len(stored) == 2 and stored[1] >= max(600, stored[0])
    assert all(float(row.split()[4]) > 0 for row in table)  # placement + identity records/s
    # The preload stays (it is the "already stored" corpus); the benchmark's imports are undone.
    assert Authorship.objects.count() >= 600
    benches = ImportBatch.objects.filter(original_name__startswith="bench-")
    assert benches.count() == 2
    assert set(benches.values_list("status", flat=True)) == {ImportBatch.Status.UNDONE}
    assert not Paper.objects.filter(import_records__batch__in=benches).exists()
