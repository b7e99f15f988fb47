"""Every text routine used on names, titles, affiliations and imported text runs in linear time.

Each routine gets adversarial inputs (long runs of digits, footnote markers, spaces, braces,
backslashes, accents, commas, ` and `) at two sizes, n and 8n. A linear routine takes about 8x
longer on the big one; a quadratic one 64x, an exponential one forever. The timing runs in a
forked child with a deadline, because a backtracking regular expression cannot be interrupted
in-process: a routine that does not finish in time fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import os
import select
import signal
import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common import text as common_text
from identity import evidence as identity
from identity import names as profile_names
from ingest import formats
from ingest.formats import (
    abstracts_only,
    arxiv_atom,
    arxiv_listing,
    bibtex,
    canonical,
    paper_feed,
    profile_page,
    publications_page,
)
from ingest.formats import names as format_names
from papers import embedding
from papers import services as paper_services
from papers.exports import bibtex_escape

GROWTH = 8  # the big input is GROWTH times the small one
# A linear routine grows ~8x; allow 4x that for noise on a loaded 2-core machine (quadratic: 64x).
MAX_RATIO = 4 * GROWTH
# Below this the big input is fast whatever the ratio: timer noise, not complexity.
FLOOR_SECONDS = 0.1
DEADLINE_SECONDS = 20.0
REPEATS = 5  # best of five: a loaded machine only ever makes a run slower


def _best_time(fn: Callable[[str], object], text: str) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - start)
    return best


def timings(fn: Callable[[str], object], small: str, big: str) -> tuple[float, float]:
    """Best-of-five times of fn on both inputs, measured in a child killed at the deadline.

    A bare ``os.fork`` rather than multiprocessing: multiprocessing's after-fork hooks close the
    broker connections earlier tests left open (kombu), which can block the child on a socket.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_end)
        try:
            payload = ["ok", _best_time(fn, small), _best_time(fn, big)]
        except BaseException as exc:
            payload = ["error", repr(exc), 0.0]
        os.write(write_end, json.dumps(payload).encode())
        os._exit(0)
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], DEADLINE_SECONDS)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            pytest.fail(f"did not finish within {DEADLINE_SECONDS:.0f} s on {len(big):,} characters")
        chunks = []
        while chunk := os.read(read_end, 65536):
            chunks.append(chunk)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    status, first, second = json.loads(b"".join(chunks))
    assert status == "ok", first
    return first, second


def assert_linear(fn: Callable[[str], object], make: Callable[[int], str], n: int) -> None:
    small, big = make(n), make(GROWTH * n)
    t_small, t_big = timings(fn, small, big)
    ratio = t_big / max(t_small, 1e-6)
    assert t_big < FLOOR_SECONDS or ratio < MAX_RATIO, (
        f"{getattr(fn, '__qualname__', fn)}: {len(small):,} chars in {t_small:.4f}s, "
        f"{len(big):,} chars in {t_big:.4f}s (x{ratio:.1f}; linear is about x{GROWTH})"
    )


def _uncached(fn):
    return getattr(fn, "__wrapped__", fn)


# --------------------------------------------------------------------------- adversarial shapes

SHAPES: dict[str, Callable[[int], str]] = {
    "digits": lambda n: "Ada Lovelace " + "1" * n + "x",
    "digit-commas": lambda n: "Li Wei" + "1," * n + "x",
    "markers": lambda n: "Jane Doe" + "*\u2020\u2021" * n + "x",
    "spaced-markers": lambda n: "Jane Doe" + " *" * n + "x",
    "spaces": lambda n: "Jane" + " " * n + "Doe",
    "braces": lambda n: "G" + "{" * n + '\\"o' + "}" * (n // 2) + "del",
    "unclosed-braces": lambda n: "{\\" * n + "x",
    "backslashes": lambda n: "\\" * n + "x",
    "accent-commands": lambda n: "S\\'e" * n + "bastien",
    "spaced-accents": lambda n: "\\'" + " " * n + "x",
    "dollars": lambda n: "$" + "a" * n + "\\$" * n,
    "accents": lambda n: "Zo\u00eb \u00c9tienne " * n,
    "combining": lambda n: "e\u0301" * n + " Doe",
    "commas": lambda n: "Jane Doe, " * n + ",,,,",
    "bare-commas": lambda n: "," * n + "x",
    "ands": lambda n: "Ann Lee and " * n + "Bo",
    "initials": lambda n: "J." * n + " Smith",
    "hyphens": lambda n: "Jean-" * n + "Pierre Serre",
    "camel": lambda n: "Aa" * n + " Bb",
    "capitals": lambda n: "A" * n + " b",
    "apostrophes": lambda n: "O'" * n + "Brien",
    "semicolons": lambda n: "Univ A; " * n + "Dept",
    "mixed": lambda n: "1*, \u2020{\\' and $ " * n,
}

NAME_ROUTINES: dict[str, Callable[[str], object]] = {
    "clean_display_name": profile_names.clean_display_name,
    "parse_name": _uncached(profile_names.parse_name),
    "name_key": lambda s: _uncached(profile_names.parse_name)(s).key,
    "natural_order": profile_names.natural_order,
    "profiles.latex_to_unicode": profile_names.latex_to_unicode,
    "collapse_spaces": common_text.collapse_spaces,
    "normalize_key": common_text.normalize_key,
    "slug_base": common_text.slug_base,
    "clean_ws": canonical.clean_ws,
    "common.latex_to_unicode": common_text.latex_to_unicode,
    "normalize_arxiv_id": canonical.normalize_arxiv_id,
    "normalize_doi": canonical.normalize_doi,
    "parse_date": canonical.parse_date,
    "name_shape": format_names.name_shape,
    "word_kind": _uncached(format_names.word_kind),
    "split_title_authors": format_names.split_title_authors,
    "decode_accents_mapped": format_names.decode_accents_mapped,
    "normalize_lines": formats.normalize_lines,
    "parse_title_line": paper_feed.parse_title_line,
    "parse_meta": paper_feed.parse_meta,
    "parse_item": publications_page.parse_item,
    "bibtex person": bibtex._person,
    "identity latex strip": lambda s: identity._LATEX_COMMAND.sub(" ", s),
}


PAPER_ROUTINES: dict[str, Callable[[str], object]] = {
    "abstracts_match": lambda s: paper_services.abstracts_match(s, " ".join(reversed(s.split()))),
    "paper_text": lambda s: embedding.paper_text(s, s),
    "bibtex_escape": bibtex_escape,
}
WORDS = {
    "repeating words": lambda n: " ".join(f"w{i % 50}" for i in range(n)),
    "one word": lambda n: " ".join(["model"] * n),
    "latex words": lambda n: " ".join(f"$x_{i % 7}$ \\emph{{w{i % 13}}}" for i in range(n)),
}


@pytest.mark.parametrize("shape", [*SHAPES, *WORDS])
@pytest.mark.parametrize("routine", PAPER_ROUTINES)
def test_paper_text_routines_are_linear(routine, shape):
    """Abstract comparison, embedding text and BibTeX export on adversarial titles/abstracts."""
    assert_linear(PAPER_ROUTINES[routine], {**SHAPES, **WORDS}[shape], n=300)


def _relation_of_long_names(text: str) -> object:
    parse = _uncached(profile_names.parse_name)
    return profile_names.name_relation(parse(text), parse(text.replace("K ", "J J J J J J ")))


def test_comparing_names_with_many_middle_names_is_linear():
    """Given-name compatibility was a recursive search, exponential in the middle names."""
    assert_linear(_relation_of_long_names, lambda n: "John " + "J " * n + "K Smith", n=60)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("routine", NAME_ROUTINES)
def test_name_and_title_routines_are_linear(routine, shape):
    assert_linear(NAME_ROUTINES[routine], SHAPES[shape], n=400)


def test_the_reported_name_cleans_quickly():
    """The issue's case: a 40-character name ending in digits and a marker hung for hours."""
    t_small, t_big = timings(profile_names.clean_display_name, "Ada Lovelace " + "1" * 20 + "x",
                             "Ada Lovelace " + "1" * 40 + "x")  # fmt: skip
    assert t_big < 0.01
    assert profile_names.clean_display_name("Li Wei1,2") == "Li Wei"
    assert profile_names.clean_display_name("Ada Lovelace " + "1" * 40 + "x").endswith("x")


# --------------------------------------------------------------------------- whole files


def _feed_file(n: int) -> str:
    record = (
        "45.7CRFeb 11, 2023\nA Title: On ThingsJane Doe, Li Wei, Ann Lee et al.\nAn abstract 1*, {\\' and.\n"
    )
    return record * n


def _listing_file(n: int) -> str:
    return "An abstract about things.\n\nICML 2020\narXiv:2305.14387 - J. Ref 1\nCreated: 2023-05-22\n\n" * n


def _mixed_file(n: int) -> str:
    return ("Abstract:One 1*, {\\' and.\nAbstract:Two\n\nA listing abstract.\n\narXiv:2305.14387\n") * n


def _atom_file(n: int) -> str:
    entry = (
        "<entry><id>http://arxiv.org/abs/2301.{:05d}v1</id><title>T</title><summary>S</summary>"
        "<author><name>Ada Lovelace 111x</name><arxiv:affiliation>U</arxiv:affiliation></author>"
        "<published>2023-01-01T00:00:00Z</published></entry>\n"
    )
    head = (
        '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
    )
    return head + "".join(entry.format(i % 100000) for i in range(n)) + "</feed>\n"


def _bibtex_file(n: int) -> str:
    entry = (
        "@article{{k{},\n  author = {{G{{\\\"o}}del, Kurt and S\\'ebastien Bubeck and others}},\n"
        "  title = {{On {{T}}hings}},\n  year = {{2020}}\n}}\n"
    )
    return "".join(entry.format(i) for i in range(n))


def _publications_file(n: int) -> str:
    item = "- A Title: On ThingsJane Doe, Li Wei, and 3 more authorsMar 2020ICML, 2023\nAn abstract.\n"
    return "2023\n" + item * n


def _profile_file(n: int) -> str:
    head = "Researcher profile\nJane Doe\nProfessorStanford UniversityOpen to collaborate\nPublished work\n"
    return head + f"{n} published items\n" + "preprint2024arXiv\nA Title\nAn abstract.\n" * n


FILES: dict[str, tuple[Callable[[str], object], Callable[[int], str], int]] = {
    "paper_feed": (paper_feed.parse, _feed_file, 150),
    "arxiv_listing": (arxiv_listing.parse, _listing_file, 300),
    "abstracts_only": (abstracts_only.parse, lambda n: "Abstract: some text 1*\u2020\n" * n, 1000),
    "arxiv_atom": (arxiv_atom.parse, _atom_file, 1000),
    "bibtex": (bibtex.parse, _bibtex_file, 40),
    "bibtex open braces": (bibtex.parse, lambda n: "@article{k, title={" + "{\\" * n + "}", 1000),
    "bibtex long author list": (bibtex.parse, lambda n: "@article{k, author={" + "A B and " * n + "C}}", 500),
    "publications_page": (publications_page.parse, _publications_file, 150),
    "profile_page": (profile_page.parse, _profile_file, 300),
    "detect": (formats.detect, _feed_file, 150),
    "mixed listing and abstracts": (formats.parse, _mixed_file, 200),
    "one long line": (formats.parse, lambda n: "Abstract:" + "1*, {\\' and " * n, 300),
}


@pytest.mark.parametrize("name", FILES)
def test_format_parsers_are_linear_in_file_size(name):
    fn, make, n = FILES[name]
    assert_linear(fn, make, n)


# --------------------------------------------------------------------------- generated shapes

PIECES = [
    "1", "12,", "*", "\u2020", " ", "  ", "{", "}", "\\", "\\'", '\\"', "$", ",", ", ", " and ",
    "and", "\u00e9", "e\u0301", "J.", "-", "'", "Aa", "de ", "Van ", ":", ";", "\t",
]  # fmt: skip
units = st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join)
affixes = st.text(alphabet="Ab ,.*1{}\\'", max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=affixes, unit=units, suffix=affixes, routine=st.sampled_from(sorted(NAME_ROUTINES)))
def test_generated_repetitions_are_linear(prefix, unit, suffix, routine):
    assert_linear(NAME_ROUTINES[routine], lambda n: prefix + unit * n + suffix, n=300)
