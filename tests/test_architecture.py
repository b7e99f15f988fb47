"""The architecture contracts (pyproject.toml [tool.importlinter]) hold, and each fails when broken.

A breaking test copies the project's packages to a temporary folder, writes one offending import
there and runs ``lint-imports`` on the copy, so the working tree is never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = [
    "accounts", "api", "common", "config", "curation", "graph", "identity", "ingest", "papers",
    "pipeline", "profiles",
]  # fmt: skip


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "--config", str(folder / "pyproject.toml")],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, folder / package, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


@pytest.fixture
def breaking(project_copy: Path):
    """Write ``{relative path: source}`` into the copy, run the contracts, remove the files again."""
    written: list[Path] = []

    def run(files: dict[str, str]) -> str:
        for relative, source in files.items():
            path = project_copy / relative
            assert not path.exists(), f"{relative} already exists in the project"
            path.write_text(source)
            written.append(path)
        result = lint_imports(project_copy)
        assert result.returncode != 0, result.stdout
        return result.stdout

    yield run
    for path in written:
        path.unlink()


def test_the_repository_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_copy_without_changes_keeps_every_contract(project_copy: Path) -> None:
    result = lint_imports(project_copy)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_domain_app_importing_the_tasks_breaks_the_layers(breaking) -> None:
    out = breaking({"papers/queue_it.py": "from pipeline import tasks  # noqa: F401\n"})
    assert "Layers: config > pipeline.tasks > the apps > pipeline.events > common BROKEN" in out
    assert "papers.queue_it -> pipeline.tasks" in out


def test_common_importing_an_app_breaks_the_layers(breaking) -> None:
    out = breaking({"common/reach_up.py": "import profiles.models  # noqa: F401\n"})
    assert "Layers: config > pipeline.tasks > the apps > pipeline.events > common BROKEN" in out
    assert "common.reach_up -> profiles.models" in out


def test_a_services_module_importing_tasks_breaks_its_contract(breaking) -> None:
    out = breaking({"pipeline/selectors.py": "import pipeline.tasks  # noqa: F401\n"})
    assert "No services or selectors module imports a tasks module BROKEN" in out
    assert "pipeline.selectors -> pipeline.tasks" in out


def test_an_app_importing_another_apps_views_breaks_its_contract(breaking) -> None:
    out = breaking({"graph/peek.py": "from accounts import forms  # noqa: F401\n"})
    assert "Apps reach accounts through models, selectors, services BROKEN" in out
    assert "graph.peek -> accounts.forms" in out


def test_an_import_cycle_breaks_the_acyclic_contract(breaking) -> None:
    out = breaking(
        {
            "papers/cycle_one.py": "from papers import cycle_two  # noqa: F401\n",
            "papers/cycle_two.py": "from papers import cycle_one  # noqa: F401\n",
        }
    )
    assert "No import cycle between any two modules BROKEN" in out
    assert "papers.cycle_one" in out and "papers.cycle_two" in out


def test_an_import_inside_a_function_still_counts(breaking) -> None:
    # The old way to dodge a cycle: import inside the function. The graph sees it all the same.
    out = breaking(
        {
            "profiles/dodge.py": "def later():\n    from identity import dodge_back  # noqa: F401\n",
            "identity/dodge_back.py": "from profiles import dodge  # noqa: F401\n",
        }
    )
    assert "No import cycle between any two modules BROKEN" in out


def test_every_services_and_selectors_module_is_covered() -> None:
    """A new ``services_*.py`` must be added to the services-no-tasks contract."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    sources = next(c for c in contracts if c["id"] == "services-no-tasks")["source_modules"]
    for package in PACKAGES:
        for path in (ROOT / package).glob("*.py"):
            if path.stem.startswith(("services", "selectors")):
                module = f"{package}.{path.stem}"
                assert path.stem in ("services", "selectors") or module in sources, module
