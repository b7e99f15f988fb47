"""Keyword search reads a stored ``tsvector`` column instead of an expression.

The GIN index of migration 0004 was on the expression, so every matching row's document was
parsed again from its title and abstract to rank it (seconds for a common word at a million
papers). PostgreSQL now keeps the document in ``search_document`` (a generated column, filled
for every existing row when the column is added) and the index of the same name covers it.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

# The expression index of migration 0004, rebuilt when this migration is reversed.
OLD_INDEX = (
    "CREATE INDEX papers_paper_search_document ON papers_paper USING gin ("
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(abstract, '')), 'B')));"
)


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0006_long_venues"),
    ]

    operations = [
        migrations.RunSQL("DROP INDEX IF EXISTS papers_paper_search_document;", OLD_INDEX),
        migrations.AddField(
            model_name="paper",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector("title", config="english", weight="A"),
                    "||",
                    django.contrib.postgres.search.SearchVector("abstract", config="english", weight="B"),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="paper",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_document"], name="papers_paper_search_document"
            ),
        ),
        # The new column has no statistics until autovacuum gets to it; without them the planner
        # guesses how many papers a word matches and ranks every match of a common word.
        migrations.RunSQL("ANALYZE papers_paper;", migrations.RunSQL.noop),
    ]
