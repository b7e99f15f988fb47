"""Log lines carry time, level and logger; LOG_FORMAT=json gives one JSON object per line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime

from tests.conftest import REPO

_LOG_SOMETHING = (
    "import django, logging; django.setup();"
    "log = logging.getLogger('ingest.services');"
    "log.info('placed %d records', 200, extra={'batch_id': 7});"
    "\ntry:\n    1 / 0\nexcept ZeroDivisionError:\n    log.exception('chunk failed')"
)


def _run(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "LOG_FORMAT")}
    result = subprocess.run(
        [sys.executable, "-c", _LOG_SOMETHING],
        cwd=REPO,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://app:pw@db.internal/profiles",
            "REDIS_URL": "redis://cache.internal:6379/0",
            "VAR_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result


def _log_lines(tmp_path, **env) -> str:
    result = _run(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_text_lines_start_with_time_level_and_logger(tmp_path):
    lines = _log_lines(tmp_path).splitlines()
    first = re.fullmatch(r"(\S+) (\w+)\s+(\S+)  (.*)", lines[0])
    assert first, lines[0]
    assert datetime.fromisoformat(first[1]).utcoffset().total_seconds() == 0
    assert first.group(2, 3, 4) == ("INFO", "ingest.services", "placed 200 records")
    assert re.match(r"\S+ ERROR\s+ingest\.services  chunk failed", lines[1])
    assert "ZeroDivisionError" in lines[-1]  # the traceback follows its line


def test_json_format_gives_one_object_per_line(tmp_path):
    lines = _log_lines(tmp_path, LOG_FORMAT="json").splitlines()
    assert len(lines) == 2  # the traceback stays inside its record
    info, error = (json.loads(line) for line in lines)
    assert info["level"] == "INFO" and info["logger"] == "ingest.services"
    assert info["message"] == "placed 200 records" and info["batch_id"] == 7
    assert datetime.fromisoformat(info["time"]).utcoffset().total_seconds() == 0
    assert error["level"] == "ERROR" and "ZeroDivisionError" in error["exception"]


def test_an_unknown_log_format_is_refused(tmp_path):
    result = _run(tmp_path, LOG_FORMAT="jsn")
    assert result.returncode != 0 and "LOG_FORMAT must be one of text, json" in result.stderr
