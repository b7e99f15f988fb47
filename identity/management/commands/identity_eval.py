"""Score author identity on the labelled evaluation set: pairwise and B-cubed figures."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from identity.evaluation import evaluate, load

DEFAULT_SET = Path(settings.BASE_DIR) / "tests" / "profiles" / "identity_eval.jsonl"


class Command(BaseCommand):
    help = (
        "Replay a labelled set of author mentions through the resolver's decisions (in memory, "
        "no database) and print pairwise precision/recall/F1 and B-cubed precision/recall/F1."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_SET, help="JSON Lines file.")
        parser.add_argument(
            "--dumps", type=Path, default=settings.SAMPLE_DUMPS, help="Sample dumps for the 'samples' part."
        )
        parser.add_argument("--errors", action="store_true", help="Also list wrong merges and splits.")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="Print the whole report as JSON."
        )

    def handle(self, *args, path: Path, dumps: Path, errors: bool, as_json: bool, **options):
        try:
            mentions = load(path, dumps)
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: {error}") from error
        if not mentions:
            raise CommandError(f"{path}: no mentions")
        report = evaluate(mentions)
        if as_json:
            self.stdout.write(json.dumps(report, indent=2, sort_keys=True))
            return
        self.stdout.write(f"evaluation set: {path} ({len(mentions)} mentions)")
        header = f"{'part':<12} {'mentions':>8} {'people':>6} {'found':>6}   {'pair P':>6} {'pair R':>6}"
        header += f" {'pair F1':>7}   {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}"
        self.stdout.write(header)
        for part in ["all"] + sorted(
            key for key in report if key not in {"all", "errors"} and "_" not in key
        ):
            scores = report[part]
            self.stdout.write(
                f"{part:<12} {scores['mentions']:>8} {scores['gold_clusters']:>6} "
                f"{scores['predicted_clusters']:>6}   {scores['pairwise_precision']:>6.4f} "
                f"{scores['pairwise_recall']:>6.4f} {scores['pairwise_f1']:>7.4f}   "
                f"{scores['bcubed_precision']:>6.4f} {scores['bcubed_recall']:>6.4f} "
                f"{scores['bcubed_f1']:>6.4f}"
            )
        self.stdout.write(
            f"automatic merges: {report['automatic_merges']}; "
            f"pairs left for an admin: {report['open_proposals']}; "
            f"wrong merges: {len(report['errors']['wrong_merges'])}; "
            f"people split: {len(report['errors']['splits'])}"
        )
        if errors:
            for people in report["errors"]["wrong_merges"]:
                self.stdout.write(f"  wrong merge: {' + '.join(people)}")
            for person, clusters, names in report["errors"]["splits"]:
                self.stdout.write(f"  split: {person} into {clusters} authors ({' / '.join(names)})")
