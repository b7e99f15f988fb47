"""Reads the API needs that no app provides (the rest come from the apps' own selectors)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Claim, Follow
from api.models import ApiToken
from ingest.models import ImportBatch, ImportRecord
from papers.models import Authorship
from profiles import selectors as profile_selectors
from profiles.models import Author, AuthorAlias

# Every author of a paper, in order, in one query for a whole list of papers.
AUTHORSHIPS = Prefetch(
    "authorships", queryset=Authorship.objects.select_related("author").order_by("position")
)


def api_token_for_key(*, key: str) -> ApiToken | None:
    """The unexpired token whose key this is, with its user."""
    return (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(key), expires_at__gt=timezone.now())
        .first()
    )


def authors_matching(*, query: str) -> QuerySet[Author]:
    """Authors whose name or one alias contains every word of the query (case-blind)."""
    condition = Q()
    for word in query.split():
        alias = AuthorAlias.objects.filter(author=OuterRef("pk"), name__icontains=word)
        condition &= Q(display_name__icontains=word) | Exists(alias)
    return profile_selectors.author_list().filter(condition)


def author_is_followed(*, author: Author, user) -> bool:
    return Follow.objects.filter(author=author, user=user).exists()


def claims_visible_to(*, user) -> QuerySet[Claim]:
    """A user sees their own claims; staff who may view claims (``accounts.view_claim``) see
    everyone's, evidence included. Being staff alone is not enough."""
    claims = Claim.objects.select_related("author").order_by("-created_at", "-pk")
    if user.is_active and user.is_staff and user.has_perm("accounts.view_claim"):
        return claims
    return claims.filter(user=user)


def import_batches_for_api() -> QuerySet[ImportBatch]:
    return ImportBatch.objects.select_related("subject_author", "created_by").order_by("-created_at", "-pk")


def import_records_for_api(*, batch: ImportBatch) -> QuerySet[ImportRecord]:
    return batch.records.select_related("paper").order_by("index")
