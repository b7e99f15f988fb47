"""/healthz: is the database, Redis and at least one Celery worker reachable?

Cheap enough to poll often: the worker check reads the time a worker last wrote (each
worker's main process on Celery's ``heartbeat_sent`` signal, at most every 10 s, and when it
starts; see config/celery.py) instead of broadcasting a ping and waiting a second for
answers. A worker whose pool is busy with long imports still beats. The probes are run at
most once per ``HEALTHZ_CACHE_SECONDS`` per process and their result reused in between.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

WORKER_HEARTBEAT_KEY = "healthz:worker-heartbeat"
_HEARTBEAT_KEEP_SECONDS = 24 * 60 * 60

_probed: dict[str, tuple[float, str]] = {}  # probe name -> (monotonic time, state), this process


def worker_heartbeat_record() -> None:
    """Note that a worker is alive now (called by the worker itself)."""
    cache.set(WORKER_HEARTBEAT_KEY, time.time(), _HEARTBEAT_KEEP_SECONDS)


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _redis() -> bool:
    cache.set("healthz", "ok", timeout=10)
    return cache.get("healthz") == "ok"


def _worker() -> bool:
    beat = cache.get(WORKER_HEARTBEAT_KEY)
    return beat is not None and time.time() - beat <= settings.HEALTHZ_WORKER_SECONDS


def _state(probe) -> str:
    try:
        return "up" if probe() else "down"
    except Exception as error:  # a health probe reports failures, it never raises
        return f"down: {type(error).__name__}"


def _cached_state(name: str, probe) -> str:
    now = time.monotonic()
    found = _probed.get(name)
    if found is not None and now - found[0] < settings.HEALTHZ_CACHE_SECONDS:
        return found[1]
    state = _state(probe)
    _probed[name] = (now, state)
    return state


def healthz(request):
    checks = {
        "database": _cached_state("database", _database),
        "redis": _cached_state("redis", _redis),
        "worker": _cached_state("worker", _worker),
    }
    healthy = all(state == "up" for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503)
