"""Redis: the cache is a separate, bounded server, so it can never evict the broker's tasks."""

import pytest
import redis
from django.conf import settings


def test_the_cache_is_a_separate_bounded_redis_and_the_broker_never_evicts():
    if not settings.USING_EMBEDDED_REDIS:
        pytest.skip("with REDIS_URL set the servers are the operator's")
    cache_server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    broker = redis.Redis.from_url(settings.BROKER_REDIS_URL)

    assert cache_server.info("server")["run_id"] != broker.info("server")["run_id"]
    assert int(cache_server.config_get("maxmemory")["maxmemory"]) == 256 * 1024 * 1024
    assert cache_server.config_get("maxmemory-policy")["maxmemory-policy"] == "allkeys-lru"
    assert broker.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
