"""The identity models, moved from `profiles` with their tables (profiles_authoridentitylog, ...)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from common.migration_moves import content_types_mover

# Merges record which rows of which model they re-pointed (AuthorIdentityLog.data["moved"], keyed
# "<app>.<Model>.<field>") so that an undo can put them back; those labels follow the models.
MOVED_LABELS = {
    "profiles.Follow": "accounts.Follow",
    "profiles.Claim": "accounts.Claim",
    "profiles.Conversation": "accounts.Conversation",
    "profiles.Message": "accounts.Message",
    "profiles.UserBlock": "accounts.UserBlock",
    "profiles.AbuseReport": "accounts.AbuseReport",
    "profiles.AccountPreferences": "accounts.AccountPreferences",
    "profiles.FollowDigest": "accounts.FollowDigest",
    "profiles.IdentityDecision": "identity.IdentityDecision",
    "profiles.AuthorIdentityLog": "identity.AuthorIdentityLog",
    "profiles.DistinctAuthorPair": "identity.DistinctAuthorPair",
    "ingest.CurationItem": "curation.CurationItem",
}


def _relabel_moved(apps, mapping: dict[str, str]) -> None:
    AuthorIdentityLog = apps.get_model("identity", "AuthorIdentityLog")
    for log in AuthorIdentityLog.objects.filter(data__has_key="moved").only("pk", "data").iterator():
        moved = log.data.get("moved") or {}
        relabelled = {}
        for key, ids in moved.items():
            model_label, _, field = key.rpartition(".")
            relabelled[f"{mapping.get(model_label, model_label)}.{field}"] = ids
        if relabelled != moved:
            AuthorIdentityLog.objects.filter(pk=log.pk).update(data={**log.data, "moved": relabelled})


def moved_labels_forwards(apps, schema_editor):
    _relabel_moved(apps, MOVED_LABELS)


def moved_labels_backwards(apps, schema_editor):
    _relabel_moved(apps, {new: old for old, new in MOVED_LABELS.items()})


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
                    name='AuthorIdentityLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('merge', 'Merge'), ('merge_undo', 'Merge undone'), ('split', 'Split'), ('split_undo', 'Split undone'), ('different', 'Marked as different people'), ('different_undo', 'Different people undone'), ('disown', 'Paper disowned')], max_length=16)),
                        ('automatic', models.BooleanField(default=False)),
                        ('reason', models.TextField(blank=True)),
                        ('data', models.JSONField(blank=True, default=dict)),
                        ('undone_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='profiles.author')),
                        ('other_author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='profiles.author')),
                        ('undo_of', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='identity.authoridentitylog')),
                        ('undone_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'identity change',
                        'db_table': 'profiles_authoridentitylog',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='DistinctAuthorPair',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('author_high', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='profiles.author')),
                        ('author_low', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='profiles.author')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'profiles_distinctauthorpair',
                        'indexes': [models.Index(fields=['author_high'], name='distinct_pair_high_idx')],
                        'constraints': [models.UniqueConstraint(fields=('author_low', 'author_high'), name='distinct_pair_once'), models.CheckConstraint(condition=models.Q(('author_low__lt', models.F('author_high'))), name='distinct_pair_ordered')],
                    },
                ),
                migrations.CreateModel(
                    name='IdentityDecision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('matched', 'Matched an existing author'), ('created', 'New author (no compatible author)'), ('unsure', 'New author, possibly the same person as another'), ('merged', 'Merged two authors automatically')], max_length=16)),
                        ('name', models.CharField(max_length=300, verbose_name='name as written')),
                        ('block_key', models.CharField(db_index=True, max_length=300)),
                        ('score', models.FloatField(blank=True, null=True)),
                        ('reasons', models.JSONField(blank=True, default=list)),
                        ('evidence', models.JSONField(blank=True, default=list)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='identity_decisions', to='profiles.author')),
                        ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='ingest.importbatch')),
                        ('other_author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='profiles.author')),
                        ('paper', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='papers.paper')),
                    ],
                    options={
                        'db_table': 'profiles_identitydecision',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['action', '-created_at'], name='identity_decision_action_idx')],
                    },
                ),
            ],
        ),
        migrations.RunPython(*content_types_mover(old_app='profiles', new_app='identity', models=['authoridentitylog', 'distinctauthorpair', 'identitydecision'])),
        migrations.RunPython(moved_labels_forwards, moved_labels_backwards),
    ]
