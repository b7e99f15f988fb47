from django.db import models
from django.db.models import F, Q


class CollaboratorEdge(models.Model):
    """Two authors who share papers; derived from authorships and kept in step by tasks.

    Stored once per pair with ``author_low_id < author_high_id``.
    """

    author_low = models.ForeignKey("profiles.Author", on_delete=models.CASCADE, related_name="+")
    author_high = models.ForeignKey("profiles.Author", on_delete=models.CASCADE, related_name="+")
    shared_papers = models.PositiveIntegerField(default=0)
    first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["author_low", "author_high"], name="edge_once"),
            models.CheckConstraint(condition=Q(author_low__lt=F("author_high")), name="edge_ordered"),
        ]
        indexes = [models.Index(fields=["author_high"], name="edge_high_idx")]

    def __str__(self) -> str:
        return f"{self.author_low_id} — {self.author_high_id} ({self.shared_papers})"
