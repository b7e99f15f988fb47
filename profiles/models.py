from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Institution(models.Model):
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300, unique=True)
    ror_id = models.CharField("ROR id", max_length=64, blank=True)
    email_domain = models.CharField(
        max_length=255, blank=True, help_text="Used to verify claims by institutional email."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Author(models.Model):
    class Verification(models.IntegerChoices):
        IMPORTED = 1, "L1 · imported public record"
        CLAIMED = 2, "L2 · claimed by a verified user"
        VERIFIED = 3, "L3 · identity verified"

    display_name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300, unique=True)
    normalized_name = models.CharField(max_length=300, db_index=True)
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="authors"
    )
    role = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    homepage = models.URLField(blank=True)
    orcid = models.CharField("ORCID iD", max_length=19, blank=True)
    open_to_collaborate = models.BooleanField(default=False)
    claimed_by = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_author",
    )
    verification_level = models.PositiveSmallIntegerField(
        choices=Verification.choices, default=Verification.IMPORTED
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )

    # Cached figures, refreshed by tasks when their inputs change.
    work_count = models.PositiveIntegerField(default=0)
    follower_count = models.PositiveIntegerField(default=0)
    topic_count = models.PositiveIntegerField(default=0)
    close_collaborator_count = models.PositiveIntegerField(default=0)
    trust_score = models.PositiveSmallIntegerField(null=True, blank=True)
    trust_breakdown = models.JSONField(default=dict, blank=True)
    trust_updated_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name"]
        indexes = [models.Index(fields=["-follower_count"], name="author_followers_idx")]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("profiles:author", kwargs={"slug": self.slug})


class AuthorAlias(models.Model):
    """A name exactly as some import wrote it, kept for identity resolution and display."""

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    normalized_name = models.CharField(max_length=300, db_index=True)
    import_batch = models.ForeignKey("ingest.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "author aliases"
        constraints = [models.UniqueConstraint(fields=["author", "name"], name="alias_unique_per_author")]

    def __str__(self) -> str:
        return self.name


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "author"], name="follow_once")]

    def __str__(self) -> str:
        return f"user {self.user_id} follows author {self.author_id}"


class Claim(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="claims")
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
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="conversations")
    subject = models.CharField(max_length=200)
    paper = models.ForeignKey("papers.Paper", null=True, blank=True, on_delete=models.SET_NULL)
    topic = models.ForeignKey("papers.Topic", null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"message {self.pk} in conversation {self.conversation_id}"
