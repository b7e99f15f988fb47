"""Writes for researchers: institutions, ORCID iDs from imports, and the cached counts and trust."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from common.cache_generations import PROFILE_PAGES
from common.text import slug_base
from graph.models import CollaboratorEdge
from identity.names import clean_display_name
from profiles.models import Author, Institution
from profiles.selectors import authors_trust_inputs
from profiles.trust import CLOSE_COLLABORATOR_MIN_SHARED, trust_compute


def _unique_slug(model, base: str) -> str:
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def institution_slug(name: str) -> str:
    """The slug an institution of this name is stored under (before any de-duplication)."""
    return slug_base(name, 300, hash_when_cut=True)


def institution_get_or_create(*, name: str, ror_id: str = "") -> Institution:
    """The institution a source names; with a ROR id, the one carrying it whatever its name.

    A name already taken by an institution with another ROR id is a different institution
    (two universities of one name), so it gets its own row.
    """
    if ror_id:
        institution = Institution.objects.filter(ror_id=ror_id).first()
        if institution is not None:
            return institution
    slug = institution_slug(name)
    institution = Institution.objects.filter(slug=slug).first()
    if institution is None or (ror_id and institution.ror_id):
        return Institution.objects.create(
            name=clean_display_name(name), slug=_unique_slug(Institution, slug), ror_id=ror_id
        )
    if ror_id:
        institution.ror_id = ror_id
        institution.save(update_fields=["ror_id"])
    return institution


def author_orcid_from_import(*, author: Author, orcid: str) -> bool:
    """Give an author the ORCID iD an import wrote for them, if they have none; True if set.

    An iD already there (from an admin, the owner or an earlier import) is never replaced:
    identity keeps mentions with another iD off this author.
    """
    if not orcid or author.orcid:
        return False
    updated = Author.objects.filter(pk=author.pk, orcid="").update(orcid=orcid, orcid_source="import")
    if updated:
        author.orcid, author.orcid_source = orcid, "import"
    return bool(updated)


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
    # The trust score is built from these counts and more, so it is refreshed with them.
    authors_refresh_trust(author_ids=author_ids)


TRUST_REFRESH_CHUNK = 1000


@transaction.atomic
def authors_refresh_trust(*, author_ids: list[int], with_collaborators: bool = False) -> None:
    """Recompute and cache the trust score and its breakdown (``profiles.trust``) for these authors.

    ``with_collaborators`` also refreshes everyone who shares a paper with them: use it when an
    author's verification changes, since co-authors count verified collaborators.
    """
    now = timezone.now()
    unique_ids = set(author_ids)
    if with_collaborators:
        for low, high in CollaboratorEdge.objects.filter(
            Q(author_low_id__in=author_ids) | Q(author_high_id__in=author_ids)
        ).values_list("author_low_id", "author_high_id"):
            unique_ids.update((low, high))
    unique_ids = sorted(unique_ids)
    for start in range(0, len(unique_ids), TRUST_REFRESH_CHUNK):
        chunk = unique_ids[start : start + TRUST_REFRESH_CHUNK]
        changed = []
        for author_id, inputs in authors_trust_inputs(author_ids=chunk).items():
            result = trust_compute(inputs)
            changed.append(
                Author(
                    pk=author_id,
                    trust_score=result.score,
                    trust_breakdown=result.as_dict(),
                    trust_updated_at=now,
                )
            )
        Author.objects.bulk_update(changed, ["trust_score", "trust_breakdown", "trust_updated_at"])
    # Counts and trust show on the profile: cached copies of the page go once this commits.
    PROFILE_PAGES.replace_on_commit(unique_ids)
