from django.db import migrations


def seed(apps, schema_editor):
    from papers.taxonomy import ARXIV_CS_CATEGORIES

    Topic = apps.get_model("papers", "Topic")
    for code, name, description in ARXIV_CS_CATEGORIES:
        Topic.objects.update_or_create(
            code=code,
            defaults={"name": name, "description": description, "slug": code.lower().replace(".", "-")},
        )


class Migration(migrations.Migration):
    dependencies = [("papers", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
