"""The published deployment: docker-compose.yml, the Dockerfile and .dockerignore, read as files.

No Docker engine runs on the development machines, so these check structure the way
`docker compose config` and a look inside the image would: what a stranger who copies the
compose file gets (secrets they must set, services that wait for the migration, health checks)
and what the image contains (no local state, no secrets, no development tools, not root).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from tests.conftest import REPO

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
COMPOSE_TEXT = (REPO / "docker-compose.yml").read_text()
SERVICES = COMPOSE["services"]
APP_SERVICES = ("web", "worker", "beat")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|KEY|EMAIL_URL|TOKEN")


def _dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), one list per FROM stage."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def _dockerignore_excludes(path: str) -> bool:
    """Docker's rule: a path is left out when it or a folder above it matches a pattern."""
    patterns = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    regexes = []
    for pattern in patterns:
        assert not pattern.startswith("!"), "re-inclusion patterns are not expected here"
        body = re.escape(pattern.strip("/")).replace(r"\*\*/", "(?:.*/)?").replace(r"\*", "[^/]*")
        regexes.append(re.compile(body.replace(r"\?", "[^/]") + r"(?:/.*)?"))
    return any(regex.fullmatch(path) for regex in regexes)


# --- docker-compose.yml ------------------------------------------------------------------


def test_every_service_has_a_health_check():
    missing = [name for name, service in SERVICES.items() if not service.get("healthcheck", {}).get("test")]
    assert missing == []


def test_database_is_postgresql_18_with_pgvector_like_the_embedded_server():
    assert SERVICES["db"]["image"] == "pgvector/pgvector:pg18"


def test_migrations_run_once_in_their_own_service_that_the_others_wait_for():
    migrate = SERVICES["migrate"]
    assert "migrate" in migrate["command"] and migrate["restart"] == "no"
    for name in APP_SERVICES:
        service = SERVICES[name]
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "migrate" not in " ".join(service["command"]), f"{name} must not migrate (replicas race)"


def test_web_is_gunicorn_published_on_loopback_only():
    web = SERVICES["web"]
    assert web["command"][0] == "gunicorn"
    assert all(port.startswith("127.0.0.1:") for port in web["ports"])


def test_secrets_come_from_the_environment_with_no_defaults():
    for match in re.finditer(r"\$\{(\w+)([^}]*)\}", COMPOSE_TEXT):
        name, rest = match.groups()
        if SECRET_NAME.search(name):
            assert rest.startswith(":?"), f"${{{name}}} must be required (:?message), not {rest!r}"
    for name, service in SERVICES.items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key) and value is not None:
                assert "${" in str(value), f"{name}.{key} is written in the compose file"
    app_env = SERVICES["web"]["environment"]
    assert "${POSTGRES_PASSWORD:?" in app_env["DATABASE_URL"]
    assert "${SECRET_KEY:?" in app_env["SECRET_KEY"]
    assert "${EMAIL_URL:?" in app_env["EMAIL_URL"], "email must be configured, never the console"
    assert app_env["DEBUG"] == "false"


def test_redis_needs_a_password_and_the_cache_cannot_evict_the_broker():
    broker, cache = " ".join(SERVICES["redis"]["command"]), " ".join(SERVICES["cache"]["command"])
    assert "--requirepass" in broker and "--requirepass" in cache
    assert "--maxmemory-policy noeviction" in broker
    assert "--maxmemory " in cache and "--maxmemory-policy allkeys-lru" in cache
    app_env = SERVICES["worker"]["environment"]
    assert (
        app_env["REDIS_URL"].startswith("redis://:${REDIS_PASSWORD:?") and "@redis:" in app_env["REDIS_URL"]
    )
    assert "@cache:" in app_env["CACHE_REDIS_URL"]


def test_the_proxy_header_is_trusted_only_when_said_so():
    assert SERVICES["web"]["environment"]["BEHIND_PROXY"] == "${BEHIND_PROXY:-false}"


# --- the image ---------------------------------------------------------------------------


def test_image_runs_as_a_non_root_user_in_a_separate_final_stage():
    stages = _dockerfile_stages()
    assert len(stages) >= 2
    users = [line.split()[1] for line in stages[-1] if line.upper().startswith("USER ")]
    assert users and users[-1] not in ("root", "0", "0:0")


def test_image_holds_runtime_dependencies_only_with_the_cpu_torch():
    text = " ".join(line for stage in _dockerfile_stages() for line in stage)
    assert "requirements/runtime.lock" in text and "--require-hashes" in text
    assert "dev.lock" not in text
    assert "--index-url https://download.pytorch.org/whl/cpu" in text
    final = " ".join(_dockerfile_stages()[-1])
    for tool in ("build-essential", "gcc", "git ", "npm ", "pytest", "apt-get install"):
        assert tool not in final, f"{tool.strip()} in the final image"
    runtime = (REPO / "requirements" / "runtime.lock").read_text().lower()
    for dev_package in ("pytest==", "ruff==", "playwright==", "locust==", "hypothesis==", "pip-tools=="):
        assert dev_package not in runtime, f"{dev_package} is a development tool"


def test_no_secret_is_baked_into_the_image():
    for stage in _dockerfile_stages():
        for line in stage:
            keyword = line.split()[0].upper()
            if keyword in ("ENV", "ARG"):
                assert not SECRET_NAME.search(line), line
            if keyword in ("COPY", "ADD"):
                sources = [word for word in line.split()[1:-1] if not word.startswith("--")]
                assert "." not in sources or all(
                    _dockerignore_excludes(path) for path in ("var", ".venv", ".git", ".env")
                )
                assert not any(s.startswith(("var", ".venv", ".env", "tests")) for s in sources), line


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        "var/postgres/PG_VERSION",
        "var/secret_key",
        "var/admin-credentials.txt",
        "node_modules/cytoscape/package.json",
        ".git/HEAD",
        ".env",
        "config/.env",
        "test-artifacts/trace.zip",
        "profiles/__pycache__/models.cpython-311.pyc",
        "locust-soak_stats.csv",
    ],
)
def test_build_context_leaves_out_local_state_and_secrets(path):
    assert _dockerignore_excludes(path)


@pytest.mark.parametrize("path", ["manage.py", "config/settings.py", "requirements/runtime.lock"])
def test_build_context_keeps_what_the_image_needs(path):
    assert not _dockerignore_excludes(path)


# --- BEHIND_PROXY ------------------------------------------------------------------------

_IS_SECURE = (
    "import json, django; django.setup(); from django.test import RequestFactory;"
    "request = RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https');"
    "print(json.dumps(request.is_secure()))"
)


@pytest.mark.parametrize(("behind_proxy", "trusted"), [(None, False), ("false", False), ("true", True)])
def test_x_forwarded_proto_is_believed_only_behind_a_proxy(tmp_path, behind_proxy, trusted):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("BEHIND_PROXY", "DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://app:pw@db.internal/profiles",
        REDIS_URL="redis://cache.internal:6379/0",
        VAR_DIR=str(tmp_path),
    )
    if behind_proxy is not None:
        env["BEHIND_PROXY"] = behind_proxy
    result = subprocess.run(
        [sys.executable, "-c", _IS_SECURE], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) is trusted
