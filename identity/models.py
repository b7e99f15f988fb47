"""Author identity: automatic decisions, the audit log of merges and splits, "different people".

The tables keep the names they had in `profiles` (moved without touching the database).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class IdentityDecision(models.Model):
    """One automatic author-identity decision, with the evidence and score behind it."""

    class Action(models.TextChoices):
        MATCHED = "matched", "Matched an existing author"
        CREATED = "created", "New author (no compatible author)"
        UNSURE = "unsure", "New author, possibly the same person as another"
        MERGED = "merged", "Merged two authors automatically"
        SPLIT = "split", "Moved papers to another author automatically (re-clustering)"

    action = models.CharField(max_length=16, choices=Action.choices)
    name = models.CharField("name as written", max_length=300)
    block_key = models.CharField(max_length=300, db_index=True)
    author = models.ForeignKey(
        "profiles.Author", null=True, blank=True, on_delete=models.SET_NULL, related_name="identity_decisions"
    )
    other_author = models.ForeignKey(
        "profiles.Author", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    # Every candidate considered: [{"author_id", "score", "relation", "components", "reasons"}]
    evidence = models.JSONField(default=list, blank=True)
    batch = models.ForeignKey("ingest.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL)
    paper = models.ForeignKey(
        "papers.Paper", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "profiles_identitydecision"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["action", "-created_at"], name="identity_decision_action_idx")]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_action_display()}"


class AuthorIdentityLog(models.Model):
    """Audit row for every merge, split, "different people" and disown, with what to reverse."""

    class Action(models.TextChoices):
        MERGE = "merge", "Merge"
        MERGE_UNDO = "merge_undo", "Merge undone"
        SPLIT = "split", "Split"
        SPLIT_UNDO = "split_undo", "Split undone"
        DIFFERENT = "different", "Marked as different people"
        DIFFERENT_UNDO = "different_undo", "Different people undone"
        DISOWN = "disown", "Paper disowned"

    action = models.CharField(max_length=16, choices=Action.choices)
    # merge: survivor / merged author; split: source / target; different: the two authors.
    author = models.ForeignKey(
        "profiles.Author", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    other_author = models.ForeignKey(
        "profiles.Author", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    automatic = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    # What moved and what was removed, enough to reverse it (see profiles/merging.py).
    data = models.JSONField(default=dict, blank=True)
    undo_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "profiles_authoridentitylog"
        ordering = ["-created_at", "-pk"]
        verbose_name = "identity change"

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.pk}"

    @property
    def reversible(self) -> bool:
        return self.undone_at is None and self.action in {"merge", "split", "different"}


class DistinctAuthorPair(models.Model):
    """Two authors an admin said are different people: never merged or proposed again."""

    author_low = models.ForeignKey("profiles.Author", on_delete=models.CASCADE, related_name="+")
    author_high = models.ForeignKey("profiles.Author", on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "profiles_distinctauthorpair"
        constraints = [
            models.UniqueConstraint(fields=["author_low", "author_high"], name="distinct_pair_once"),
            models.CheckConstraint(
                condition=Q(author_low__lt=F("author_high")), name="distinct_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["author_high"], name="distinct_pair_high_idx")]

    def __str__(self) -> str:
        return f"{self.author_low_id} ≠ {self.author_high_id}"
