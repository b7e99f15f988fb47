"""The curation queue: what the importer or a researcher left for an admin to decide.

The table keeps the name it had in `ingest` (moved without touching the database).
"""

from django.conf import settings
from django.db import models


class CurationItem(models.Model):
    """Something the importer could not decide on its own, waiting for an admin."""

    class Kind(models.TextChoices):
        UNATTRIBUTED_ABSTRACT = "unattributed", "Unattributed abstract"
        POSSIBLE_DUPLICATE = "duplicate", "Possible same person"
        DISOWNED_PAPER = "disowned", "Paper disowned by researcher"
        FAILED_RECORD = "failed", "Record could not be imported"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    batch = models.ForeignKey(
        "ingest.ImportBatch", null=True, blank=True, on_delete=models.CASCADE, related_name="curation_items"
    )
    record = models.ForeignKey("ingest.ImportRecord", null=True, blank=True, on_delete=models.CASCADE)
    author = models.ForeignKey(
        "profiles.Author", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    other_author = models.ForeignKey(
        "profiles.Author", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    paper = models.ForeignKey("papers.Paper", null=True, blank=True, on_delete=models.CASCADE)
    summary = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "ingest_curationitem"
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return self.summary


class CurationEvent(models.Model):
    """Audit row: who opened, resolved, dismissed, reopened or re-pointed an item, when and why."""

    class Action(models.TextChoices):
        OPENED = "opened", "Opened"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"
        REOPENED = "reopened", "Reopened"
        MATCHED = "matched", "Paper found by meaning"
        MOVED = "moved", "Moved to another author"

    item = models.ForeignKey(CurationItem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "created_at", "pk"]

    def __str__(self) -> str:
        return f"item {self.item_id}: {self.action}"
