"""System checks for settings that work but deserve an operator's attention."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning


def cache_shares_broker_check(app_configs, **kwargs) -> list[Warning]:
    if not getattr(settings, "CACHE_SHARES_BROKER", False):
        return []
    return [
        Warning(
            "The cache uses the broker's Redis (REDIS_URL is set, CACHE_REDIS_URL is not).",
            hint=(
                "A flood of cache keys can then evict queued tasks. Set CACHE_REDIS_URL to a "
                "separate Redis with maxmemory and allkeys-lru (see README, 'Redis')."
            ),
            id="common.W001",
        )
    ]
