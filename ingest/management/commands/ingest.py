"""Import dump files through the pipeline, or parse them only (--dry-run); or fetch papers by
arXiv id, DOI or an ORCID record's works (--arxiv, --doi, --orcid) and import those."""

import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ingest import fetchers, formats, services
from ingest.models import ImportBatch

FINAL = (ImportBatch.Status.DONE, ImportBatch.Status.FAILED, ImportBatch.Status.UNDONE)
IDENTITY_WAIT_SECONDS = 2 * 60 * 60  # a million-mention import re-clusters for a long while


class Command(BaseCommand):
    help = "Import dump files (format detected from content unless --format is given)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path)
        parser.add_argument(
            "--arxiv", nargs="+", action="extend", default=[], metavar="ID", help="Fetch these arXiv ids."
        )
        parser.add_argument(
            "--doi",
            nargs="+",
            action="extend",
            default=[],
            metavar="DOI",
            help="Fetch these DOIs (Crossref).",
        )
        parser.add_argument("--orcid", default="", metavar="ID", help="Fetch the works on this ORCID record.")
        parser.add_argument("--format", choices=sorted(formats.FORMATS), default="")
        parser.add_argument("--subject", default="", help="Name of the researcher the listing belongs to.")
        parser.add_argument(
            "--wait",
            action="store_true",
            help="Show progress until the workers have placed every record and clustered its names again.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse only; print canonical records as JSON Lines."
        )

    def handle(self, *args, files, format, subject, wait, dry_run, arxiv, doi, orcid, **options):
        if arxiv or doi or orcid:
            if files or dry_run:
                raise CommandError("give either files or --arxiv/--doi/--orcid, not both (and no --dry-run)")
            return self.by_identifier(arxiv, doi, orcid, wait)
        if not files:
            raise CommandError("give dump files, or identifiers with --arxiv, --doi or --orcid")
        contents = {}
        for path in files:
            try:
                contents[path] = path.read_bytes()
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror}") from error
        if dry_run:
            return self.dry_run(contents, format)
        batches = []
        for path, content in contents.items():
            try:
                batch = services.batch_create(
                    content=content, original_name=path.name, format=format, subject_name=subject
                )
            except services.ImportRejected as error:
                raise CommandError(f"{path}: {error}") from error
            self.stderr.write(f"{path}: queued as import #{batch.pk}")
            batches.append(batch)
        if wait:
            for batch in batches:
                self.wait_for(batch)

    def by_identifier(self, arxiv: list[str], doi: list[str], orcid: str, wait: bool) -> None:
        try:
            identifiers = fetchers.identifiers_validate(arxiv_ids=arxiv, dois=doi, orcid=orcid)
            result = services.batch_create_from_identifiers(identifiers=identifiers)
        except fetchers.IdentifiersInvalid as error:
            problems = [message for messages in error.fields.values() for message in messages]
            raise CommandError("; ".join(problems) or error.message) from error
        except (fetchers.SourceUnreachable, services.ImportRejected) as error:
            raise CommandError(getattr(error, "message", None) or str(error)) from error
        for missing in result.not_found:
            self.stderr.write(f"not found: {missing}")
        self.stderr.write(f"{identifiers.describe()}: queued as import #{result.batch.pk}")
        if wait:
            self.wait_for(result.batch)

    def dry_run(self, contents: dict, format: str) -> None:
        failed = False
        for path, content in contents.items():
            try:
                text = formats.decode(content)
                detected = format or formats.detect(text)
                result = formats.parse(text, format=detected)
            except formats.ParseError as error:
                self.stderr.write(f"{path}: {error}")
                failed = True
                continue
            self.stderr.write(f"{path}: format {detected}, {len(result.records)} record(s)")
            for error in result.errors:
                self.stderr.write(f"{path}:{error.line or '?'}: {error}")
            for record in result.records:
                sys.stdout.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        if failed:
            raise CommandError("some files could not be parsed")

    def wait_for(self, batch: ImportBatch) -> None:
        bar = tqdm(total=1, desc=batch.original_name, unit="rec", file=self.stderr._out)
        waited = 0.0
        while True:
            batch.refresh_from_db()
            bar.total = max(batch.total_records, 1)
            bar.n = batch.processed_records
            bar.set_postfix_str(batch.get_status_display())
            bar.refresh()
            if batch.status in FINAL:
                break
            if batch.status == ImportBatch.Status.QUEUED and waited > 10 and waited % 10 < 0.5:
                bar.write("still queued: is a Celery worker running? (make run starts one)")
            time.sleep(0.5)
            waited += 0.5
        bar.close()
        self.stdout.write(
            f"{batch.original_name}: {batch.get_status_display()} · "
            f"format {batch.detected_format or '?'} · "
            f"{batch.total_records} record(s): {batch.created_count} created, {batch.updated_count} updated, "
            f"{batch.unchanged_count} unchanged, {batch.review_count} need review, "
            f"{batch.failed_count} failed" + (f" · {batch.error}" if batch.error else "")
        )
        if batch.status == ImportBatch.Status.DONE:
            self.wait_for_identity(batch)

    def wait_for_identity(self, batch: ImportBatch) -> None:
        """Placement's guesses at who is who are final once the touched name blocks are clustered
        again (a task queued when the import finished): profiles read before then can change."""
        started = time.monotonic()
        self.stderr.write("clustering the names this import touched again…")
        while batch.identity_settled_at is None:
            if time.monotonic() - started > IDENTITY_WAIT_SECONDS:
                raise CommandError(
                    f"the names were not clustered again within {IDENTITY_WAIT_SECONDS} s: "
                    "is a worker on the default queue running? Profiles may still change."
                )
            time.sleep(0.5)
            batch.refresh_from_db(fields=["identity_settled_at"])
        self.stdout.write(
            f"{batch.original_name}: names clustered again in {time.monotonic() - started:.0f} s"
        )
