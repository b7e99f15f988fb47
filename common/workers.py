"""The command line of one real Celery worker process, for what starts workers of its own
(``manage.py bench_workers``, the tests' ``WorkerProcess``)."""

from __future__ import annotations

import sys


def celery_worker_argv(*, queues: str, hostname: str) -> list[str]:
    """``celery worker`` with one pool process on ``queues``; no gossip or mingle (they only
    slow the start of a short-lived worker), named ``hostname``."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel=INFO",
        "--pool=prefork",
        "--concurrency=1",
        f"--queues={queues}",
        "--without-gossip",
        "--without-mingle",
        "--hostname",
        hostname,
    ]
