"""API tokens: stored as a SHA-256 digest, shown once, expiring, revocable."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """One token a program sends as ``Authorization: Token <key>``; the key itself is never stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField("SHA-256 of the key", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"API token of {self.user} (expires {self.expires_at:%Y-%m-%d})"

    @staticmethod
    def digest_of(key: str) -> str:
        """Keys are 256 random bits, so a plain SHA-256 (no salt, no stretching) is enough."""
        return hashlib.sha256(key.encode()).hexdigest()
