"""The locked requirements (`make lock`): hashed, runtime apart from development, torch alone."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import REPO

REQUIREMENTS = REPO / "requirements"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def _name(requirement: str) -> str:
    return re.split(r"[=<>\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")


def _locked(name: str) -> dict[str, str]:
    """{package: version} of a lock file; every entry must carry at least one hash."""
    text = (REQUIREMENTS / name).read_text()
    entries = re.findall(
        r"^([A-Za-z0-9._-]+)==(\S+) \\\n((?:    --hash=sha256:[0-9a-f]{64}.*\n)+)", text, re.M
    )
    pinned = re.findall(r"^[A-Za-z0-9._-]+==", text, re.M)
    assert len(entries) == len(pinned), f"{name}: an entry without a hash"
    return {_name(package): version for package, version, _ in entries}


def test_every_direct_dependency_is_locked_at_its_pyproject_version():
    runtime, dev = _locked("runtime.lock"), _locked("dev.lock")
    for requirement in PYPROJECT["dependencies"]:
        if _name(requirement) == "torch":
            continue
        assert runtime[_name(requirement)] == requirement.split("==")[1], requirement
    for requirement in PYPROJECT["optional-dependencies"]["dev"]:
        assert dev[_name(requirement)] == requirement.split("==")[1], requirement
        assert _name(requirement) not in runtime, f"{requirement} is a development tool"


def test_development_lock_includes_the_runtime_lock_unchanged():
    runtime, dev = _locked("runtime.lock"), _locked("dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime


def test_torch_is_pinned_alone_and_installed_before_the_hashed_locks():
    torch_pin = next(pin for pin in PYPROJECT["dependencies"] if _name(pin) == "torch")
    lines = [
        line for line in (REQUIREMENTS / "torch.txt").read_text().splitlines() if not line.startswith("#")
    ]
    assert lines == [torch_pin]
    assert "torch" not in _locked("runtime.lock") and "torch" not in _locked("dev.lock")
    makefile = (REPO / "Makefile").read_text()
    assert makefile.index("-r requirements/torch.txt") < makefile.index(
        "--require-hashes -r requirements/dev.lock"
    )
    assert not (REPO / "requirements.lock").exists()
