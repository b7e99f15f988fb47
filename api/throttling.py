"""The API's throttles: DRF's side of the one rate-limit policy in common/ratelimit.py.

Each throttle names a limit of that policy and counts against the same key as the HTML
pages (the user when signed in, else the client address), so a claim made through the API
and one made on the claim page draw on one allowance. Rates are read on every request
(``RATE_LIMIT_<NAME>``, ``RATE_LIMITS_SCALE``), so a changed setting takes effect at once.
"""

from __future__ import annotations

from rest_framework.throttling import BaseThrottle

from common import ratelimit


class PolicyThrottle(BaseThrottle):
    """Count one use of ``limit`` per request with one of ``methods``."""

    limit: str
    methods: tuple[str, ...] | None = None  # None: every method

    def who(self, request) -> str | None:
        return ratelimit.requester(request)

    def allow_request(self, request, view) -> bool:
        self.refusal = None
        if self.methods is not None and request.method not in self.methods:
            return True
        who = self.who(request)
        if who is None:
            return True
        self.refusal = ratelimit.consume(self.limit, who)
        if self.refusal is not None:
            request.rate_limit_refusal = self.refusal  # api/exceptions.py says which limit
            return False
        return True

    def wait(self) -> float | None:
        return self.refusal.retry_after if self.refusal is not None else None


class AnonThrottle(PolicyThrottle):
    """Every API request of an anonymous client, per address (see API_NUM_PROXIES)."""

    limit = "api_anonymous"

    def who(self, request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None  # UserThrottle counts these
        return f"ip:{ratelimit.client_ip(request)}"


class UserThrottle(PolicyThrottle):
    """Every API request of a signed-in user (token and session alike)."""

    limit = "api_user"

    def who(self, request) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # AnonThrottle counts these
        return f"user:{request.user.pk}"


class TokenObtainThrottle(PolicyThrottle):
    """Token requests, per client address whoever is logged in."""

    limit = "api_token"

    def who(self, request) -> str:
        return f"ip:{ratelimit.client_ip(request)}"


class ImportUploadThrottle(PolicyThrottle):
    """Uploads of new import batches, per staff user (each one queues real work)."""

    limit = "uploads"
    methods = ("POST",)


class ClaimThrottle(PolicyThrottle):
    """Claims, per user: the same allowance as the claim page."""

    limit = "claims"
    methods = ("POST",)


class SearchThrottle(PolicyThrottle):
    """Searches, per user or address: the same allowance as /search."""

    limit = "search"


class GraphThrottle(PolicyThrottle):
    """Graph slices, paths and neighbours, per user or address: shared with the graph pages."""

    limit = "graph"
