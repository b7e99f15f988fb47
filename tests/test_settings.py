"""Settings come from the environment; with URLs set nothing embedded starts."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

from tests.conftest import REPO

_SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s;"
    "print(json.dumps({'db': s.DATABASES['default'], 'broker': s.CELERY_BROKER_URL,"
    " 'cache': s.CACHES['default']['LOCATION'], 'debug': s.DEBUG,"
    " 'embedded': [s.USING_EMBEDDED_DATABASE, s.USING_EMBEDDED_REDIS]}, default=str))"
)


# Set by config.settings_test in this process; a fresh process must not inherit them.
_TEST_ONLY = (
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_REDIS_URL",
    "REDIS_DB",
    "DEBUG",
    "SECRET_KEY",
    "CELERY_TASK_ALWAYS_EAGER",
    "SECURE_SSL_REDIRECT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def _settings_in_subprocess(env: dict) -> dict:
    clean = {key: value for key, value in os.environ.items() if key not in _TEST_ONLY}
    result = subprocess.run(
        [sys.executable, "-c", _SHOW],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_urls_set_the_app_uses_them_and_starts_nothing(tmp_path):
    shown = _settings_in_subprocess(
        {
            "DATABASE_URL": "postgres://app:secret@db.internal:5433/profiles",
            "REDIS_URL": "redis://cache.internal:6380/0",
            "CACHE_REDIS_URL": "redis://cache-only.internal:6381/2",
            "VAR_DIR": str(tmp_path),
            "SECRET_KEY": secrets.token_urlsafe(64),
        }
    )
    assert shown["db"]["HOST"] == "db.internal"
    assert shown["db"]["PORT"] == 5433
    assert shown["db"]["NAME"] == "profiles"
    assert shown["broker"] == "redis://cache.internal:6380/0"
    assert shown["cache"] == "redis://cache-only.internal:6381/2"
    assert shown["embedded"] == [False, False]
    assert not (tmp_path / "postgres").exists()
    assert not (tmp_path / "redis").exists()
    assert not (tmp_path / "redis-cache").exists()


def test_with_only_redis_url_the_cache_shares_it_with_a_warning(tmp_path):
    env = {
        "DATABASE_URL": "postgres://app:secret@db.internal:5433/profiles",
        "REDIS_URL": "redis://cache.internal:6380/0",
        "VAR_DIR": str(tmp_path),
        "DEBUG": "true",  # development mode: no SECRET_KEY needed
    }
    shown = _settings_in_subprocess(env)
    assert shown["cache"] == shown["broker"] == "redis://cache.internal:6380/0"
    assert not (tmp_path / "redis-cache").exists()

    clean = {key: value for key, value in os.environ.items() if key not in _TEST_ONLY}
    checked = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "common.W001" in checked.stdout + checked.stderr
    assert "CACHE_REDIS_URL" in checked.stdout + checked.stderr


def test_without_urls_the_embedded_servers_are_used():
    shown = _settings_in_subprocess({"DEBUG": "true"})
    assert shown["embedded"] == [True, True]
    assert shown["broker"].startswith("redis+socket://")
    assert shown["cache"].startswith("unix://")
    # the embedded PostgreSQL is reached over its socket under var/ (or a short /tmp path)
    assert shown["db"]["ENGINE"] == "django.db.backends.postgresql"


def test_non_postgresql_database_url_is_refused(tmp_path):
    clean = {key: value for key, value in os.environ.items() if key not in _TEST_ONLY}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "sqlite:///x.db",
            "DEBUG": "true",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "must name a PostgreSQL database" in result.stderr


def test_production_mode_passes_deploy_checks():
    database = settings.DATABASES["default"]
    host = database["HOST"] or database.get("OPTIONS", {}).get("host", "")
    env = {
        **{key: value for key, value in os.environ.items() if key not in _TEST_ONLY},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "profiles.example.org",
        "DATABASE_URL": f"postgres://{database['USER']}@/{database['NAME']}?host={host}",
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_REDIS_URL": settings.CACHES["default"]["LOCATION"],
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_without_secret_key_fails_loudly():
    env = {key: value for key, value in os.environ.items() if key not in _TEST_ONLY}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked_for():
    shown = _settings_in_subprocess({"SECRET_KEY": secrets.token_urlsafe(64)})
    assert shown["debug"] is False


def test_without_debug_or_secret_key_the_error_says_what_to_set():
    env = {key: value for key, value in os.environ.items() if key not in _TEST_ONLY}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert "SECRET_KEY" in last_line and "DEBUG=true" in last_line


def test_make_run_serves_in_debug_mode(tmp_path):
    """bin/run exports DEBUG=true for everything it starts (manage.py, honcho's web, worker, beat)."""
    seen = tmp_path / "seen"
    fake_python = tmp_path / "python"
    fake_python.write_text(f'#!/bin/sh\necho "DEBUG=$DEBUG $*" >> {seen}\nexit 1\n')
    fake_python.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if key not in _TEST_ONLY}
    subprocess.run(
        ["bin/run"], cwd=REPO, env={**env, "PY": str(fake_python)}, capture_output=True, timeout=60
    )
    calls = seen.read_text().splitlines()
    assert calls and calls[0] == "DEBUG=true -m config.embedded start"


def test_development_make_targets_run_in_debug_mode():
    result = subprocess.run(
        ["make", "-n", "check", "bench"], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    manage_calls = [line for line in result.stdout.splitlines() if "manage.py" in line]
    assert len(manage_calls) >= 6
    assert all(line.startswith("DEBUG=true ") for line in manage_calls), manage_calls


def test_with_orcid_sign_in_the_policy_lets_the_login_form_go_to_orcid():
    show = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
    )
    env = {key: value for key, value in os.environ.items() if key not in _TEST_ONLY}
    result = subprocess.run(
        [sys.executable, "-c", show],
        cwd=REPO,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "true",
            "ORCID_CLIENT_ID": "APP-TEST",
            "ORCID_SECRET": "secret",
            "ORCID_BASE_DOMAIN": "sandbox.orcid.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["'self'", "https://sandbox.orcid.org"]
