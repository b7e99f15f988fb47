"""Search and similarity indexes that the ORM cannot describe.

- Full-text search over papers: a GIN index on the weighted document (title A over
  abstract B, English stemming). ``papers.selectors.search_papers`` builds the very same
  expression with ``SearchVector``, so the planner uses this index.
- Typo-tolerant name search: the embedded PostgreSQL ships no contrib modules (pg_trgm
  included), so ``papers_name_trigrams()`` computes pg_trgm-style trigrams (each word padded
  with two spaces in front, one behind) in plain SQL, and a GIN index over its array finds
  every alias sharing trigrams with the query. Where pg_trgm exists it is not needed.
- Related researchers: one unit-length centroid per author (the mean of their papers'
  embeddings) with an HNSW cosine index, kept by ``papers.services_embedding``. No foreign
  key: Django's test flush truncates only the tables it knows, and a key would block it;
  readers join ``profiles_author`` and refreshes drop rows of authors that are gone.
"""

from django.db import migrations

TRIGRAMS_FUNCTION = r"""
CREATE FUNCTION papers_name_trigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(padded, position, 3)), '{}')
    FROM (
        SELECT '  ' || word || ' ' AS padded
        FROM regexp_split_to_table(lower(value), '[^[:alnum:]]+') AS word
        WHERE word <> ''
    ) AS words,
    LATERAL generate_series(1, length(padded) - 2) AS position
$$;
"""

PAPER_DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(abstract, '')), 'B'))"
)

CENTROID_TABLE = """
CREATE TABLE papers_author_centroid (
    author_id bigint PRIMARY KEY,
    embedding vector(384) NOT NULL,
    paper_count integer NOT NULL,
    model varchar(200) NOT NULL,
    updated_at timestamp with time zone NOT NULL DEFAULT now()
);
CREATE INDEX papers_author_centroid_hnsw ON papers_author_centroid
    USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0003_seed_topics"),
        ("profiles", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(TRIGRAMS_FUNCTION, "DROP FUNCTION IF EXISTS papers_name_trigrams(text);"),
        migrations.RunSQL(
            "CREATE INDEX papers_alias_name_trigrams ON profiles_authoralias "
            "USING gin (papers_name_trigrams(normalized_name));",
            "DROP INDEX IF EXISTS papers_alias_name_trigrams;",
        ),
        migrations.RunSQL(
            f"CREATE INDEX papers_paper_search_document ON papers_paper USING gin ({PAPER_DOCUMENT});",
            "DROP INDEX IF EXISTS papers_paper_search_document;",
        ),
        migrations.RunSQL(CENTROID_TABLE, "DROP TABLE IF EXISTS papers_author_centroid;"),
    ]
