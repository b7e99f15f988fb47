from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse


class Institution(models.Model):
    name = models.TextField()  # real affiliations run past 300 characters
    slug = models.SlugField(max_length=300, unique=True)
    ror_id = models.CharField("ROR id", max_length=64, blank=True, help_text="Bare, e.g. 00f54p054.")
    email_domain = models.CharField(
        max_length=255,
        blank=True,
        help_text="Shown to claim reviewers: a claimant's verified address here is evidence of affiliation.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # One institution per ROR id: imports that give it find the same row whatever name
            # the source wrote.
            models.UniqueConstraint(fields=["ror_id"], condition=~Q(ror_id=""), name="institution_ror_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ror_url(self) -> str:
        return f"https://ror.org/{self.ror_id}" if self.ror_id else ""


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
    # Where the iD came from. Only an iD from an import or an admin can prove a claimant's
    # identity (an ORCID sign-in matching it); one typed by the profile's owner cannot.
    orcid_source = models.CharField(
        max_length=8,
        blank=True,
        db_default="",
        choices=[("import", "from an import"), ("admin", "set by an admin"), ("owner", "typed by the owner")],
    )
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
        indexes = [
            models.Index(fields=["-follower_count"], name="author_followers_idx"),
            models.Index(fields=["orcid"], condition=~Q(orcid=""), name="author_orcid_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("profiles:author", kwargs={"slug": self.slug})


class AuthorAlias(models.Model):
    """A name exactly as some import wrote it, kept for identity resolution and display."""

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    normalized_name = models.CharField(max_length=300, db_index=True)
    # Family name + first initial (`hashimoto t`): where the resolver looks for candidates.
    block_key = models.CharField(max_length=300, db_index=True, blank=True, default="")
    import_batch = models.ForeignKey("ingest.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "author aliases"
        constraints = [models.UniqueConstraint(fields=["author", "name"], name="alias_unique_per_author")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.block_key:
            from profiles.names import block_key

            self.block_key = block_key(self.name)
        super().save(*args, **kwargs)


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
        REVOKED = "revoked", "Revoked"  # approved, then taken back by an admin

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


# --- accounts: blocking, abuse reports, email preferences, digest markers (issue 9) --------


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
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="follow_digest_once_per_week")
        ]

    def __str__(self) -> str:
        return f"digest for user {self.user_id}, week of {self.week_start}"


class IdentityDecision(models.Model):
    """One automatic author-identity decision, with the evidence and score behind it."""

    class Action(models.TextChoices):
        MATCHED = "matched", "Matched an existing author"
        CREATED = "created", "New author (no compatible author)"
        UNSURE = "unsure", "New author, possibly the same person as another"
        MERGED = "merged", "Merged two authors automatically"

    action = models.CharField(max_length=16, choices=Action.choices)
    name = models.CharField("name as written", max_length=300)
    block_key = models.CharField(max_length=300, db_index=True)
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="identity_decisions"
    )
    other_author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
    author = models.ForeignKey(Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    other_author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
        ordering = ["-created_at", "-pk"]
        verbose_name = "identity change"

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.pk}"

    @property
    def reversible(self) -> bool:
        return self.undone_at is None and self.action in {"merge", "split", "different"}


class DistinctAuthorPair(models.Model):
    """Two authors an admin said are different people: never merged or proposed again."""

    author_low = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="+")
    author_high = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["author_low", "author_high"], name="distinct_pair_once"),
            models.CheckConstraint(
                condition=Q(author_low__lt=F("author_high")), name="distinct_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["author_high"], name="distinct_pair_high_idx")]

    def __str__(self) -> str:
        return f"{self.author_low_id} ≠ {self.author_high_id}"
