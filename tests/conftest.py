"""Shared fixtures: named users, the sample dumps, and real Celery workers."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from common.workers import celery_worker_argv

REPO = Path(__file__).resolve().parent.parent
# Debian's chromium drives the browser tests (marker `browser`); without it they are skipped, loudly.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
_BROWSER_SKIPPED = pytest.StashKey[int]()


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"chromium is not installed at {CHROMIUM} (sudo apt-get install chromium)")
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    for item in browser_items:
        item.add_marker(skip)
    config.stash[_BROWSER_SKIPPED] = len(browser_items)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = config.stash.get(_BROWSER_SKIPPED, 0)
    if not skipped:
        return
    terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
    terminalreporter.write_line(
        f"{skipped} browser tests did not run: chromium is not installed at {CHROMIUM}.\n"
        "The pages people click through (claims, graph, profile) were NOT tested.\n"
        "Install it with: sudo apt-get install chromium"
        + ("\nCI=true: a run without the browser tests fails." if _in_ci() else ""),
        red=True,
        bold=True,
    )
    terminalreporter.write_sep("!", red=True, bold=True)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def pytest_sessionfinish(session, exitstatus):
    if _in_ci() and session.config.stash.get(_BROWSER_SKIPPED, 0) and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def sample_dump_path(prefix: str) -> Path:
    """The sample dump whose name starts with prefix ("001"); skips the test when it is absent."""
    matches = sorted(Path(settings.SAMPLE_DUMPS).glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"sample dump {prefix}_*.txt not found in {settings.SAMPLE_DUMPS}")
    return matches[0]


@pytest.fixture
def sample_dump() -> Callable[[str], Path]:
    """Path of a sample dump by its number prefix ("001"); skips when the folder is absent."""
    return sample_dump_path


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.org", "alice-password")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.org", "bob-password")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("staff", "staff@example.org", "staff-password")


@pytest.fixture(scope="session", autouse=True)
def _empty_test_queues():
    """Tasks left in the test broker by an interrupted run must not leak into this one."""
    import redis

    redis.Redis.from_url(settings.BROKER_REDIS_URL).flushdb()
    yield


def clear_cache_keys(*patterns: str) -> None:
    """Delete the test cache's keys matching these patterns (without the cache's key prefix)."""
    import redis

    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for pattern in patterns:
        keys = list(client.scan_iter(match=f"{prefix}:*:{pattern}", count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in Redis across tests: every test starts with full allowances."""
    from common.ratelimit import KEY_PREFIX

    clear_cache_keys(f"{KEY_PREFIX}:*")
    yield


@pytest.fixture(autouse=True)
def _fresh_search_caches():
    """Searches cache their rankings and topic counts; a test's rows are not an earlier test's.
    A new search token makes every cached ranking unreachable."""
    clear_cache_keys("search:topics:*", "search:generation:*")
    yield


class WorkerProcess:
    """A real `celery worker` process on the test database and the test Redis."""

    def __init__(self, log_path: Path, queues: str = "default,heavy", env: dict | None = None) -> None:
        self.log_path = log_path
        self.queues = queues
        self.env = env or {}
        self.process: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "USE_TEST_DATABASE": "1",
            **self.env,
        }
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            celery_worker_argv(queues=self.queues, hostname=f"test-{time.time_ns()}@%h"),
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so a kill reaches the pool children too
        )
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        from config.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log_path.read_text()[-3000:]}")
            if app.control.ping(timeout=0.5):
                return
        raise RuntimeError(f"worker not ready:\n{self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the worker and its pool, as an out-of-memory kill or a pulled plug would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path, settings) -> Iterator[Callable[..., WorkerProcess]]:
    """Factory for real worker processes; tasks sent from the test go through Redis to them."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    workers: list[WorkerProcess] = []

    def start(**options) -> WorkerProcess:
        worker = WorkerProcess(tmp_path / f"worker-{len(workers)}.log", **options).start()
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()
    app.conf.task_always_eager = True


def wait_until(predicate: Callable[[], bool], timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s: {message}")


@pytest.fixture(autouse=True)
def _seeded_topics(request):
    """The topic taxonomy is seeded by a migration; transactional tests' flushes wipe it."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_db:
        from papers.services import topics_seed

        request.getfixturevalue("transactional_db" if "live_server" in request.fixturenames else "db")
        topics_seed()
    yield
