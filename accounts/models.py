"""Accounts: claims, follows, conversations, blocks, reports, email preferences, digests.

The tables keep the names they had in `profiles` (moved without touching the database).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    author = models.ForeignKey("profiles.Author", on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "profiles_follow"
        constraints = [models.UniqueConstraint(fields=["user", "author"], name="follow_once")]

    def __str__(self) -> str:
        return f"user {self.user_id} follows author {self.author_id}"


class Claim(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REVOKED = "revoked", "Revoked"  # approved, then taken back by an admin

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims")
    author = models.ForeignKey("profiles.Author", on_delete=models.CASCADE, related_name="claims")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    evidence_text = models.TextField(blank=True)
    evidence_email = models.EmailField(blank=True)
    evidence_orcid = models.CharField(max_length=19, blank=True)
    evidence_homepage = models.URLField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_claims",
    )
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "profiles_claim"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["author"], condition=Q(status="approved"), name="one_approved_claim_per_author"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="approved"), name="one_approved_claim_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.author} ({self.status})"


class Conversation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting reply"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations_started"
    )
    author = models.ForeignKey("profiles.Author", on_delete=models.CASCADE, related_name="conversations")
    # The researcher's account when the invitation was sent. Only the initiator and this user
    # read the thread: whoever owns the profile later does not inherit its private messages.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations_received",
    )
    subject = models.CharField(max_length=200)
    paper = models.ForeignKey("papers.Paper", null=True, blank=True, on_delete=models.SET_NULL)
    topic = models.ForeignKey("papers.Topic", null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "profiles_conversation"
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.subject


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "profiles_message"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"message {self.pk} in conversation {self.conversation_id}"


class UserBlock(models.Model):
    """The blocker receives no more invitations or messages from the blocked user."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "profiles_userblock"
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~Q(blocker=models.F("blocked")), name="block_not_self"),
        ]

    def __str__(self) -> str:
        return f"user {self.blocker_id} blocks user {self.blocked_id}"


class AbuseReport(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="abuse_reports_made"
    )
    reported_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="abuse_reports_received",
    )
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="abuse_reports"
    )
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="abuse_reports_resolved",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "profiles_abusereport"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"report {self.pk} by user {self.reporter_id} ({self.status})"


class AccountPreferences(models.Model):
    """Email choices of one user; a missing row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_preferences"
    )
    weekly_digest = models.BooleanField(
        default=False, help_text="A weekly email with new work by the researchers you follow."
    )
    email_on_message = models.BooleanField(
        default=True, help_text="An email when someone writes to you in a conversation."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "profiles_accountpreferences"
        verbose_name_plural = "account preferences"

    def __str__(self) -> str:
        return f"preferences of user {self.user_id}"


class FollowDigest(models.Model):
    """One row per user and week, written before the digest is mailed: no week is sent twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_digests"
    )
    week_start = models.DateField(help_text="Monday of the week whose new work the digest lists.")
    paper_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="Empty when there was nothing to send.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "profiles_followdigest"
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="follow_digest_once_per_week")
        ]

    def __str__(self) -> str:
        return f"digest for user {self.user_id}, week of {self.week_start}"
