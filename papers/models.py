from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from pgvector.django import HnswIndex, VectorField

from common.urls import slug_path

EMBEDDING_DIMENSIONS = 384


class Topic(models.Model):
    """A research area; seeded from the arXiv CS subcategories (code ``cs.CL`` etc.)."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return slug_path("papers:topic", self.slug)


class Paper(models.Model):
    class Kind(models.TextChoices):
        PREPRINT = "preprint", "Preprint"
        ARTICLE = "article", "Journal article"
        CONFERENCE = "inproceedings", "Conference paper"
        OTHER = "other", "Other"

    title = models.TextField(blank=True)
    normalized_title = models.CharField(max_length=500, blank=True, db_index=True)
    slug = models.SlugField(max_length=120, unique=True)
    abstract = models.TextField(blank=True)
    # Dates come with their real precision: a year, a month, a day, or a day without a year.
    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    day = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, blank=True)
    source = models.CharField(max_length=100, blank=True)
    arxiv_id = models.CharField("arXiv id", max_length=32, null=True, blank=True, unique=True)
    doi = models.CharField("DOI", max_length=255, null=True, blank=True, unique=True)
    venue = models.TextField(blank=True)  # comments and journal refs can be long
    score = models.FloatField(null=True, blank=True)
    has_code = models.BooleanField(null=True, blank=True)
    primary_category = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="primary_papers"
    )
    topics = models.ManyToManyField(Topic, through="PaperTopic", related_name="papers")
    authors_truncated = models.BooleanField(default=False)
    authors_more = models.PositiveIntegerField(null=True, blank=True)
    # How many works cite this one, as counted by `citation_count_source` on that date.
    citation_count = models.PositiveIntegerField(null=True, blank=True)
    citation_count_source = models.CharField(max_length=100, blank=True, db_default="")
    citation_count_date = models.DateField(null=True, blank=True)
    # Which import supplied each field: {"abstract": {"batch": 3, "record": 17}, ...}
    field_sources = models.JSONField(default=dict, blank=True)

    # The full-text document, kept by PostgreSQL: title (weight A) over abstract (weight B).
    # Stored so that ranking reads it instead of parsing every matching row's text again.
    search_document = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="english")
        + SearchVector("abstract", weight="B", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True)
    embedding_model = models.CharField(max_length=200, blank=True)
    embedding_text_hash = models.CharField(max_length=64, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-month", "-day", "title"]
        indexes = [
            HnswIndex(
                name="paper_embedding_hnsw",
                fields=["embedding"],
                m=24,
                ef_construction=200,
                opclasses=["vector_cosine_ops"],
            ),
            models.Index(fields=["-created_at"], name="paper_recent_idx"),
            # Keyword search (papers.selectors.search_paper_ids_by_text).
            GinIndex(fields=["search_document"], name="papers_paper_search_document"),
            # Candidate lookup for title-less records (papers.services.paper_find).
            GinIndex(SearchVector("abstract", config="simple"), name="paper_abstract_fts"),
        ]

    def __str__(self) -> str:
        return self.title or f"Untitled ({self.arxiv_id or self.pk})"

    def get_absolute_url(self) -> str:
        return slug_path("papers:paper", self.slug)

    @property
    def date_display(self) -> str:
        """The date as precisely as it is known, e.g. ``Feb 2023`` or ``Mar 19 (year unknown)``."""
        months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        month = months[self.month - 1] if self.month else ""
        if self.year is None:
            return f"{month} {self.day} (year unknown)" if month and self.day else ""
        if month and self.day:
            return f"{month} {self.day}, {self.year}"
        return f"{month} {self.year}".strip()


class Authorship(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey("profiles.Author", on_delete=models.CASCADE, related_name="authorships")
    position = models.PositiveSmallIntegerField()
    name_as_written = models.CharField(max_length=300)
    # The ORCID iD the source gave for this name on this paper (normalised), if any.
    orcid = models.CharField("ORCID iD", max_length=19, blank=True, db_default="")
    # True when the author list was not imported and this authorship only records that the
    # listing's named researcher wrote the paper; a real author list replaces it.
    from_subject = models.BooleanField(default=False)
    institutions = models.ManyToManyField("profiles.Institution", blank=True)

    class Meta:
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="authorship_position"),
            models.UniqueConstraint(fields=["paper", "author"], name="authorship_once"),
        ]
        indexes = [
            models.Index(fields=["author", "paper"], name="authorship_author_idx"),
            # Identity looks up everyone an ORCID iD was written for.
            models.Index(fields=["orcid"], condition=~models.Q(orcid=""), name="authorship_orcid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name_as_written} on {self.paper_id}"


class PaperTopic(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="paper_topics")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="paper_topics")
    inferred = models.BooleanField(
        default=False, help_text="Assigned by similarity rather than stated by the source."
    )
    score = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["paper", "topic"], name="paper_topic_once")]

    def __str__(self) -> str:
        return f"topic {self.topic_id} on paper {self.paper_id}{' (inferred)' if self.inferred else ''}"
