"""/healthz: is the database, Redis and at least one Celery worker reachable?"""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

from config.celery import app


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _redis() -> bool:
    cache.set("healthz", "ok", timeout=10)
    return cache.get("healthz") == "ok"


def _worker() -> bool:
    return bool(app.control.ping(timeout=1.0))


def healthz(request):
    checks = {}
    for name, probe in (("database", _database), ("redis", _redis), ("worker", _worker)):
        try:
            checks[name] = "up" if probe() else "down"
        except Exception as error:  # a health probe reports failures, it never raises
            checks[name] = f"down: {type(error).__name__}"
    healthy = all(state == "up" for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503)
