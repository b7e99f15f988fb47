"""Reads the API owns: its tokens (the rest come from the apps' own selectors)."""

from __future__ import annotations

from django.utils import timezone

from api.models import ApiToken


def api_token_for_key(*, key: str) -> ApiToken | None:
    """The unexpired token whose key this is, with its user."""
    return (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(key), expires_at__gt=timezone.now())
        .first()
    )
