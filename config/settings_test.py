"""Test settings: the same real PostgreSQL and Redis, isolated from the dev data."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-key-not-secret-" + "x" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("REDIS_DB", "15")  # keep test queues apart from a running `make run`
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
# A fast deterministic embedder; tests that need the real model ask for the `real_embedder` fixture.
os.environ.setdefault("EMBEDDER", "tests.papers.fakes.HashingEmbedder")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = "test"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests change rows directly (factories), not only through services that announce the change;
# the page cache is on only where a test asks for it (tests/profiles/test_page_cache.py).
PROFILE_PAGE_CACHE_SECONDS = 0
# Short leases so that worker-kill tests resume quickly; a test may ask for longer (see test_worker_kill).
IMPORT_STALE_SECONDS = int(os.environ.get("TEST_IMPORT_STALE_SECONDS", "2"))

# Parallel test runs on one server (several developers' checkouts) pick a suffix each.
_TEST_DB_NAME = "test_" + DATABASES["default"]["NAME"] + os.environ.get("TEST_DB_SUFFIX", "")  # noqa: F405
DATABASES["default"]["TEST"] = {"NAME": _TEST_DB_NAME}  # noqa: F405

# A real worker started by a test (tests/conftest.py) must see the test database.
if os.environ.get("USE_TEST_DATABASE"):
    DATABASES["default"]["NAME"] = _TEST_DB_NAME  # noqa: F405
