"""What the benchmark commands share: the machine they ran on, and their blocks in docs/benchmarks.md.

``make bench`` passes ``--write-docs`` to each benchmark command; the command's figures then
replace its own generated block in docs/benchmarks.md, between ``<!-- bench:<name>:begin -->``
and ``<!-- bench:<name>:end -->``. Everything outside the markers is hand-written analysis and
is never touched; a block that is not there yet is added at the end of the file.
"""

from __future__ import annotations

import datetime
import io
import os
import platform
import re
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

DOCS_PATH = Path(settings.BASE_DIR) / "docs" / "benchmarks.md"


def _begin(name: str) -> str:
    return f"<!-- bench:{name}:begin -->"


def _end(name: str) -> str:
    return f"<!-- bench:{name}:end -->"


def replace_block(text: str, name: str, markdown: str) -> str:
    """``text`` with the block ``name`` holding ``markdown``; appended at the end when missing."""
    block = f"{_begin(name)}\n{markdown.strip()}\n{_end(name)}"
    pattern = re.compile(re.escape(_begin(name)) + r".*?" + re.escape(_end(name)), re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _match: block, text, count=1)
    return f"{text.rstrip()}\n\n{block}\n" if text.strip() else f"{block}\n"


def write_block(name: str, markdown: str, *, path: Path | None = None) -> None:
    """Put ``markdown`` into the generated block ``name`` of ``path`` (docs/benchmarks.md)."""
    path = path or DOCS_PATH
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(replace_block(text, name, markdown), encoding="utf-8")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def machine_description() -> str:
    """Cores, CPU model, RAM and the load average now, in one line."""
    memory = _memory_gib()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{len(os.sched_getaffinity(0))} cores ({_cpu_model()}), "
        f"{f'{memory:.1f} GiB RAM' if memory else 'RAM unknown'}, "
        f"Python {platform.python_version()}, load average {load} (1, 5, 15 min)"
    )


class _Tee(io.TextIOBase):
    """Writes to the real output and keeps a copy."""

    def __init__(self, target):
        self.target, self.copy = target, io.StringIO()

    def write(self, text: str) -> int:
        self.copy.write(text)
        return self.target.write(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return False


class BenchmarkCommand(BaseCommand):
    """A benchmark command that can write what it printed into docs/benchmarks.md (``--write-docs``).

    Subclasses name their block (``docs_block``). By default the block holds the printed output
    as a text listing; a command may set ``self.docs_markdown`` during ``handle`` to write its own
    Markdown (a table) instead.
    """

    docs_block = ""
    docs_markdown = ""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--write-docs",
            action="store_true",
            help="Also write the figures into this command's generated block of docs/benchmarks.md.",
        )
        self._subcommand = subcommand
        return parser

    def execute(self, *args, **options):
        if not options.get("write_docs"):
            return super().execute(*args, **options)
        tee = _Tee(options.get("stdout") or sys.stdout)
        started_on, machine_before = datetime.datetime.now(datetime.UTC), machine_description()
        result = super().execute(*args, **{**options, "stdout": tee})
        name = self.docs_block or getattr(self, "_subcommand", "") or type(self).__module__.rsplit(".", 1)[-1]
        body = self.docs_markdown or f"```text\n{tee.copy.getvalue().rstrip()}\n```"
        write_block(name, self.block_header(started_on, machine_before) + "\n\n" + body)
        self.stderr.write(f"wrote the '{name}' block of docs/benchmarks.md")
        return result

    def block_header(self, started_on: datetime.datetime, machine_before: str) -> str:
        command = " ".join(["manage.py", *sys.argv[1:]]) if sys.argv[0].endswith("manage.py") else ""
        command = command or f"manage.py {getattr(self, '_subcommand', '')} --write-docs"
        return (
            f"Generated by `{command}` on {started_on:%Y-%m-%d %H:%M} UTC. "
            f"Machine: {machine_before}; at the end: load average "
            f"{', '.join(f'{value:.2f}' for value in os.getloadavg())}."
        )
