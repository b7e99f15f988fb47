"""Write a synthetic dump (the demo corpus and the benchmarks' source)."""

import sys

from django.core.management.base import BaseCommand

from ingest.formats import synth


class Command(BaseCommand):
    help = "Generate a synthetic dump with made-up researchers and papers."

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--format", default="paper_feed", choices=["paper_feed", "publications_page", "jsonl"]
        )
        parser.add_argument("--output", "-o", default="-", help="File to write; '-' for standard output.")

    def handle(self, *args, records, seed, format, output, **options):
        text = synth.generate(records, seed=seed, format=format)
        if output == "-":
            sys.stdout.write(text)
        else:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"wrote {records} records ({len(text):,} bytes) to {output}")
