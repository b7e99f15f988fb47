from django.db import migrations
from django.db.models import OuterRef, Subquery


def recipients_from_current_owners(apps, schema_editor):
    """Existing threads: the best record of who was invited is the profile's owner now."""
    Author = apps.get_model("profiles", "Author")
    Conversation = apps.get_model("profiles", "Conversation")
    owner = Author.objects.filter(pk=OuterRef("author_id")).values("claimed_by_id")[:1]
    Conversation.objects.filter(recipient=None).update(recipient_id=Subquery(owner))


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0007_conversation_recipient"),
    ]

    operations = [
        migrations.RunPython(recipients_from_current_owners, migrations.RunPython.noop, elidable=True),
    ]
