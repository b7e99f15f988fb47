"""Writes for researchers: the author resolver used by every import, and cached counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from common.text import slug_base
from graph.models import CollaboratorEdge
from identity.names import block_key, clean_display_name, name_key, name_relation, parse_name
from profiles.models import Author, AuthorAlias, Institution
from profiles.selectors import authors_trust_inputs
from profiles.trust import trust_compute

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


def institution_get_or_create(*, name: str, ror_id: str = "") -> Institution:
    """The institution a source names; with a ROR id, the one carrying it whatever its name.

    A name already taken by an institution with another ROR id is a different institution
    (two universities of one name), so it gets its own row.
    """
    if ror_id:
        institution = Institution.objects.filter(ror_id=ror_id).first()
        if institution is not None:
            return institution
    slug = slug_base(name, 300, hash_when_cut=True)
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


def author_resolve(
    *,
    name: str,
    batch=None,
    paper=None,
    coauthor_names: Sequence[str] = (),
    institution_names: Sequence[str] = (),
    topic_codes: Sequence[str] = (),
    known_authors: Sequence[Author] = (),
    exclude_author_ids: Iterable[int] = (),
    orcid: str = "",
) -> tuple[Author, bool]:
    """Find the author a written name refers to, or create one. Returns (author, created).

    Candidates share the family name and first initial and have compatible given names; the
    paper's context (co-authors, institutions, topics, text), the listing's named researcher
    (``known_authors``) and the import decide between them (``identity.evidence``). Authors
    already listed on the paper (``exclude_author_ids``) are other people. Every decision is
    stored with its evidence; unclear ones become a "possible same person" curation item.
    An ORCID iD the source gave (``orcid``) decides: the author with that iD, never one with
    another.
    """
    from identity.services_resolve import author_resolve_mention

    return author_resolve_mention(
        name=name,
        batch=batch,
        paper=paper,
        coauthor_names=coauthor_names,
        institution_names=institution_names,
        topic_codes=topic_codes,
        known_authors=known_authors,
        exclude_author_ids=exclude_author_ids,
        orcid=orcid,
    )


def names_compatible(first: str, second: str) -> bool:
    """Same family name and compatible given names (``T. Hashimoto`` ~ ``Tatsunori B. Hashimoto``)."""
    return name_relation(parse_name(first), parse_name(second)) is not None


def author_add_alias(*, author: Author, name: str, batch=None) -> None:
    display = clean_display_name(name)
    AuthorAlias.objects.get_or_create(
        author=author,
        name=display,
        defaults={
            "normalized_name": name_key(display),
            "block_key": block_key(display),
            "import_batch": batch,
        },
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
