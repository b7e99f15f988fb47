"""Writes the API owns: its tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken


@transaction.atomic
def api_token_create(*, user) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its key, which only this return value ever holds."""
    now = timezone.now()
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()  # tidy up as we go
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(key),
        expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> int:
    deleted, _ = ApiToken.objects.filter(pk=token.pk).delete()
    return deleted


def api_tokens_revoke_all(*, user) -> int:
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted
