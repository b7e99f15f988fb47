"""CurationItem, moved from `ingest` with its table (ingest_curationitem)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from common.migration_moves import content_types_mover


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('admin', '0003_logentry_add_action_flag_choices'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('ingest', '0006_move_curationitem_out'),
        ('papers', '0006_long_venues'),
        ('profiles', '0011_move_models_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='CurationItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('unattributed', 'Unattributed abstract'), ('duplicate', 'Possible same person'), ('disowned', 'Paper disowned by researcher'), ('failed', 'Record could not be imported')], max_length=16)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('resolved', 'Resolved'), ('dismissed', 'Dismissed')], default='open', max_length=16)),
                        ('summary', models.CharField(max_length=500)),
                        ('details', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('resolved_at', models.DateTimeField(blank=True, null=True)),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='profiles.author')),
                        ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='curation_items', to='ingest.importbatch')),
                        ('other_author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='profiles.author')),
                        ('paper', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='papers.paper')),
                        ('record', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='ingest.importrecord')),
                        ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'ingest_curationitem',
                        'ordering': ['status', '-created_at'],
                    },
                ),
            ],
        ),
        migrations.RunPython(*content_types_mover(old_app='ingest', new_app='curation', models=['curationitem'])),
    ]
