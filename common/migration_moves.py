"""Moving a model to another app without touching its table: the parts a migration needs.

The table keeps its name (the model's ``db_table``) and the schema is untouched
(``SeparateDatabaseAndState`` with no database operations). What does change is the model's
label, which the database stores in one place: ``django_content_type``. Relabelling the row,
rather than letting Django create a new one, keeps its id, so permissions (``auth_permission``),
group and user grants, and the admin's history (``django_admin_log``) stay attached.
"""

from __future__ import annotations


def relabel_content_types(apps, *, old_app: str, new_app: str, models: list[str]) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    for model in models:
        old = ContentType.objects.filter(app_label=old_app, model=model).first()
        if old is None:
            continue  # a fresh database: post_migrate creates the new label
        new = ContentType.objects.filter(app_label=new_app, model=model).first()
        if new is None:
            old.app_label = new_app
            old.save(update_fields=["app_label"])
            continue
        # Both exist (a partly migrated database): keep the new row, move what points at the old.
        existing = set(Permission.objects.filter(content_type=new).values_list("codename", flat=True))
        Permission.objects.filter(content_type=old).exclude(codename__in=existing).update(content_type=new)
        for permission in Permission.objects.filter(content_type=old):
            twin = Permission.objects.get(content_type=new, codename=permission.codename)
            for group in permission.group_set.all():
                group.permissions.add(twin)
            for user in permission.user_set.all():
                user.user_permissions.add(twin)
        LogEntry.objects.filter(content_type=old).update(content_type=new)
        old.delete()


def content_types_mover(*, old_app: str, new_app: str, models: list[str]):
    """A RunPython pair (forwards, backwards) relabelling ``models`` between the two apps."""

    def forwards(apps, schema_editor):
        relabel_content_types(apps, old_app=old_app, new_app=new_app, models=models)

    def backwards(apps, schema_editor):
        relabel_content_types(apps, old_app=new_app, new_app=old_app, models=models)

    return forwards, backwards
