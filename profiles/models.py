from django.conf import settings
from django.db import models
from django.db.models import Q

from common.urls import slug_path
from identity.names import block_key


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
            # The researcher list walks this in name order from a boundary (keyset pages).
            models.Index(
                fields=["display_name", "id"], condition=Q(merged_into=None), name="author_directory_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return slug_path("profiles:author", self.slug)


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
            self.block_key = block_key(self.name)
        super().save(*args, **kwargs)
