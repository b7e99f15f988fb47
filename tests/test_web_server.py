"""The web server `make run` starts (bin/web from the Procfile): gunicorn unless asked otherwise."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import urllib.error
import urllib.request

import pytest

from tests.conftest import REPO, wait_until


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _web_command(tmp_path, **env) -> str:
    """What bin/web would run, recorded by a stand-in Python."""
    seen = tmp_path / "seen"
    fake_python = tmp_path / "python"
    fake_python.write_text(f'#!/bin/sh\necho "$*" >> {seen}\n')
    fake_python.chmod(0o755)
    subprocess.run(
        ["bin/web"], cwd=REPO, env={**os.environ, "PY": str(fake_python), "PORT": "8123", **env}, timeout=30
    )
    return seen.read_text().strip()


def test_make_run_serves_with_gunicorn_and_the_development_server_only_when_asked(tmp_path):
    assert (REPO / "Procfile").read_text().splitlines()[0] == "web: bin/web"
    assert _web_command(tmp_path) == "-m gunicorn config.wsgi --config config/gunicorn.py"
    assert _web_command(tmp_path, DEV_SERVER="1").endswith("manage.py runserver 127.0.0.1:8123")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_production_server_answers_with_one_warm_process_per_core_plus_one(tmp_path):
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "USE_TEST_DATABASE": "1",
        "PORT": str(port),
        "DEBUG": "true",  # as bin/run starts it: static files from the finders, no collectstatic
    }
    env.pop("WEB_CONCURRENCY", None)
    with open(log, "wb") as output:
        server = subprocess.Popen(
            ["bin/web"], cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    workers = len(os.sched_getaffinity(0)) + 1
    try:
        wait_until(
            lambda: log.read_text().count("embedding model ready") == workers,
            90,
            f"{workers} gunicorn processes with the model loaded",
        )
        try:  # 503 while no Celery worker runs; the database and Redis answer
            health = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10)
        except urllib.error.HTTPError as error:
            health = error
        assert health.headers["Server"] == "gunicorn"
        status = json.loads(health.read())
        assert (status["database"], status["redis"]) == ("up", "up")
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read().decode()
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{stylesheet}", timeout=10) as response:
            assert response.status == 200 and response.headers["Content-Type"].startswith("text/css")
        assert log.read_text().count("Booting worker") == workers
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
