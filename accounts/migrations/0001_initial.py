"""The accounts models, moved from `profiles` with their tables (profiles_claim, ...)."""

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
                    name='AccountPreferences',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('weekly_digest', models.BooleanField(default=False, help_text='A weekly email with new work by the researchers you follow.')),
                        ('email_on_message', models.BooleanField(default=True, help_text='An email when someone writes to you in a conversation.')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='account_preferences', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name_plural': 'account preferences',
                        'db_table': 'profiles_accountpreferences',
                    },
                ),
                migrations.CreateModel(
                    name='Conversation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('subject', models.CharField(max_length=200)),
                        ('status', models.CharField(choices=[('pending', 'Awaiting reply'), ('accepted', 'Accepted'), ('declined', 'Declined')], default='pending', max_length=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conversations', to='profiles.author')),
                        ('initiator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conversations_started', to=settings.AUTH_USER_MODEL)),
                        ('paper', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='papers.paper')),
                        ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='conversations_received', to=settings.AUTH_USER_MODEL)),
                        ('topic', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='papers.topic')),
                    ],
                    options={
                        'db_table': 'profiles_conversation',
                        'ordering': ['-updated_at'],
                    },
                ),
                migrations.CreateModel(
                    name='AbuseReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.TextField()),
                        ('status', models.CharField(choices=[('open', 'Open'), ('resolved', 'Resolved')], default='open', max_length=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('resolved_at', models.DateTimeField(blank=True, null=True)),
                        ('reported_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='abuse_reports_received', to=settings.AUTH_USER_MODEL)),
                        ('reporter', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='abuse_reports_made', to=settings.AUTH_USER_MODEL)),
                        ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='abuse_reports_resolved', to=settings.AUTH_USER_MODEL)),
                        ('conversation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='abuse_reports', to='accounts.conversation')),
                    ],
                    options={
                        'db_table': 'profiles_abusereport',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Message',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('body', models.TextField()),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('conversation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='accounts.conversation')),
                        ('sender', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'profiles_message',
                        'ordering': ['created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Claim',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('withdrawn', 'Withdrawn'), ('revoked', 'Revoked')], default='pending', max_length=16)),
                        ('evidence_text', models.TextField(blank=True)),
                        ('evidence_email', models.EmailField(blank=True, max_length=254)),
                        ('evidence_orcid', models.CharField(blank=True, max_length=19)),
                        ('evidence_homepage', models.URLField(blank=True)),
                        ('decision_reason', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='claims', to='profiles.author')),
                        ('reviewer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reviewed_claims', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='claims', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'profiles_claim',
                        'ordering': ['-created_at'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'approved')), fields=('author',), name='one_approved_claim_per_author'), models.UniqueConstraint(condition=models.Q(('status', 'approved')), fields=('user',), name='one_approved_claim_per_user')],
                    },
                ),
                migrations.CreateModel(
                    name='Follow',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follows', to='profiles.author')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follows', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'profiles_follow',
                        'constraints': [models.UniqueConstraint(fields=('user', 'author'), name='follow_once')],
                    },
                ),
                migrations.CreateModel(
                    name='FollowDigest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('week_start', models.DateField(help_text='Monday of the week whose new work the digest lists.')),
                        ('paper_count', models.PositiveIntegerField(default=0)),
                        ('sent_at', models.DateTimeField(blank=True, help_text='Empty when there was nothing to send.', null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follow_digests', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'profiles_followdigest',
                        'ordering': ['-week_start'],
                        'constraints': [models.UniqueConstraint(fields=('user', 'week_start'), name='follow_digest_once_per_week')],
                    },
                ),
                migrations.CreateModel(
                    name='UserBlock',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('blocked', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='blocks_received', to=settings.AUTH_USER_MODEL)),
                        ('blocker', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='blocks_made', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'profiles_userblock',
                        'constraints': [models.UniqueConstraint(fields=('blocker', 'blocked'), name='block_once'), models.CheckConstraint(condition=models.Q(('blocker', models.F('blocked')), _negated=True), name='block_not_self')],
                    },
                ),
            ],
        ),
        migrations.RunPython(*content_types_mover(old_app='profiles', new_app='accounts', models=['abusereport', 'accountpreferences', 'claim', 'conversation', 'follow', 'followdigest', 'message', 'userblock'])),
    ]
