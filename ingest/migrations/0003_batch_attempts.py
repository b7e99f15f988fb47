from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ingest", "0002_initial")]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="attempts",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="How many times a worker has taken this batch (resumes count)."
            ),
        ),
    ]
