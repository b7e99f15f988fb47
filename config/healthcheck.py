"""Container health checks (docker-compose.yml): ``python -m config.healthcheck web|worker|beat``.

Exit status 0 means healthy. ``web`` asks the local gunicorn for /healthz and needs the database
to be up there; ``worker`` pings this container's Celery worker; ``beat`` checks that the
schedule file was written recently (beat rewrites it every few minutes while it runs).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import sys
import time
from pathlib import Path

BEAT_SILENT_SECONDS = 10 * 60


def _host_header() -> str:
    """A host name Django accepts: the first of ALLOWED_HOSTS (".example.org" means any subdomain)."""
    first = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip()
    return "localhost" if first in ("", "*") else first.lstrip(".")


def web(port: int = 8000) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=8)
    connection.request("GET", "/healthz", headers={"Host": _host_header()})
    response = connection.getresponse()
    if response.status not in (200, 503):  # 503: serving, but a worker or Redis is away
        return False
    return json.loads(response.read()).get("database") == "up"


def worker() -> bool:
    # Only this probe needs Celery, and importing the app loads the Django settings: the web
    # and beat probes stay light without it.
    from config.celery import app

    return bool(app.control.ping(destination=[f"worker@{socket.gethostname()}"], timeout=5))


def beat(schedule: str = "/app/var/celerybeat-schedule") -> bool:
    files = list(Path(schedule).parent.glob(Path(schedule).name + "*"))
    return bool(files) and time.time() - max(f.stat().st_mtime for f in files) < BEAT_SILENT_SECONDS


def main(argv: list[str]) -> int:
    checks = {"web": web, "worker": worker, "beat": beat}
    if len(argv) != 2 or argv[1] not in checks:
        print("usage: python -m config.healthcheck web|worker|beat", file=sys.stderr)
        return 2
    try:
        healthy = checks[argv[1]]()
    except Exception as error:  # a failed probe is an unhealthy answer, not a crash
        print(f"{argv[1]}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(f"{argv[1]}: {'healthy' if healthy else 'unhealthy'}")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
