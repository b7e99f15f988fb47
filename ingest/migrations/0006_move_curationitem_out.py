"""CurationItem moves to the `curation` app; its table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('ingest', '0005_record_warning'),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(
                    name='CurationItem',
                ),
            ],
        ),
    ]
