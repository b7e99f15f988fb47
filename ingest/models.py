from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    """One uploaded dump, kept exactly as it came, and the progress of its import."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PARSING = "parsing", "Parsing"
        PLACING = "placing", "Placing records"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        UNDONE = "undone", "Undone"

    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    checksum = models.CharField("SHA-256", max_length=64, db_index=True)
    format = models.CharField(
        max_length=32, blank=True, help_text="Leave empty to detect the format from the content."
    )
    detected_format = models.CharField(max_length=32, blank=True)
    subject_name = models.CharField(
        "belongs to researcher",
        max_length=300,
        blank=True,
        help_text="Name of the researcher this listing belongs to, if any.",
    )
    subject_orcid = models.CharField(
        "researcher's ORCID iD",
        max_length=19,
        blank=True,
        db_default="",
        help_text="Set when the import brings in the works of an ORCID record.",
    )
    subject_author = models.ForeignKey(
        "profiles.Author", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total_records = models.PositiveIntegerField(default=0)
    processed_records = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    context = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The token of the worker holding the batch: every status write checks it, so a worker whose
    # lease was taken over (it went quiet too long) can no longer change the batch.
    lease = models.CharField(max_length=32, blank=True, db_default="")
    # When the batch was last put in the queue (upload, retry, or beat's sweep): a batch that has
    # waited there less than IMPORT_QUEUE_STALE_SECONDS is waiting, not lost.
    queued_at = models.DateTimeField(null=True, blank=True)
    # When the name blocks this import touched were last clustered again (the blocks_changed task,
    # after DONE): until then its profiles show placement's first guess at who is who.
    identity_settled_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker has taken this batch (resumes count)."
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.total_records:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.processed_records / self.total_records))


class ImportRecord(models.Model):
    """One parsed record of a batch: its lines, its canonical fields and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        UNCHANGED = "unchanged", "Unchanged"
        REVIEW = "review", "Needs review"
        FAILED = "failed", "Failed"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records")
    index = models.PositiveIntegerField()
    line_start = models.PositiveIntegerField(null=True, blank=True)
    line_end = models.PositiveIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    # What the parser noticed about a record it still imported (`no abstract line after line 7`).
    warning = models.TextField(blank=True)
    paper = models.ForeignKey(
        "papers.Paper", null=True, blank=True, on_delete=models.SET_NULL, related_name="import_records"
    )
    # What this record created (for undo): {"papers": [..], "authors": [..], ...}
    created_objects = models.JSONField(default=dict, blank=True)
    placed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "index"]
        constraints = [models.UniqueConstraint(fields=["batch", "index"], name="record_index_once")]
        indexes = [models.Index(fields=["batch", "status"], name="record_batch_status_idx")]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.index} ({self.status})"
