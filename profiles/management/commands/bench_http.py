"""Benchmark: the production server under concurrent load, page by page, on the current database.

``manage.py bench_http`` starts gunicorn with ``config/gunicorn.py`` (DEBUG off, rate limits off as
``bin/soak`` does) on 127.0.0.1 against the development database (or uses ``--url``, which must
be on this machine), picks real authors, papers, topics and words from the database with one
query each, and drives every endpoint below with ``common.http_load`` at each ``--concurrency``
for ``--seconds``. Prints requests, errors, p50/p95/p99 and requests/s per endpoint beside the
target of issue 16. Run it on the corpus of ``manage.py synth_corpus --papers 1000000``.
Results: docs/benchmarks.md.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.management.base import CommandError
from django.db.models import Max, Min
from django.urls import reverse

from common.benchmarks import BenchmarkCommand
from common.http_load import LoadResult, load
from graph import cache_keys
from papers.models import Paper, Topic
from profiles.models import Author

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
WARM_PATHS = 24  # distinct URLs requested once before an endpoint is timed


@dataclass(frozen=True)
class Goal:
    """One figure of the issue's targets: ``p50`` / ``p95`` (ms, at most) or ``rps`` (at least)."""

    figure: str
    limit: float

    def met(self, result: LoadResult) -> bool | None:
        if self.figure == "rps":
            return result.per_second >= self.limit
        value = result.percentile_ms(int(self.figure[1:]) / 100)
        return None if value is None else value <= self.limit

    def __str__(self) -> str:
        return f"≥{self.limit:g} req/s" if self.figure == "rps" else f"{self.figure} ≤{self.limit:g} ms"


PROFILE_GOALS = (Goal("p50", 15), Goal("p95", 40), Goal("rps", 300))


@dataclass
class Endpoint:
    name: str
    paths: list[str]
    goals: tuple[Goal, ...] = ()
    warm: bool = True  # request every path once before timing (caches, query vectors)
    before_each: object = None  # callable(path) run just before each request
    _cycle: itertools.cycle | None = field(default=None, repr=False)

    def next_path(self) -> str:
        if self._cycle is None:
            self._cycle = itertools.cycle(self.paths)
        return next(self._cycle)


def _typo(name: str) -> str:
    """The name with one letter of its last word doubled ("hashimoto" → "hashimotto")."""
    words = name.split()
    last = words[-1]
    vowels = [i for i, letter in enumerate(last) if letter.lower() in "aeiou" and i > 0]
    at = vowels[-1] - 1 if vowels else len(last) // 2
    words[-1] = last[: at + 1] + last[at] + last[at + 1 :]
    return " ".join(words)


def pick_endpoints(*, seed: int, hub_count: int = 12, sample: int = 200) -> list[Endpoint]:
    """Real slugs, ids and words from the database (a query or two each), as the endpoints to load."""
    rng = random.Random(seed)
    typical = list(
        Author.objects.filter(merged_into=None, work_count__range=(5, 40))
        .order_by("?")
        .values("slug", "display_name")[:sample]
    )
    hubs = list(
        Author.objects.filter(merged_into=None).order_by("-work_count").values("pk", "slug")[:hub_count]
    )
    if len(typical) < 10 or not hubs:
        raise CommandError("too few authors: load a corpus first (manage.py synth_corpus --papers 1000000)")
    bounds = Paper.objects.aggregate(low=Min("pk"), high=Max("pk"))
    ids = rng.sample(
        range(bounds["low"], bounds["high"] + 1), min(sample * 10, bounds["high"] - bounds["low"] + 1)
    )
    papers = list(Paper.objects.filter(pk__in=ids).values("slug", "title")[:sample])
    topics = list(Topic.objects.order_by("pk").values_list("slug", flat=True)[:10])

    words = sorted({word.lower() for paper in papers for word in re.findall(r"[A-Za-z]{5,}", paper["title"])})
    rng.shuffle(words)
    keyword_queries = [" ".join(pair) for pair in zip(words[:30:2], words[1:30:2], strict=False)] + words[
        30:45
    ]
    # New queries: three words drawn per request, a fresh combination each time (model inference).
    fresh = {" ".join(rng.sample(words, 3)) for _ in range(20000)} - set(keyword_queries)

    def search(query: str, **filters) -> str:
        return f"{reverse('search')}?{urlencode({'q': query, **filters})}"

    def api(name: str, **kwargs) -> str:
        query = kwargs.pop("query", None)
        url = reverse(f"api:{name}", kwargs=kwargs)
        return f"{url}?{urlencode(query)}" if query else url

    hub_ids = {api("graph-slice", slug=hub["slug"]): hub["pk"] for hub in hubs}
    typical_slugs = [author["slug"] for author in typical]
    pairs = [(a, b) for a, b in itertools.permutations(typical_slugs[:60], 2)]
    rng.shuffle(pairs)
    return [
        Endpoint(
            "profile, typical author",
            [reverse("profiles:author", kwargs={"slug": slug}) for slug in typical_slugs],
            PROFILE_GOALS,
        ),
        Endpoint(
            "profile, hub (most works)",
            [reverse("profiles:author", kwargs={"slug": hubs[0]["slug"]})],
            PROFILE_GOALS,
        ),
        Endpoint("paper page", [reverse("papers:paper", kwargs={"slug": paper["slug"]}) for paper in papers]),
        Endpoint("search page, known query", [search(query) for query in keyword_queries]),
        Endpoint(
            "search page, new query each time",
            [search(query) for query in sorted(fresh)],
            (Goal("p50", 50), Goal("p95", 150)),
            warm=False,
        ),
        Endpoint(
            "search page, years 2018-2021",
            [search(query, year_from=2018, year_to=2021) for query in keyword_queries],
        ),
        Endpoint(
            "search page, one topic",
            [search(query, topic=topic) for query, topic in zip(keyword_queries, itertools.cycle(topics))],
        ),
        Endpoint(
            "semantic: similar papers API",
            [api("paper-similar", slug=paper["slug"]) for paper in papers],
            (Goal("p50", 10), Goal("rps", 200)),
        ),
        Endpoint("search API, known query", [api("search", query={"q": query}) for query in keyword_queries]),
        Endpoint(
            "author name, exact",
            [
                f"{reverse('profiles:author_list')}?{urlencode({'q': a['display_name']})}"
                for a in typical[:50]
            ],
        ),
        Endpoint(
            "author name, typo",
            [
                f"{reverse('profiles:author_list')}?{urlencode({'q': _typo(a['display_name'])})}"
                for a in typical[:50]
            ],
            (Goal("p50", 20),),
        ),
        Endpoint("graph slice JSON, hub, cached", list(hub_ids), (Goal("p50", 5),)),
        Endpoint(
            "collaboration path JSON",
            [api("graph-path", query={"source": a, "target": b}) for a, b in pairs],
            warm=False,
        ),
        Endpoint(
            "graph slice JSON, hub, cold",
            list(hub_ids),
            (Goal("p50", 100),),
            warm=False,
            before_each=lambda path: cache_keys.generations_replace([hub_ids[path]]),
        ),
    ]


def production_environment(base: dict[str, str]) -> dict[str, str]:
    """The deployed configuration on loopback, with rate limits off (every request is 127.0.0.1)."""
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": base.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_URL": "dummymail://",
        "RATE_LIMITS_SCALE": "0",
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_USER": "1000000/minute",
        "LOG_LEVEL": base.get("LOG_LEVEL", "WARNING"),
    }


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server on loopback
            return response.status == 200
    except OSError:
        return False


def _milliseconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}" if value < 100 else f"{value:.0f}"


class Command(BenchmarkCommand):
    help = "Load the production server (gunicorn) page by page at fixed concurrency; p50/p95/p99, req/s."
    docs_block = "http"

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="A running server on this machine (none is started).")
        parser.add_argument("--concurrency", default="8,32", help="Open connections; comma-separated levels.")
        parser.add_argument("--seconds", type=float, default=10, help="Load per endpoint and level.")
        parser.add_argument("--port", type=int, default=8766, help="Port of the server started here.")
        parser.add_argument("--workers", type=int, default=0, help="gunicorn processes (config default)")
        parser.add_argument("--threads", type=int, default=0, help="threads per process (config default)")
        parser.add_argument("--only", default="", help="Endpoints whose name contains any of these (comma).")
        parser.add_argument("--seed", type=int, default=16)

    def handle(self, *args, **options):
        levels = [int(level) for level in options["concurrency"].split(",") if level.strip()]
        endpoints = pick_endpoints(seed=options["seed"])
        if options["only"]:
            wanted = [word.strip().lower() for word in options["only"].split(",") if word.strip()]
            endpoints = [e for e in endpoints if any(word in e.name.lower() for word in wanted)]
        server = None
        url = options["url"].rstrip("/")
        if url:
            if urlsplit(url).hostname not in LOOPBACK:
                raise CommandError("--url must be on this machine (127.0.0.1 or localhost)")
        else:
            url = f"http://127.0.0.1:{options['port']}"
            server = self._start_server(options)
        parts = urlsplit(url)
        try:
            rows = self._measure(
                endpoints, host=parts.hostname, port=parts.port or 80, levels=levels, options=options
            )
        finally:
            if server is not None:
                self._stop(server)
        self._report(endpoints, rows, options)

    # --- the server ----------------------------------------------------------------------------

    def _start_server(self, options: dict) -> subprocess.Popen:
        python = sys.executable
        started = subprocess.run(
            [python, "-m", "config.embedded", "start"],
            cwd=settings.BASE_DIR,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        base = {key: value for key, value in os.environ.items() if key != "DEBUG"}
        env = production_environment({**base, **dict(line.split("=", 1) for line in started.split())})
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
        env["GUNICORN_BIND"] = f"127.0.0.1:{options['port']}"
        if options["workers"]:
            env["WEB_CONCURRENCY"] = str(options["workers"])
        if options["threads"]:
            env["GUNICORN_THREADS"] = str(options["threads"])
        log = Path(settings.BASE_DIR) / "var" / "log" / "bench_http_gunicorn.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"starting gunicorn (config/gunicorn.py) on {env['GUNICORN_BIND']}; log {log}")
        server = subprocess.Popen(
            [python, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.py"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 240
        while not _answers(f"http://{env['GUNICORN_BIND']}/robots.txt"):
            if server.poll() is not None or time.monotonic() > deadline:
                self._stop(server)
                raise CommandError(f"gunicorn did not answer; see {log}")
            time.sleep(1)
        time.sleep(5)  # every process loads the embedding model before it takes requests
        return server

    def _stop(self, server: subprocess.Popen) -> None:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)

    # --- measuring -----------------------------------------------------------------------------

    def _measure(self, endpoints: list[Endpoint], *, host: str, port: int, levels: list[int], options: dict):
        headers = {"Accept": "text/html,application/json"}
        rows = []
        for endpoint in endpoints:
            if endpoint.warm:
                paths = iter(list(dict.fromkeys(endpoint.paths))[:WARM_PATHS])
                load(
                    host=host,
                    port=port,
                    next_path=lambda paths=paths: next(paths, None),
                    concurrency=4,
                    seconds=600,
                    headers=headers,
                )
            for level in levels:
                result = load(
                    host=host,
                    port=port,
                    next_path=endpoint.next_path,
                    before_each=endpoint.before_each,
                    concurrency=level,
                    seconds=options["seconds"],
                    headers=headers,
                )
                rows.append((endpoint, level, result))
                self.stdout.write(self._line(endpoint, level, result))
        return rows

    def _line(self, endpoint: Endpoint, level: int, result: LoadResult) -> str:
        figures = " ".join(
            f"{label} {_milliseconds(result.percentile_ms(share))}"
            for label, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
        )
        errors = f", {dict(result.error_kinds)}" if result.errors else ""
        return (
            f"  {endpoint.name} @{level}: {result.requests} requests, {result.errors} errors{errors}, "
            f"{figures} ms, {result.per_second:.0f} req/s"
        )

    def _report(self, endpoints: list[Endpoint], rows: list, options: dict) -> None:
        table = [
            "| endpoint | connections | requests | errors | p50 ms | p95 ms | p99 ms | req/s | target "
            "| met |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for endpoint, level, result in rows:
            verdicts = [goal.met(result) for goal in endpoint.goals]
            met = (
                ""
                if not endpoint.goals
                else "yes"
                if all(verdicts)
                else "no: "
                + ", ".join(str(g) for g, ok in zip(endpoint.goals, verdicts, strict=True) if not ok)
            )
            table.append(
                f"| {endpoint.name} | {level} | {result.requests:,} | {result.errors} | "
                f"{_milliseconds(result.percentile_ms(0.5))} | {_milliseconds(result.percentile_ms(0.95))} | "
                f"{_milliseconds(result.percentile_ms(0.99))} | {result.per_second:.0f} | "
                f"{', '.join(str(goal) for goal in endpoint.goals)} | {met} |"
            )
        examples = [
            f"- {endpoint.name}: `{endpoint.paths[0]}` ({len(set(endpoint.paths))} URLs)"
            for endpoint in endpoints
        ]
        server = f"server {options['url']}" if options["url"] else "gunicorn started by the command"
        setup = (
            f"{options['seconds']:g} s per endpoint and level; {server}; "
            f"{Author.objects.count():,} authors, {Paper.objects.count():,} papers."
        )
        self.stdout.write("\n" + "\n".join(table) + "\n\n" + setup)
        self.docs_markdown = "\n".join([setup, "", *table, "", "URLs (one example each):", "", *examples])
