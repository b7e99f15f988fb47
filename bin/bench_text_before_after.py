"""Before/after figures for issue 15's text routines: main (d4e6974) against the working tree.

Run from the repository root: `.venv/bin/python bin/bench_text_before_after.py [BASE_COMMIT]`.
Prints clean_display_name on the issue's name (`"Ada Lovelace " + "1" * n + "x"`) and the arXiv
Atom parser at 2,500 / 5,000 / 10,000 entries.
"""

import importlib.util
import os
import subprocess
import sys
import time

sys.path.insert(0, ".")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django  # noqa: E402

django.setup()

from identity import names as new_names  # noqa: E402
from ingest.formats import arxiv_atom as new_atom  # noqa: E402

BASE = sys.argv[1] if len(sys.argv) > 1 else "d4e6974"


def load(module: str, path: str):
    """Import the file as it was at BASE, under another module name."""
    show = subprocess.run(["git", "show", f"{BASE}:{path}"], capture_output=True, text=True, check=True)
    spec = importlib.util.spec_from_loader(module, loader=None)
    loaded = importlib.util.module_from_spec(spec)
    loaded.__package__ = module.rpartition(".")[0]
    sys.modules[module] = loaded
    exec(compile(show.stdout, path, "exec"), loaded.__dict__)  # noqa: S102 - our own history
    return loaded


def clock(fn, arg) -> float:
    start = time.perf_counter()
    fn(arg)
    return time.perf_counter() - start


old_names = load("profiles._old_names", "profiles/names.py")
old_atom = load("ingest.formats._old_atom", "ingest/formats/arxiv_atom.py")
for n in (14, 16, 18, 20, 22):
    name = "Ada Lovelace " + "1" * n + "x"
    before, after = clock(old_names.clean_display_name, name), clock(new_names.clean_display_name, name)
    print(f"clean_display_name n={n:2d}: main {before:8.3f}s   branch {after:.6f}s")
name = "Ada Lovelace " + "1" * 10_000 + "x"
print(f"clean_display_name n=10000: branch {clock(new_names.clean_display_name, name):.6f}s")

ENTRY = (
    "<entry><id>http://arxiv.org/abs/2301.{:05d}v1</id><title>Title {}</title><summary>Summary</summary>"
    "<author><name>Ada Lovelace</name></author><published>2023-01-01T00:00:00Z</published></entry>\n"
)
for k in (2_500, 5_000, 10_000):
    feed = (
        '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        + "".join(ENTRY.format(i, i) for i in range(k))
        + "</feed>\n"
    )
    before, after = clock(old_atom.parse, feed), clock(new_atom.parse, feed)
    print(f"arxiv_atom.parse {k:6d} entries: main {before:6.2f}s   branch {after:.2f}s")
