"""Unsent outbox rows name their tasks by the new home of every task, ``pipeline.tasks``."""

from django.db import migrations

OLD_MODULES = (
    "ingest.tasks.",
    "papers.tasks.",
    "profiles.tasks.",
    "profiles.tasks_accounts.",
    "graph.tasks.",
    "common.tasks.",
)


def _rename(apps, rename) -> None:
    Outbox = apps.get_model("common", "Outbox")
    for row in Outbox.objects.filter(sent_at=None).only("pk", "task_name"):
        new = rename(row.task_name)
        if new != row.task_name:
            Outbox.objects.filter(pk=row.pk).update(task_name=new)


def forwards(apps, schema_editor):
    def rename(name: str) -> str:
        for module in OLD_MODULES:
            if name.startswith(module):
                return "pipeline.tasks." + name[len(module) :]
        return name

    _rename(apps, rename)


class Migration(migrations.Migration):
    dependencies = [("common", "0001_outbox")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
