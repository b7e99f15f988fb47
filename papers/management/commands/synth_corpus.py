"""Load an arXiv-shaped synthetic corpus straight into PostgreSQL with COPY (benchmark databases).

Not the import pipeline: the rows are generated in NumPy (``papers/synthetic_corpus.py``) and
copied in binary into institutions, authors, aliases, papers (with vectors), topics,
authorships, their institutions and collaborator edges; cached counts are computed on the way.
Secondary indexes and unique and foreign-key constraints of those tables are dropped first and
rebuilt from their own catalog definitions afterwards (so they always match the migrations),
all in one transaction: a failure leaves the database as it was. Other apps' tables are found
through the app registry, never by importing their modules.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import NOT_PROVIDED
from pgvector.psycopg import register_vector
from psycopg import sql

from common.text import normalize_key, slug_base
from papers import synthetic_corpus as corpus
from papers.embedding import current_model_id, text_hash
from papers.models import Authorship, Paper, PaperTopic, Topic

CENTROID_TABLE = "papers_author_centroid"  # papers migration 0004 (no model)
PGCOPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
BINARY_TYPES = {"bigint": ">i8", "integer": ">i4", "smallint": ">i2", "boolean": "?"}
CLOSE_COLLABORATOR_MIN_SHARED = 2  # as the profile counts close collaborators
_WORD_GAPS = re.compile(r"[^a-z0-9]+")


def _model(label: str):
    return apps.get_model(label)


class Command(BaseCommand):
    help = "Load N arXiv-shaped papers with authors, topics, vectors and edges straight into PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--papers", type=int, default=100_000)
        parser.add_argument("--authors", type=int, default=None, help="Default: 0.3 per paper.")
        parser.add_argument("--seed", type=int, default=16)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Empty the corpus tables first (and, by cascade, what refers to them: follows, "
            "claims, import records...). Without it the tables must be empty.",
        )

    def handle(self, *args, papers: int, authors: int | None, seed: int, replace: bool, **options):
        self.started = time.perf_counter()
        self.institution_model = _model("profiles.Institution")
        self.author_model = _model("profiles.Author")
        self.alias_model = _model("profiles.AuthorAlias")
        self.edge_model = _model("graph.CollaboratorEdge")
        self.authorship_institutions = Authorship._meta.get_field("institutions").remote_field.through
        self.tables = [
            self.institution_model._meta.db_table,
            self.author_model._meta.db_table,
            self.alias_model._meta.db_table,
            Paper._meta.db_table,
            PaperTopic._meta.db_table,
            Authorship._meta.db_table,
            self.authorship_institutions._meta.db_table,
            self.edge_model._meta.db_table,
            CENTROID_TABLE,
        ]
        with connection.cursor() as cursor:
            filled = [table for table in self.tables if self._has_rows(cursor.cursor, table)]
        if filled and not replace:
            raise CommandError(f"not empty: {', '.join(filled)}; pass --replace to empty them first")
        rng = np.random.default_rng(seed)
        sizes = corpus.Sizes.for_papers(papers, authors)
        self.stdout.write(
            f"synth_corpus: {sizes.papers:,} papers, {sizes.authors:,} authors, "
            f"{sizes.institutions:,} institutions, {sizes.communities:,} communities, {sizes.hubs} hubs"
        )
        with self.phase("generate people and authorships"):
            people = corpus.make_people(rng, sizes)
            authorships, paper_community, _ = corpus.make_authorships(rng, sizes, people)
            topics = list(Topic.objects.order_by("pk").values_list("pk", "name"))
            if not topics:
                raise CommandError("no topics: run migrate first (papers migration 0003 seeds them)")
            paper_topic, paper_subtopic, year, month = self._paper_topics_and_dates(
                rng, sizes, paper_community, len(topics)
            )
        with self.phase("collaborator edges (NumPy)"):
            edges = corpus.collaborator_edges(authorships, year, sizes.authors)
        self.stdout.write(
            f"  {len(authorships.paper):,} authorships ({len(authorships.paper) / papers:.2f} a paper), "
            f"{len(edges[0]):,} collaborator edges"
        )

        connection.ensure_connection()
        raw = connection.connection
        register_vector(raw)
        with transaction.atomic(), raw.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '2GB'")
            cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
            with self.phase("empty tables, drop indexes and constraints"):
                if filled:
                    cursor.execute(
                        sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                            sql.SQL(", ").join(map(sql.Identifier, self.tables))
                        )
                    )
                saved = self._drop_indexes_and_constraints(cursor)
            with self.phase("copy institutions, authors, aliases"):
                self._copy_people(cursor, sizes, people, authorships, edges, paper_topic)
            with self.phase("copy papers with vectors"):
                self._copy_papers(cursor, rng, topics, paper_topic, paper_subtopic, year, month)
            with self.phase("copy paper topics, authorships, authorship institutions"):
                self._copy_authorships(cursor, rng, people, authorships, paper_topic, len(topics), topics)
            with self.phase("copy collaborator edges"):
                low, high, shared, first_year, last_year = edges
                self._copy_fixed(
                    cursor,
                    self.edge_model._meta.db_table,
                    {
                        "id": np.arange(1, len(low) + 1),
                        "author_low_id": low + 1,
                        "author_high_id": high + 1,
                        "shared_papers": shared,
                        "first_year": first_year,
                        "last_year": last_year,
                    },
                    model=self.edge_model,
                )
            self._restore(cursor, saved)
            with self.phase("author centroids (mean paper vector)"):
                cursor.execute(
                    sql.SQL(
                        "INSERT INTO {} (author_id, embedding, paper_count, model, updated_at) "
                        "SELECT authorship.author_id, l2_normalize(avg(paper.embedding)), count(*), %s, "
                        "now() "
                        "FROM {} AS authorship JOIN {} AS paper ON paper.id = authorship.paper_id "
                        "GROUP BY authorship.author_id"
                    ).format(
                        sql.Identifier(CENTROID_TABLE),
                        sql.Identifier(Authorship._meta.db_table),
                        sql.Identifier(Paper._meta.db_table),
                    ),
                    [current_model_id()],
                )
            self._restore(cursor, saved, centroid=True)
            with self.phase("sequences"):
                for table in self.tables:
                    if table == CENTROID_TABLE:
                        continue
                    cursor.execute(
                        sql.SQL(
                            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                            "greatest((SELECT max(id) FROM {}), 1))"
                        ).format(sql.Identifier(table)),
                        [table],
                    )
            self._drop_temporary_defaults(cursor)
        with self.phase("analyze"), connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(f"ANALYZE {table}")
        with self.phase("trust scores (the refresh an import runs, for every author)"):
            # Without them each profile computes its trust live (seven more queries a page),
            # which an imported database never does: the pipeline refreshes trust after imports.
            call_command("refresh_trust", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"done in {time.perf_counter() - self.started:.1f}s"))

    # --- phases ------------------------------------------------------------------------------

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.stdout.write(f"{time.perf_counter() - started:8.1f}s  {name}")
        self.stdout.flush()

    def _paper_topics_and_dates(self, rng, sizes, paper_community, topic_count):
        subtopics = 50
        home_topic = rng.integers(topic_count, size=sizes.communities)
        home_subtopic = rng.integers(subtopics, size=sizes.communities)
        stray = rng.random(sizes.papers) < 0.15
        topic = np.where(stray, rng.integers(topic_count, size=sizes.papers), home_topic[paper_community])
        subtopic = np.where(stray, rng.integers(subtopics, size=sizes.papers), home_subtopic[paper_community])
        self.directions = corpus.topic_directions(rng, topic_count, subtopics)
        # arXiv grows about 12% a year: most papers are recent.
        years = np.arange(corpus.FIRST_YEAR, corpus.LAST_YEAR + 1)
        weights = 1.12 ** (years - corpus.FIRST_YEAR)
        year = rng.choice(years, size=sizes.papers, p=weights / weights.sum()).astype(np.int16)
        month = rng.integers(1, 13, size=sizes.papers).astype(np.int16)
        return topic.astype(np.int32), (topic * subtopics + subtopic).astype(np.int32), year, month

    def _has_rows(self, cursor, table: str) -> bool:
        cursor.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table)))
        return cursor.fetchone()[0]

    def _drop_indexes_and_constraints(self, cursor) -> list[tuple[str, str, str, str]]:
        """Unique and foreign-key constraints and secondary indexes, with the SQL to rebuild them."""
        saved = []
        for table in self.tables:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
                [table],
            )
            for name, definition in cursor.fetchall():
                saved.append((table, "constraint", name, definition))
            cursor.execute(
                "SELECT index.indexrelid::regclass::text, pg_get_indexdef(index.indexrelid) "
                "FROM pg_index AS index WHERE index.indrelid = %s::regclass AND NOT index.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = index.indexrelid) "
                "ORDER BY 1",
                [table],
            )
            for name, definition in cursor.fetchall():
                saved.append((table, "index", name, definition))
        # Foreign keys first (they may lean on unique constraints), then the rest.
        foreign_first = sorted(saved, key=lambda item: item[3].startswith("FOREIGN"), reverse=True)
        for table, kind, name, _ in foreign_first:
            if kind == "constraint":
                cursor.execute(
                    sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                        sql.Identifier(table), sql.Identifier(name)
                    )
                )
            else:
                cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        return saved

    def _restore(self, cursor, saved, centroid: bool = False) -> None:
        """Rebuild what was dropped: unique constraints and indexes, then foreign keys."""
        ordered = sorted(saved, key=lambda item: item[3].startswith("FOREIGN"))
        for table, kind, name, definition in ordered:
            if (table == CENTROID_TABLE) != centroid:
                continue
            with self.phase(f"rebuild {kind} {name}"):
                if kind == "constraint":
                    cursor.execute(
                        sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(
                            sql.Identifier(table), sql.Identifier(name)
                        )
                        + sql.SQL(definition)
                    )
                else:
                    cursor.execute(definition)

    def _columns(self, cursor, table: str) -> dict[str, str]:
        cursor.execute(
            "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [table],
        )
        return dict(cursor.fetchall())

    def _fill_omitted_columns(self, cursor, model, given: list[str]) -> None:
        """Columns not copied take the model's default: set it as a column default for the load."""
        self.temporary_defaults = getattr(self, "temporary_defaults", [])
        for field in model._meta.concrete_fields:
            if field.column in given or field.null or field.db_default is not NOT_PROVIDED or field.generated:
                continue  # given, empty by default, or computed by PostgreSQL (the search document)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                default = sql.SQL("now()")
            else:
                value = field.get_default()  # "" for text fields without a default
                if value is None:
                    raise CommandError(f"synth_corpus does not fill {model._meta.label}.{field.name}")
                default = sql.Literal(json.dumps(value) if isinstance(value, dict | list) else value)
            table = model._meta.db_table
            cursor.execute(
                sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT ").format(
                    sql.Identifier(table), sql.Identifier(field.column)
                )
                + default
            )
            self.temporary_defaults.append((table, field.column))

    def _drop_temporary_defaults(self, cursor) -> None:
        for table, column in getattr(self, "temporary_defaults", []):
            cursor.execute(
                sql.SQL("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT").format(
                    sql.Identifier(table), sql.Identifier(column)
                )
            )

    def _copy_rows(self, cursor, model_or_table, columns: list[str], rows, raw: tuple[str, ...] = ()) -> None:
        """Binary COPY of Python rows (tables with text columns); ``raw`` columns come as wire bytes."""
        table = model_or_table if isinstance(model_or_table, str) else model_or_table._meta.db_table
        if not isinstance(model_or_table, str):
            self._fill_omitted_columns(cursor, model_or_table, columns)
        types = self._columns(cursor, table)
        statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with cursor.copy(statement) as copy:
            copy.set_types(["bytea" if column in raw else types[column] for column in columns])
            for row in rows:
                copy.write_row(row)

    def _copy_fixed(self, cursor, table: str, arrays: dict[str, np.ndarray], model) -> None:
        """Binary COPY of fixed-width columns straight from NumPy (millions of rows a second)."""
        self._fill_omitted_columns(cursor, model, list(arrays))
        types = self._columns(cursor, table)
        count = len(next(iter(arrays.values())))
        fields = [("fields", ">i2")]
        for column in arrays:
            dtype = np.dtype(BINARY_TYPES[types[column]])
            fields += [(f"{column}_length", ">i4"), (column, dtype)]
        statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, arrays))
        )
        chunk = 1_000_000
        with cursor.copy(statement) as copy:
            copy.write(PGCOPY_HEADER)
            for start in range(0, count, chunk):
                block = np.zeros(min(chunk, count - start), dtype=fields)
                block["fields"] = len(arrays)
                for column, values in arrays.items():
                    block[f"{column}_length"] = block.dtype[column].itemsize
                    block[column] = values[start : start + chunk]
                copy.write(block.tobytes())
            copy.write((-1).to_bytes(2, "big", signed=True))

    def _copy_people(self, cursor, sizes, people, authorships, edges, paper_topic) -> None:
        rng = np.random.default_rng(1)
        names = corpus.institution_names(rng, sizes.institutions)
        self._copy_rows(
            cursor,
            self.institution_model,
            ["id", "name", "slug"],
            ((index + 1, name, f"{slug_base(name)}-{index + 1}") for index, name in enumerate(names)),
        )
        works = np.bincount(authorships.author, minlength=sizes.authors)
        # Topics per author: distinct primary topics of their papers.
        pairs = np.unique(authorships.author.astype(np.int64) * 1000 + paper_topic[authorships.paper])
        topic_counts = np.bincount((pairs // 1000).astype(np.int64), minlength=sizes.authors)
        low, high, shared, _, _ = edges
        close = shared >= CLOSE_COLLABORATOR_MIN_SHARED
        close_counts = np.bincount(low[close], minlength=sizes.authors) + np.bincount(
            high[close], minlength=sizes.authors
        )
        self._copy_rows(
            cursor,
            self.author_model,
            [
                "id",
                "display_name",
                "slug",
                "normalized_name",
                "institution_id",
                "work_count",
                "topic_count",
                "close_collaborator_count",
            ],
            (
                (
                    index + 1,
                    name,
                    f"{slug_base(name)}-{index + 1}",
                    normalize_key(name),
                    int(people.institution[index]) + 1 if people.institution[index] >= 0 else None,
                    int(works[index]),
                    int(topic_counts[index]),
                    int(close_counts[index]),
                )
                for index, name in enumerate(people.display_names)
            ),
        )
        collaborators = np.bincount(low, minlength=sizes.authors) + np.bincount(high, minlength=sizes.authors)
        hubs = ", ".join(f"{works[hub]:,}/{collaborators[hub]:,}" for hub in people.hubs)
        self.stdout.write(f"  hubs (works/collaborators): {hubs}")

        def aliases():
            alias_id = 0
            for index, forms in enumerate(people.aliases):
                for form in forms:
                    alias_id += 1
                    key = normalize_key(form)
                    parts = key.split()
                    yield alias_id, index + 1, form, key, f"{parts[-1]} {parts[0][0]}" if parts else ""

        self._copy_rows(
            cursor, self.alias_model, ["id", "author_id", "name", "normalized_name", "block_key"], aliases()
        )

    def _copy_papers(self, cursor, rng, topics, paper_topic, paper_subtopic, year, month) -> None:
        model_id = current_model_id()
        sentences = corpus.sentence_pool(rng, 50_000)
        # arXiv-style ids, numbered within each month.
        period = (year.astype(np.int64) % 100) * 100 + month
        order = np.argsort(period, kind="stable")
        starts = np.searchsorted(period[order], period[order])
        number = np.empty(len(period), dtype=np.int64)
        number[order] = np.arange(len(period)) - starts + 1
        chunk = 50_000
        vectors = corpus.paper_vectors(rng, paper_subtopic, self.directions, chunk=chunk)
        columns = [
            "id",
            "title",
            "normalized_title",
            "slug",
            "abstract",
            "year",
            "month",
            "kind",
            "source",
            "arxiv_id",
            "primary_category_id",
            "embedding",
            "embedding_model",
            "embedding_text_hash",
        ]

        # pgvector's binary form: dimensions and a reserved word (int16 each), then big-endian floats.
        vector_header = np.array([corpus.DIMENSIONS, 0], dtype=">i2").tobytes()

        def rows():
            for start in range(0, len(year), chunk):
                block = next(vectors).astype(">f4")
                picks = rng.integers(len(sentences), size=(len(block), 5))
                titles = corpus.paper_titles(
                    rng, [topics[topic][1] for topic in paper_topic[start : start + len(block)]]
                )
                for offset, title in enumerate(titles):
                    index = start + offset
                    topic_id = topics[paper_topic[index]][0]
                    abstract = " ".join(sentences[pick] for pick in picks[offset])
                    key = normalize_key(title)
                    yield (
                        index + 1,
                        title,
                        key[:500],
                        f"{_WORD_GAPS.sub('-', key)[:80].strip('-')}-{index + 1}",
                        abstract,
                        int(year[index]),
                        int(month[index]),
                        Paper.Kind.PREPRINT.value,
                        "synth_corpus",
                        f"{period[index]:04d}.{number[index]:05d}",
                        topic_id,
                        vector_header + block[offset].tobytes(),
                        model_id,
                        # papers.embedding.paper_text, whose space collapsing has nothing to do here.
                        text_hash(f"{title}. {abstract}"),
                    )

        self._copy_rows(cursor, Paper, columns, rows(), raw=("embedding",))

    def _copy_authorships(self, cursor, rng, people, authorships, paper_topic, topic_count, topics) -> None:
        papers = len(paper_topic)
        topic_ids = np.asarray([pk for pk, _ in topics], dtype=np.int64)
        # The primary topic, and for a third of papers a second (cross-listed) one.
        cross = np.flatnonzero(rng.random(papers) < 0.3)
        second = (paper_topic[cross] + rng.integers(1, topic_count, size=len(cross))) % topic_count
        paper_ids = np.concatenate([np.arange(papers), cross]) + 1
        self._copy_fixed(
            cursor,
            PaperTopic._meta.db_table,
            {
                "id": np.arange(1, len(paper_ids) + 1),
                "paper_id": paper_ids,
                "topic_id": topic_ids[np.concatenate([paper_topic, second])],
            },
            model=PaperTopic,
        )
        aliases = people.aliases
        self._copy_rows(
            cursor,
            Authorship,
            ["id", "paper_id", "author_id", "position", "name_as_written"],
            (
                (row + 1, int(paper) + 1, int(author) + 1, int(position), aliases[author][alias])
                for row, (paper, author, position, alias) in enumerate(
                    zip(
                        authorships.paper.tolist(),
                        authorships.author.tolist(),
                        authorships.position.tolist(),
                        authorships.alias.tolist(),
                        strict=True,
                    )
                )
            ),
        )
        with_institution = np.flatnonzero(people.institution[authorships.author] >= 0)
        self._copy_fixed(
            cursor,
            self.authorship_institutions._meta.db_table,
            {
                "id": np.arange(1, len(with_institution) + 1),
                "authorship_id": with_institution + 1,
                "institution_id": people.institution[authorships.author[with_institution]] + 1,
            },
            model=self.authorship_institutions,
        )
