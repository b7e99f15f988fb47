"""Request limits per anonymous IP and per user; rates live in settings.REST_FRAMEWORK.

DRF copies the rates into a class attribute at import; these classes read them on every
request instead, so a changed setting (tests, a reload) takes effect at once. Counters are
kept in the default cache (Redis), shared by every web process.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class _LiveRateMixin:
    scope: str

    def get_rate(self) -> str | None:
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError as error:
            raise ImproperlyConfigured(f"No throttle rate set for scope {self.scope!r}") from error


class AnonThrottle(_LiveRateMixin, AnonRateThrottle):
    """Anonymous requests, counted per client IP (see NUM_PROXIES)."""

    scope = "anon"


class UserThrottle(_LiveRateMixin, UserRateThrottle):
    """Authenticated requests, counted per user (token and session alike)."""

    scope = "user"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # AnonThrottle counts these; counting twice costs Redis round trips
        return super().get_cache_key(request, view)


class TokenObtainThrottle(_LiveRateMixin, SimpleRateThrottle):
    """Password attempts for an API token, per client IP whoever is logged in."""

    scope = "token"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ImportUploadThrottle(_LiveRateMixin, UserRateThrottle):
    """Uploads of new import batches, per staff user (each one queues real work)."""

    scope = "imports"

    def allow_request(self, request, view) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)
