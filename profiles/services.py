"""Writes for researchers: the author resolver used by every import, and cached counts."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q

from common.text import slug_base
from graph.models import CollaboratorEdge
from profiles.models import Author, AuthorAlias, Institution
from profiles.names import clean_display_name, name_key

# A collaborator is "close" with at least this many shared papers (used by trust and graph).
CLOSE_COLLABORATOR_MIN_SHARED = 2


def _unique_slug(model, base: str) -> str:
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def institution_get_or_create(*, name: str) -> Institution:
    slug = slug_base(name, 300)
    institution = Institution.objects.filter(slug=slug).first()
    if institution is None:
        institution = Institution.objects.create(name=clean_display_name(name), slug=slug)
    return institution


def author_resolve(*, name: str, batch=None) -> tuple[Author, bool]:
    """Find the author a written name refers to, or create one. Returns (author, created).

    For now an exact normalised-name match against names and aliases; the author-identity
    work replaces the inside of this function, not its callers.
    """
    display = clean_display_name(name)
    key = name_key(display)
    # Every author carries its own display name as an alias, so aliases alone suffice.
    alias = (
        AuthorAlias.objects.filter(normalized_name=key, author__merged_into=None)
        .select_related("author")
        .order_by("author_id")
        .first()
    )
    author = alias.author if alias else None
    created = author is None
    if created:
        author = Author.objects.create(
            display_name=display, normalized_name=key, slug=_unique_slug(Author, slug_base(display, 280))
        )
    author_add_alias(author=author, name=display, batch=batch)
    return author, created


def names_compatible(first: str, second: str) -> bool:
    """Same family name and same first initial (``T. Hashimoto`` ~ ``Tatsunori B. Hashimoto``)."""
    tokens_a, tokens_b = name_key(first).split(), name_key(second).split()
    if not tokens_a or not tokens_b:
        return False
    return tokens_a[-1] == tokens_b[-1] and tokens_a[0][0] == tokens_b[0][0]


def author_add_alias(*, author: Author, name: str, batch=None) -> None:
    display = clean_display_name(name)
    AuthorAlias.objects.get_or_create(
        author=author, name=display, defaults={"normalized_name": name_key(display), "import_batch": batch}
    )


@transaction.atomic
def authors_refresh_counts(*, author_ids: list[int]) -> None:
    """Recompute the cached counts shown on profiles for the given authors."""
    authors = Author.objects.filter(pk__in=author_ids).annotate(
        works=Count("authorships__paper", distinct=True),
        topics=Count("authorships__paper__paper_topics__topic", distinct=True),
        followers=Count("follows", distinct=True),
    )
    close = {author_id: 0 for author_id in author_ids}
    for low, high in CollaboratorEdge.objects.filter(
        Q(author_low_id__in=author_ids) | Q(author_high_id__in=author_ids),
        shared_papers__gte=CLOSE_COLLABORATOR_MIN_SHARED,
    ).values_list("author_low_id", "author_high_id"):
        for author_id in (low, high):
            if author_id in close:
                close[author_id] += 1
    for author in authors:
        author.work_count = author.works
        author.topic_count = author.topics
        author.follower_count = author.followers
        author.close_collaborator_count = close.get(author.pk, 0)
    Author.objects.bulk_update(
        list(authors),
        ["work_count", "topic_count", "follower_count", "close_collaborator_count"],
    )
