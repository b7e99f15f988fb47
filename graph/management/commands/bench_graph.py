"""Benchmark: graph slice build time, cold and cached, on a synthetic graph in its own database.

``manage.py bench_graph`` creates a scratch database next to the configured one (never the
development data), migrates it, fills it with generated rows in a few set-based INSERTs, times
the slice of one author with ``--collaborators`` collaborators, and drops the database again
(``--keep`` keeps it for a rerun with ``--reuse``). Cache entries go under their own key
prefix and are deleted at the end. Results: ``docs/benchmarks.md``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from contextlib import contextmanager

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.test import Client, override_settings
from django.urls import reverse

from common.benchmarks import BenchmarkCommand
from graph import cache_keys, selectors
from graph.models import CollaboratorEdge
from graph.slice import build_slice
from papers.models import Authorship, Paper, Topic
from profiles.models import Author, Institution
from profiles.trust import CLOSE_COLLABORATOR_MIN_SHARED

HUB_SLUG = "bench-hub-author"
COMMUNITY_SIZE = 50  # background papers draw their four authors from one community of this size
CLOSE_CIRCLE = 50  # the hub's first collaborators, on many of its papers
BENCH_CACHE_PREFIX = "bench-graph"


# --- generating the graph (also used by tests/graph/test_bench_graph.py) --------------------


def _reserve_ids(model: type[models.Model], count: int) -> int:
    """First of ``count`` consecutive ids nobody else will get (the sequence only moves on)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + count])
    return first


def _insert_series(model: type[models.Model], *, first_id: int, count: int, values: dict[str, str]) -> None:
    """INSERT ``count`` rows of ``model`` from generate_series; ``i`` runs 0..count-1.

    ``values`` gives SQL expressions for some columns; every other column gets the model
    field's default (or NULL / empty), so new nullable or defaulted columns need no change here.
    """
    columns, expressions, params = ["id"], [f"{first_id} + i"], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.generated:  # PostgreSQL computes generated columns
            continue
        column = field.column
        columns.append(connection.ops.quote_name(column))
        if field.name in values or column in values:
            expressions.append(values.get(field.name, values.get(column)).replace("%", "%%"))
        elif isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
            expressions.append("now()")
        elif field.has_default():
            expressions.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.null:
            expressions.append("NULL")
        else:
            expressions.append("''")
    # Only integers and model metadata are formatted into the SQL; defaults are parameters.
    table, listed, selected = model._meta.db_table, ", ".join(columns), ", ".join(expressions)
    sql = f"INSERT INTO {table} ({listed}) SELECT {selected} FROM generate_series(0, %s) AS i"  # noqa: S608
    params.append(count - 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def synthetic_graph_create(
    *, authors: int, collaborators: int, hub_papers: int, papers_per_author: float = 1.5
) -> dict:
    """Generate a research graph with one hub author who has exactly ``collaborators`` co-authors.

    Background papers have three authors from one community of ``COMMUNITY_SIZE`` and a fourth
    from another community (the hub is never among them); the hub's papers have the hub and
    three collaborators: one from its close circle of ``CLOSE_CIRCLE`` and two from the rest.
    Returns counts and the hub's id.
    """
    if collaborators + 1 > authors or hub_papers * 2 < collaborators - CLOSE_CIRCLE:
        raise CommandError("too few authors or hub papers for that many collaborators")
    communities = (authors - 1) // COMMUNITY_SIZE
    background = int(authors * papers_per_author)
    institutions = 500
    topic_ids = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
    if not topic_ids:
        topic_ids = [Topic.objects.create(code="cs.LG", name="Machine Learning", slug="cs-lg").pk]

    first_institution = _reserve_ids(Institution, institutions)
    _insert_series(
        Institution,
        first_id=first_institution,
        count=institutions,
        values={"name": "'Institute ' || i", "slug": f"'bench-institute-{first_institution}-' || i"},
    )
    first_author = _reserve_ids(Author, authors)
    hub = first_author
    _insert_series(
        Author,
        first_id=first_author,
        count=authors,
        values={
            "display_name": "CASE WHEN i = 0 THEN 'Hub Author' ELSE 'Author ' || i END",
            "slug": f"CASE WHEN i = 0 THEN '{HUB_SLUG}' ELSE 'bench-author-{first_author}-' || i END",
            "normalized_name": "'author ' || i",
            "institution": f"{first_institution} + i % {institutions}",
        },
    )
    total_papers = background + hub_papers
    first_paper = _reserve_ids(Paper, total_papers)
    _insert_series(
        Paper,
        first_id=first_paper,
        count=total_papers,
        values={
            "title": "'Synthetic paper ' || i",
            "normalized_title": "'synthetic paper ' || i",
            "slug": f"'bench-paper-{first_paper}-' || i",
            "year": "2000 + i % 25",
        },
    )
    # Author at position j of background paper p, and of hub paper q = p - background.
    # The fourth author comes from another community, so communities link up into one graph.
    community = f"(CASE WHEN j = 3 THEN (p * 31 + 7) % {communities} ELSE p % {communities} END)"
    background_author = (
        f"{first_author} + 1 + {community} * {COMMUNITY_SIZE} + ((p * 7 + j * 11) % {COMMUNITY_SIZE})"
    )
    rest, q = collaborators - CLOSE_CIRCLE, f"(p - {background})"
    hub_author = (
        f"CASE WHEN j = 0 THEN {hub} "
        f"WHEN j = 1 THEN {hub} + 1 + ({q} % {CLOSE_CIRCLE}) "
        f"ELSE {hub} + 1 + {CLOSE_CIRCLE} + (({q} * 2 + j - 2) % {rest}) END"
    )
    first_authorship = _reserve_ids(Authorship, total_papers * 4)
    with connection.cursor() as cursor:
        authorship_sql = f"""
            INSERT INTO papers_authorship (id, paper_id, author_id, position, name_as_written, from_subject)
            SELECT {first_authorship} + p * 4 + j, {first_paper} + p,
                   CASE WHEN p < {background} THEN {background_author} ELSE {hub_author} END,
                   j, 'Author', false
            FROM generate_series(0, {total_papers - 1}) AS p, generate_series(0, 3) AS j
        """  # noqa: S608 - only integers are formatted in
        cursor.execute(authorship_sql)
        cursor.execute(
            """
            INSERT INTO papers_papertopic (paper_id, topic_id, inferred, score)
            SELECT paper.id, (%(topics)s::bigint[])[1 + paper.id %% cardinality(%(topics)s::bigint[])],
                   paper.id %% 3 = 0, NULL
            FROM papers_paper AS paper WHERE paper.id BETWEEN %(first)s AND %(last)s
            """,
            {"topics": topic_ids, "first": first_paper, "last": first_paper + total_papers - 1},
        )
        # Affiliations on every authorship of the hub's papers and on first authors elsewhere.
        cursor.execute(
            """
            INSERT INTO papers_authorship_institutions (authorship_id, institution_id)
            SELECT authorship.id, %(first_institution)s + authorship.author_id %% %(institutions)s
            FROM papers_authorship AS authorship
            WHERE authorship.id BETWEEN %(first)s AND %(last)s
              AND (authorship.paper_id >= %(first_hub_paper)s OR authorship.position = 0)
            """,
            {
                "first_institution": first_institution,
                "institutions": institutions,
                "first": first_authorship,
                "last": first_authorship + total_papers * 4 - 1,
                "first_hub_paper": first_paper + background,
            },
        )
        cursor.execute(
            """
            INSERT INTO graph_collaboratoredge
                (author_low_id, author_high_id, shared_papers, first_year, last_year, updated_at)
            SELECT LEAST(mine.author_id, theirs.author_id), GREATEST(mine.author_id, theirs.author_id),
                   COUNT(DISTINCT mine.paper_id), MIN(paper.year), MAX(paper.year), NOW()
            FROM papers_authorship AS mine
            JOIN papers_authorship AS theirs
              ON theirs.paper_id = mine.paper_id AND theirs.author_id > mine.author_id
            JOIN papers_paper AS paper ON paper.id = mine.paper_id
            WHERE mine.paper_id BETWEEN %(first)s AND %(last)s
            GROUP BY 1, 2
            """,
            {"first": first_paper, "last": first_paper + total_papers - 1},
        )
        cursor.execute("ANALYZE")  # planner statistics as autovacuum would leave them
    return {
        "hub": hub,
        "authors": authors,
        "papers": total_papers,
        "authorships": total_papers * 4,
        "edges": CollaboratorEdge.objects.filter(author_low_id__gte=first_author).count(),
    }


# --- measuring ------------------------------------------------------------------------------


def _seconds(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure_slice(*, author: Author, max_nodes: int, cold_runs: int, cached_runs: int) -> dict:
    """Cold builds (cache invalidated before each) and cached reads of one author's slice."""
    cold, database, networkx = [], [], []
    for _ in range(cold_runs):
        cache_keys.generations_replace([author.pk])
        cold.append(_seconds(lambda: selectors.author_slice(author=author, radius=2, max_nodes=max_nodes)))
        # The same work again, split into its two halves: SQL and the networkx build.
        started = time.perf_counter()
        neighbourhood = selectors.author_neighbourhood(author=author)
        loaded = time.perf_counter()
        build_slice(
            neighbourhood, radius=2, max_nodes=max_nodes, close_min_shared=CLOSE_COLLABORATOR_MIN_SHARED
        )
        database.append(loaded - started)
        networkx.append(time.perf_counter() - loaded)
    drawn = selectors.author_slice(author=author, radius=2, max_nodes=max_nodes)
    cached = [
        _seconds(lambda: selectors.author_slice(author=author, radius=2, max_nodes=max_nodes))
        for _ in range(cached_runs)
    ]
    return {
        "cold": statistics.median(cold),
        "cold_min": min(cold),
        "sql": statistics.median(database),
        "build": statistics.median(networkx),
        "cached": statistics.median(cached),
        "cold_runs": cold_runs,
        "cached_runs": cached_runs,
        "nodes": len(drawn["nodes"]),
    }


def measure_api(*, author: Author, cold_runs: int, cached_runs: int) -> dict:
    """The same through the HTTP endpoint (lookup, cache, JSON, links), with Django's test client."""
    client = Client(HTTP_HOST="localhost")
    url = reverse("api:graph-slice", args=[author.slug])

    def fetch():
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")

    cold = []
    for _ in range(cold_runs):
        cache_keys.generations_replace([author.pk])
        cold.append(_seconds(fetch))
    fetch()
    cached = [_seconds(fetch) for _ in range(cached_runs)]
    return {"cold": statistics.median(cold), "cached": statistics.median(cached)}


@contextmanager
def _cache_prefix(prefix: str):
    """Keep the benchmark's cache entries apart from the site's, and delete them afterwards."""
    previous = cache.key_prefix
    cache.key_prefix = prefix
    try:
        yield
    finally:
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
        cache.key_prefix = previous


def _server_version() -> str:
    number = connection.cursor().connection.info.server_version
    return f"{number // 10000}.{number % 10000}"


def _machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            kib = int(handle.readline().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}"


class Command(BenchmarkCommand):
    help = "Time graph slices (cold and cached) on a synthetic graph in a scratch database."
    docs_block = "graph"

    def add_arguments(self, parser):
        parser.add_argument("--authors", type=int, default=100_000)
        parser.add_argument("--collaborators", type=int, default=1_000)
        parser.add_argument("--hub-papers", type=int, default=600)
        parser.add_argument("--cold-runs", type=int, default=5)
        parser.add_argument("--cached-runs", type=int, default=200)
        parser.add_argument(
            "--database", default="", help="scratch database name (default: <name>_bench_graph)"
        )
        parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
        parser.add_argument("--reuse", action="store_true", help="use a kept scratch database as it is")
        parser.add_argument("--json", action="store_true", help="also print the figures as JSON")

    def handle(self, *args, **options):
        # It times the server's work, not the rate limits: 200 cached reads from one address
        # would otherwise be refused (429) as the API's throttle does for any client.
        with override_settings(RATE_LIMITS_SCALE=0):
            return self._handle(**options)

    def _handle(self, **options):
        original = connection.settings_dict["NAME"]
        scratch = options["database"] or f"{original}_bench_graph"
        if scratch == original:
            raise CommandError("the benchmark never runs in the configured database")
        self.stdout.write(f"machine: {_machine()}; PostgreSQL {_server_version()}")
        exists = self._database_exists(scratch)
        if exists and not options["reuse"]:
            self._drop(scratch)
        if not exists or not options["reuse"]:
            self._run_sql(f'CREATE DATABASE "{scratch}"')
        connection.close()
        connection.settings_dict["NAME"] = scratch
        try:
            with _cache_prefix(BENCH_CACHE_PREFIX):
                results = self._bench(options, reuse=exists and options["reuse"])
        finally:
            connection.close()
            connection.settings_dict["NAME"] = original
            if not options["keep"]:
                self._drop(scratch)
                self.stdout.write(f"dropped scratch database {scratch}")
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))

    def _bench(self, options: dict, *, reuse: bool) -> dict:
        if not reuse:
            self.stdout.write("migrating the scratch database…")
            seconds = _seconds(lambda: call_command("migrate", verbosity=0, interactive=False))
            self.stdout.write(f"  migrated in {seconds:.1f}s")
            self.stdout.write(
                f"generating {options['authors']:,} authors, "
                f"a hub with {options['collaborators']:,} collaborators…"
            )
            created = {}

            def generate():
                created.update(
                    synthetic_graph_create(
                        authors=options["authors"],
                        collaborators=options["collaborators"],
                        hub_papers=options["hub_papers"],
                    )
                )

            seconds = _seconds(generate)
            self.stdout.write(
                f"  {created['authors']:,} authors, {created['papers']:,} papers, "
                f"{created['authorships']:,} authorships, {created['edges']:,} collaborator edges "
                f"in {seconds:.1f}s"
            )
        hub = selectors.graph_author(slug=HUB_SLUG)
        if hub is None:
            raise CommandError("no hub author in the scratch database; run without --reuse")
        collaborators = CollaboratorEdge.objects.filter(
            models.Q(author_low=hub) | models.Q(author_high=hub)
        ).count()
        totals = {"authors": Author.objects.count(), "collaborators": collaborators}
        self.stdout.write(
            f"focus: {hub.display_name}, {collaborators:,} collaborators, "
            f"{Paper.objects.filter(authorships__author=hub).count():,} papers; "
            f"{totals['authors']:,} authors in the graph"
        )
        results = {"machine": _machine(), **totals, "slices": {}}
        for max_nodes in (40, 300):
            figures = measure_slice(
                author=hub,
                max_nodes=max_nodes,
                cold_runs=options["cold_runs"],
                cached_runs=options["cached_runs"],
            )
            results["slices"][max_nodes] = figures
            self.stdout.write(
                f"slice radius 2, max {max_nodes} nodes ({figures['nodes']} drawn): "
                f"cold {figures['cold'] * 1000:.0f} ms median of {figures['cold_runs']} "
                f"(min {figures['cold_min'] * 1000:.0f} ms; SQL {figures['sql'] * 1000:.0f} ms + "
                f"networkx {figures['build'] * 1000:.0f} ms), "
                f"cached {figures['cached'] * 1000:.2f} ms median of {figures['cached_runs']}"
            )
        api = measure_api(author=hub, cold_runs=options["cold_runs"], cached_runs=options["cached_runs"])
        results["api"] = api
        self.stdout.write(
            f"GET /api/v1/graph/authors/{hub.slug}/slice/: cold {api['cold'] * 1000:.0f} ms, "
            f"cached {api['cached'] * 1000:.2f} ms (medians)"
        )
        # The last author with a paper: the far end of the generated communities.
        far = Author.objects.get(pk=Authorship.objects.order_by("-author_id").values("author_id")[:1])
        path = {}
        seconds = _seconds(lambda: path.update(selectors.collaboration_path(source=hub, target=far)))
        results["path"] = {
            "seconds": seconds,
            "hops": path["hops"],
            "reached": path["searched"]["researchers_reached"],
        }
        self.stdout.write(
            f"path {hub.display_name} → {far.display_name}: "
            f"{str(path['hops']) + ' hops' if path['connected'] else 'not connected'}, "
            f"{path['searched']['researchers_reached']:,} researchers reached, {seconds * 1000:.0f} ms"
        )
        return results

    # --- the scratch database, managed from the configured one ------------------------------

    def _run_sql(self, sql: str, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def _database_exists(self, name: str) -> bool:
        return bool(self._run_sql("SELECT 1 FROM pg_database WHERE datname = %s", [name]))

    def _drop(self, name: str) -> None:
        self._run_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
