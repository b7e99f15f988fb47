"""Queue the demo data: the sample dumps when present, else a synthetic corpus."""

import hashlib

from django.conf import settings
from django.core.management.base import BaseCommand

from ingest import services
from ingest.formats import synth
from ingest.models import ImportBatch

SYNTHETIC_RECORDS = 300
SYNTHETIC_SEED = 7


class Command(BaseCommand):
    help = "Import the sample dumps (or a synthetic corpus) unless they were imported already."

    def handle(self, *args, **options):
        folder = settings.SAMPLE_DUMPS
        files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if files:
            dumps = [(path.name, path.read_bytes()) for path in files]
        else:
            self.stdout.write(f"No sample dumps in {folder}; generating a synthetic demo corpus.")
            text = synth.generate(SYNTHETIC_RECORDS, seed=SYNTHETIC_SEED, format="paper_feed")
            dumps = [("synthetic-demo.txt", text.encode())]
        for name, content in dumps:
            checksum = hashlib.sha256(content).hexdigest()
            done_before = ImportBatch.objects.filter(checksum=checksum).exclude(
                status__in=[ImportBatch.Status.FAILED, ImportBatch.Status.UNDONE]
            )
            if done_before.exists():
                self.stdout.write(f"{name}: already imported")
                continue
            batch = services.batch_create(content=content, original_name=name)
            self.stdout.write(f"{name}: queued as import #{batch.pk}")
