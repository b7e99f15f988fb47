"""Re-run author resolution over existing data, after a change to the identity rules."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from identity.services_resolve import authors_reconcile


class Command(BaseCommand):
    help = (
        "Re-run author resolution over existing authors: refresh name keys, move papers whose "
        "written name cannot be their author's, merge pairs of authors whose evidence is clear and "
        "propose unclear pairs to the curation list. --dry-run only reports what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )
        parser.add_argument(
            "--block",
            action="append",
            default=[],
            help="Only this blocking key (family name and first initial, e.g. 'hashimoto t'); repeatable.",
        )

    def handle(self, *args, dry_run: bool, block: list[str], **options):
        def progress(items):
            return tqdm(list(items), desc="blocks", unit="block", file=self.stderr, disable=not items)

        changes = authors_reconcile(dry_run=dry_run, block_keys=block or None, progress=progress)
        verb = "would" if dry_run else "did"
        labels = {"keys": "refresh", "split": "move", "merge": "merge", "propose": "propose"}
        for change in changes:
            score = f" (score {change.score:.2f})" if change.score is not None else ""
            self.stdout.write(f"{verb} {labels[change.kind]}: {change.description}{score}")
            for reason in change.reasons:
                self.stdout.write(f"    - {reason}")
        counts = {kind: sum(1 for change in changes if change.kind == kind) for kind in labels}
        summary = ", ".join(f"{count} {labels[kind]}" for kind, count in counts.items() if count)
        self.stdout.write(f"{'dry run: ' if dry_run else ''}{summary or 'nothing to change'}")
