"""A fresh machine: `make run` / `make test` first name what is missing and how to install it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.conftest import REPO


def _fresh_machine(tmp_path, *tools: str):
    """A checkout without .venv on a PATH holding only the named tools (and what the script uses)."""
    (tmp_path / "bin").mkdir()
    shutil.copy(REPO / "bin" / "check-prereqs", tmp_path / "bin" / "check-prereqs")
    path = tmp_path / "path"
    path.mkdir()
    for tool in ("bash", "dirname", *tools):
        (path / tool).symlink_to(shutil.which(tool) or tool)
    return tmp_path / "bin" / "check-prereqs", str(path)


def _run(script, path: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(script)], env={"PATH": path, **env}, capture_output=True, text=True, timeout=60
    )


def test_a_bare_machine_is_told_everything_it_lacks_at_once(tmp_path):
    script, path = _fresh_machine(tmp_path)
    result = _run(script, path, CHROMIUM=str(tmp_path / "no-chromium"))
    assert result.returncode == 1
    assert "missing Python 3.11 ('python3.11' not found" in result.stderr
    assert "sudo apt-get install python3.11 python3.11-venv" in result.stderr
    assert "missing npm" in result.stderr and "sudo apt-get install npm" in result.stderr
    assert "WARNING, missing chromium" in result.stderr and "sudo apt-get install chromium" in result.stderr


def test_a_python_that_is_not_3_11_is_named(tmp_path):
    script, path = _fresh_machine(tmp_path, "npm")
    fake = tmp_path / "path" / "python3"
    fake.write_text("#!/bin/bash\necho 'Python 3.13.0'; exit 1\n")
    fake.chmod(0o755)
    result = _run(script, path, PYTHON="python3", CHROMIUM="/bin/sh")
    assert result.returncode == 1
    assert "'python3' is Python 3.13.0" in result.stderr


def test_missing_chromium_only_warns_but_fails_under_ci(tmp_path):
    script, path = _fresh_machine(tmp_path, "npm")
    (tmp_path / "path" / "python3.11").symlink_to(sys.executable)  # the 3.11 of our .venv
    missing = str(tmp_path / "no-chromium")
    developer = _run(script, path, CHROMIUM=missing)
    assert developer.returncode == 0, developer.stderr
    assert "WARNING, missing chromium" in developer.stderr
    ci = _run(script, path, CHROMIUM=missing, CI="true")
    assert ci.returncode == 1 and "CI runs every browser test" in ci.stderr


def test_skipped_browser_tests_are_announced_and_fail_ci():
    # A developer's run (no CI variable, even when this suite itself runs under CI=true).
    env = {**{k: v for k, v in os.environ.items() if k != "CI"}, "CHROMIUM": "/nonexistent/chromium"}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/browser/test_profile_browser.py",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    local = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert local.returncode == 0, local.stdout[-2000:]
    assert "BROWSER TESTS SKIPPED" in local.stdout
    assert "sudo apt-get install chromium" in local.stdout
    ci = subprocess.run(
        command, cwd=REPO, env={**env, "CI": "true"}, capture_output=True, text=True, timeout=300
    )
    assert ci.returncode != 0 and "BROWSER TESTS SKIPPED" in ci.stdout
