"""Benchmark: imports end to end through real Celery worker processes, one worker against two.

``manage.py bench_workers`` writes ``--files`` synthetic arXiv-shaped dumps (``ingest.formats.synth``,
canonical JSON Lines, one seed per file, so common names recur across files), then for each
worker count in ``--workers`` (``1,2``):

1. creates a scratch database next to the configured one (``<name>_bench_workers``, never the
   development data) and migrates it: every run starts from a fresh, empty database;
2. starts that many ``celery -A config worker`` processes (``--concurrency 1`` each, queue
   "default" only, so the embedding queue does not compete) on the scratch database and on a
   Redis logical database nothing else uses (``--redis-db``, broker and cache);
3. uploads every file at once through ``ingest.services.batch_create`` (as ``manage.py ingest``
   does) and times until every import is DONE (parse, placement and identity at placement) and
   until the default queue is drained (the follow-ups: re-clustering of the touched name
   blocks, edges, counts);
4. counts papers, live authors, authorships and identity merges and splits, stops the workers,
   empties its Redis database and drops the scratch database (``--keep`` keeps the last one).

Then it prints the speed-up of each run over the first and whether the result was the same.
No beat is needed: its sweeps only resend tasks a broker outage kept back (the command checks
that none is left unsent) and resume imports whose worker died (the command stops when one
dies). Results: ``docs/benchmarks.md``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import redis
from celery import current_app
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from kombu import pools
from kombu.utils.collections import eqhash

from common.benchmarks import BenchmarkCommand, machine_description
from common.models import Outbox
from common.workers import celery_worker_argv
from identity.models import AuthorIdentityLog
from ingest import services
from ingest.formats import synth
from ingest.models import ImportBatch
from papers.models import Authorship, Paper
from profiles.models import Author

FINAL = (ImportBatch.Status.DONE, ImportBatch.Status.FAILED, ImportBatch.Status.UNDONE)
QUEUE = "default"
# The configured Redis database is the site's, 15 the test suite's; this one is the benchmark's.
DEFAULT_REDIS_DB = 14
# Two runs give the same result when these counts are equal.
COMPARED = ("papers", "authorships", "live authors")
POLL_SECONDS = 0.2


def worker_name_prefix() -> str:
    """The start of this process's workers' names (tests look for leftovers by it)."""
    return f"bench-workers-{os.getpid()}-"


def redis_url_on_database(url: str, database: int) -> str:
    """``url`` (redis-py or Celery form, TCP or Unix socket) pointed at another logical database."""
    swapped, count = re.subn(r"([?&](?:db|virtual_host)=)[^&]*", rf"\g<1>{database}", url)
    if count:
        return swapped
    parts = urlsplit(url)
    if parts.scheme in ("unix", "redis+socket"):
        key = "virtual_host" if parts.scheme == "redis+socket" else "db"
        return f"{url}{'&' if parts.query else '?'}{key}={database}"
    return parts._replace(path=f"/{database}").geturl()


def result_counts() -> dict[str, int]:
    """What an import leaves behind, in the database the connection points at."""
    logs = AuthorIdentityLog.objects.filter(undone_at=None)
    return {
        "papers": Paper.objects.count(),
        "live authors": Author.objects.filter(merged_into=None).count(),
        "authorships": Authorship.objects.count(),
        "merges": logs.filter(action=AuthorIdentityLog.Action.MERGE).count(),
        "splits": logs.filter(action=AuthorIdentityLog.Action.SPLIT).count(),
    }


def result_people() -> str:
    """A digest of who wrote what: the authorships grouped by their (live) author, each named by
    its paper's identifier and position, never by row ids (which differ between runs). Two runs
    that put every mention on the same person give the same digest, whatever the slugs or ids."""
    groups: dict[int, list[str]] = defaultdict(list)
    rows = Authorship.objects.values_list(
        "author_id", "paper__arxiv_id", "paper__doi", "paper__title", "position"
    ).iterator()
    for author_id, arxiv_id, doi, title, position in rows:
        groups[author_id].append(f"{arxiv_id or doi or title}#{position}")
    people = sorted("\n".join(sorted(group)) for group in groups.values())
    return hashlib.sha256("\n\n".join(people).encode()).hexdigest()[:16]


@dataclass
class Run:
    workers: int
    records: int = 0
    files: int = 0
    done_seconds: float = 0.0
    drained_seconds: float = 0.0
    failed_records: int = 0
    failed_imports: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    people: str = ""  # result_people()

    @property
    def rate(self) -> float:
        return self.records / self.done_seconds if self.done_seconds else 0.0


class Workers:
    """``count`` real ``celery worker`` processes, each in its own process group."""

    def __init__(self, *, count: int, env: dict[str, str], log_dir: Path, run: int) -> None:
        self.count, self.env, self.log_dir, self.run = count, env, log_dir, run
        self.processes: list[subprocess.Popen] = []
        self.names = [f"{worker_name_prefix()}{run}-{index}" for index in range(count)]

    def start(self) -> None:
        for name in self.names:
            log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it
            try:
                self.processes.append(
                    subprocess.Popen(
                        celery_worker_argv(queues=QUEUE, hostname=f"{name}@%h"),
                        cwd=settings.BASE_DIR,
                        env=self.env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,  # one signal reaches the pool child too
                    )
                )
            finally:
                log.close()

    def check_alive(self) -> None:
        for name, process in zip(self.names, self.processes, strict=False):
            if process.poll() is not None:
                raise CommandError(f"worker {name} exited with {process.returncode}:\n{self.log_tail(name)}")

    def wait_ready(self, app, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            replies = app.control.ping(timeout=0.5)
            answered = {name.split("@", 1)[0] for reply in replies for name in reply}
            if answered >= set(self.names):
                return
        raise CommandError(f"workers not ready after {timeout:.0f}s:\n{self.log_tail(self.names[0])}")

    def log_tail(self, name: str) -> str:
        try:
            return (self.log_dir / f"{name}.log").read_text(errors="replace")[-3000:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """SIGTERM each worker's process group, SIGKILL what is left after a few seconds."""
        for process in self.processes:
            if process.poll() is None:
                self._signal(process, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes:
            with suppress(subprocess.TimeoutExpired):
                process.wait(max(0.1, deadline - time.monotonic()))
        for process in self.processes:
            # The group, not just the main process: a pool child may outlive its parent.
            self._signal(process, signal.SIGKILL)
            with suppress(subprocess.TimeoutExpired):
                process.wait(10)

    @staticmethod
    def _signal(process: subprocess.Popen, number: int) -> None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, number)


class Command(BenchmarkCommand):
    help = "Import synthetic dumps through real Celery workers (1 worker, then 2) and compare."
    docs_block = "workers"

    def add_arguments(self, parser):
        parser.add_argument("--files", type=int, default=2, help="dump files, uploaded at once")
        parser.add_argument("--records", type=int, default=500, help="records per file")
        parser.add_argument("--seed", type=int, default=1, help="seed of the first file (then +1 each)")
        parser.add_argument("--workers", default="1,2", help="worker counts to run, in order")
        parser.add_argument(
            "--redis-db",
            type=int,
            default=DEFAULT_REDIS_DB,
            help=f"Redis logical database for the workers' broker and cache (default {DEFAULT_REDIS_DB})",
        )
        parser.add_argument(
            "--database", default="", help="scratch database name (default: <name>_bench_workers)"
        )
        parser.add_argument("--keep", action="store_true", help="keep the last run's scratch database")
        parser.add_argument(
            "--log-dir", default="", help="keep the workers' logs here (default: removed after a good run)"
        )
        parser.add_argument(
            "--timeout", type=float, default=3600, help="seconds a run may take before it is stopped"
        )

    def handle(self, *args, **options):
        files, records = options["files"], options["records"]
        seeds = [options["seed"] + index for index in range(files)]
        if not 1 <= files <= 13 or len({seed % 13 for seed in seeds}) != files:
            raise CommandError(
                "--files must be 1 to 13 (the generator's arXiv ids are distinct for 13 seeds)"
            )
        if records < 1:
            raise CommandError("--records must be at least 1")
        try:
            counts = [int(value) for value in options["workers"].split(",") if value.strip()]
        except ValueError as error:
            raise CommandError("--workers takes comma-separated worker counts, such as 1,2") from error
        if not counts or min(counts) < 1:
            raise CommandError("--workers takes comma-separated worker counts of at least 1")
        if options["redis_db"] == settings.REDIS_DB:
            raise CommandError(f"Redis database {settings.REDIS_DB} is the site's: pick another --redis-db")
        if any(os.environ.get(name) for name in ("CELERY_BROKER_URL", "CELERY_BROKER_WRITE_URL")):
            raise CommandError("unset CELERY_BROKER_URL: the workers' broker is chosen with --redis-db")
        original = connection.settings_dict["NAME"]
        scratch = options["database"] or f"{original}_bench_workers"
        if scratch == original:
            raise CommandError("the benchmark never runs in the configured database")

        database = self.redis_db = options["redis_db"]
        self.broker_url = redis_url_on_database(settings.CELERY_BROKER_URL, database)
        self.broker = redis.Redis.from_url(redis_url_on_database(settings.BROKER_REDIS_URL, database))
        self.cache_url = redis_url_on_database(settings.CACHES["default"]["LOCATION"], database)
        self.cache = redis.Redis.from_url(self.cache_url)
        for name, client in (("broker", self.broker), ("cache", self.cache)):
            if client.dbsize():
                raise CommandError(
                    f"Redis database {database} ({name}) is not empty ({client.dbsize()} keys): another "
                    "bench_workers may be running, or something else uses it; pick another --redis-db"
                )

        self.stdout.write(f"machine: {machine_description()}")
        texts = [synth.generate(records, seed=seed, format="arxiv") for seed in seeds]
        mentions = sum(len(json.loads(line)["authors"]) for text in texts for line in text.splitlines())
        self.stdout.write(
            f"corpus: {files} file(s) x {records:,} records (arXiv shape, seeds {seeds[0]}-{seeds[-1]}): "
            f"{files * records:,} records, {mentions:,} author mentions"
        )
        if options["log_dir"]:
            log_dir = Path(options["log_dir"])
            log_dir.mkdir(parents=True, exist_ok=True)
        else:
            log_dir = Path(tempfile.mkdtemp(prefix="bench-workers-logs-"))
        runs: list[Run] = []
        succeeded = False
        try:
            for index, workers in enumerate(counts):
                keep = options["keep"] and index == len(counts) - 1
                runs.append(
                    self._run(
                        run=index,
                        workers=workers,
                        texts=texts,
                        seeds=seeds,
                        original=original,
                        scratch=scratch,
                        keep=keep,
                        log_dir=log_dir,
                        timeout=options["timeout"],
                    )
                )
            succeeded = True
        finally:
            if succeeded and not options["log_dir"]:
                shutil.rmtree(log_dir, ignore_errors=True)
            else:
                self.stderr.write(f"worker logs kept in {log_dir}")
        self._report(runs)

    # --- one run ---------------------------------------------------------------------------

    def _run(self, *, run, workers, texts, seeds, original, scratch, keep, log_dir, timeout) -> Run:
        result = Run(workers=workers, files=len(texts))
        self._drop(scratch)
        self._run_sql(f'CREATE DATABASE "{scratch}"')
        connection.close()
        connection.settings_dict["NAME"] = scratch
        pool = None
        try:
            started = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            self.stdout.write(
                f"run {run + 1}: {workers} worker(s); scratch database {scratch} created and migrated "
                f"in {time.perf_counter() - started:.1f}s"
            )
            pool = Workers(count=workers, env=self._worker_env(scratch), log_dir=log_dir, run=run)
            with _publishing_to(self.broker_url) as app:
                started = time.perf_counter()
                pool.start()
                pool.wait_ready(app, timeout=180)
                self.stdout.write(f"  {workers} worker(s) ready in {time.perf_counter() - started:.1f}s")
                batch_ids = self._measure(result, pool, texts, seeds, timeout)
            result.counts = result_counts()
            result.people = result_people()
            batches = ImportBatch.objects.filter(pk__in=batch_ids)
            result.failed_records = sum(batch.failed_count for batch in batches)
            result.failed_imports = [
                f"{batch.original_name}: {batch.get_status_display()} {batch.error}".strip()
                for batch in batches
                if batch.status != ImportBatch.Status.DONE
            ]
            self.stdout.write(
                f"  {workers} worker(s): {result.records:,} records in {result.files} files, "
                f"DONE after {result.done_seconds:.1f}s ({result.rate:,.1f} records/s), "
                f"default queue drained after {result.drained_seconds:.1f}s"
            )
            self.stdout.write(
                "  "
                + ", ".join(f"{name} {value:,}" for name, value in result.counts.items())
                + f"; failed records {result.failed_records:,}"
                + "".join(f"; NOT DONE {text}" for text in result.failed_imports)
            )
            if not keep:
                for batch in batches:
                    batch.file.delete(save=False)  # the uploads went to MEDIA_ROOT like any other
        finally:
            try:
                if pool is not None:
                    pool.stop()
            finally:
                connection.close()
                connection.settings_dict["NAME"] = original
                self.broker.flushdb()  # the heavy queue's embedding tasks, the workers' bindings
                self.cache.flushdb()
                if keep:
                    self.stdout.write(f"  kept scratch database {scratch}")
                else:
                    self._drop(scratch)
        return result

    def _measure(self, result: Run, pool: Workers, texts, seeds, timeout: float) -> list[int]:
        """Upload every file in one transaction (queued at its commit) and wait for the workers."""
        started = time.perf_counter()
        with transaction.atomic():
            batches = [
                services.batch_create(
                    content=text.encode(), original_name=f"bench-workers-{seed}.jsonl", format="jsonl"
                )
                for text, seed in zip(texts, seeds, strict=True)
            ]
        batch_ids = [batch.pk for batch in batches]
        if Outbox.objects.filter(sent_at=None).exists():
            raise CommandError("the imports could not be queued: the broker refused them")
        deadline = started + timeout
        done_at = drained_at = None
        quiet = 0
        while quiet < 3:  # drained when seen empty three polls running (a task between two looks)
            now = time.perf_counter()
            if now > deadline:
                raise CommandError(f"not finished after {timeout:.0f}s")
            pool.check_alive()
            if done_at is None:
                statuses = ImportBatch.objects.filter(pk__in=batch_ids).values_list("status", flat=True)
                if all(status in FINAL for status in statuses):
                    done_at = now
            if done_at is not None:
                if self._tasks_pending():
                    quiet, drained_at = 0, None
                else:
                    quiet, drained_at = quiet + 1, drained_at or now
            time.sleep(POLL_SECONDS)
        batches = ImportBatch.objects.filter(pk__in=batch_ids)
        result.records = sum(batch.total_records for batch in batches)
        result.done_seconds = done_at - started
        result.drained_seconds = drained_at - started
        return batch_ids

    def _tasks_pending(self) -> bool:
        """Tasks queued on "default", or taken and not yet acknowledged (acks_late: running)."""
        queued = sum(
            self.broker.llen(key)
            for key in self.broker.scan_iter(match=f"{QUEUE}*")
            if self.broker.type(key) == b"list"
        )
        return bool(queued or self.broker.hlen("unacked") or Outbox.objects.filter(sent_at=None).exists())

    def _worker_env(self, scratch: str) -> dict[str, str]:
        url = urlsplit(settings.DATABASE_URL)._replace(path="/" + quote(scratch))
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"),
            "DATABASE_URL": url.geturl(),
            "REDIS_DB": str(self.redis_db),
            "CACHE_REDIS_URL": self.cache_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        for name in ("USE_TEST_DATABASE", "CELERY_BROKER_READ_URL"):
            env.pop(name, None)
        return env

    # --- the report ------------------------------------------------------------------------

    def _report(self, runs: list[Run]) -> None:
        names = list(runs[0].counts)
        header = (
            f"{'workers':>7} {'records':>8} {'files':>5} {'to DONE s':>9} {'records/s':>9} "
            f"{'drained s':>9} " + " ".join(f"{name:>{max(len(name), 8)}}" for name in names)
        )
        self.stdout.write("")
        self.stdout.write(header)
        for run in runs:
            self.stdout.write(
                f"{run.workers:>7} {run.records:>8,} {run.files:>5} {run.done_seconds:>9.1f} "
                f"{run.rate:>9.1f} {run.drained_seconds:>9.1f} "
                + " ".join(f"{run.counts[name]:>{max(len(name), 8)},}" for name in names)
            )
        first = runs[0]
        lines = []
        for run in runs[1:]:
            lines.append(
                f"speed-up, {run.workers} workers over {first.workers}: "
                f"{first.done_seconds / run.done_seconds:.2f}x to DONE, "
                f"{first.drained_seconds / run.drained_seconds:.2f}x to drained (target for 2 over 1: 1.7x)"
            )
            same = [
                f"{name} {'equal' if run.counts[name] == first.counts[name] else 'DIFFERENT'} "
                + (
                    f"({first.counts[name]:,})"
                    if run.counts[name] == first.counts[name]
                    else f"({first.counts[name]:,} vs {run.counts[name]:,}: "
                    f"{run.counts[name] - first.counts[name]:+,})"
                )
                for name in COMPARED
            ]
            same.append(
                "every mention on the same person"
                if run.people == first.people
                else f"mentions on DIFFERENT people (digest {first.people} vs {run.people})"
            )
            equal = all(run.counts[n] == first.counts[n] for n in COMPARED) and run.people == first.people
            verdict = "same result" if equal else "RESULT DIFFERS"
            lines.append(f"{verdict}, {first.workers} vs {run.workers} workers: " + ", ".join(same))
        for line in lines:
            self.stdout.write(line)
        self.docs_markdown = self._markdown(runs, names, lines)

    def _markdown(self, runs: list[Run], names: list[str], lines: list[str]) -> str:
        first = runs[0]
        table = [
            "| workers | records | files | to DONE s | records/s | to drained s | "
            + " | ".join(names)
            + " | failed records |",
            "| " + " | ".join(["---"] * (7 + len(names))) + " |",
        ]
        for run in runs:
            table.append(
                f"| {run.workers} | {run.records:,} | {run.files} | {run.done_seconds:.1f} | "
                f"{run.rate:.1f} | {run.drained_seconds:.1f} | "
                + " | ".join(f"{run.counts[name]:,}" for name in names)
                + f" | {run.failed_records:,} |"
            )
        corpus = (
            f"{first.files} files x {first.records // max(first.files, 1):,} records, uploaded at once; "
            "workers: `celery worker --concurrency 1 --queues default` each, a fresh database per run."
        )
        return "\n".join([corpus, "", *table, "", *(f"- {line}" for line in lines)])

    # --- the scratch database, managed from the configured one ------------------------------

    def _run_sql(self, sql: str, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def _drop(self, name: str) -> None:
        self._run_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _publishing_to(broker_url: str):
    """Point this process's Celery app at another broker, and off eager mode, for a while."""
    app = current_app._get_current_object()
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    _forget_broker_pool(app)
    app.conf.broker_url, app.conf.task_always_eager = broker_url, False
    try:
        yield app
    finally:
        _forget_broker_pool(app, close=True)
        app.conf.broker_url, app.conf.task_always_eager = saved


def _forget_broker_pool(app, *, close: bool = False) -> None:
    """Make the next publish take a connection to the broker configured now.

    The app keeps its pools, and kombu keeps one pool per broker URL for the whole process;
    with ``close`` this URL's pools are closed and dropped too (the benchmark's broker, at the end).
    """
    app._pool = None
    app.amqp._producer_pool = None
    if close:
        key = eqhash(app.connection_for_write())
        for group in (pools.producers, pools.connections):
            pool = dict.pop(group, key, None)
            if pool is not None:
                pool.force_close_all()
