"""Shared by the browser tests: one headless Chromium launcher, a fast fake embedder for the
imports they make, and any Content-Security-Policy violation a page reports fails the test.

Debian's chromium is used (Playwright cannot download its own browsers here); `CHROMIUM`
points at another build.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from papers import embedding
from tests.papers.fakes import HashingEmbedder

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google's hosts, which a closed
# network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium for one test; skipped (loudly, see tests/conftest.py) when none is installed."""
    # Playwright's sync API runs an event loop in this thread; set only for this test so that
    # subprocesses started by other tests never inherit it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def _fast_embeddings():
    """Imports embed their papers; a fast deterministic fake stands in for the real model."""
    previous = embedding.set_embedder(HashingEmbedder())
    yield
    embedding.set_embedder(previous)


@pytest.fixture(autouse=True)
def csp_violations(monkeypatch):
    """Watch every page the test opens; Chromium reports a blocked script or style on the console."""
    sync_api = pytest.importorskip("playwright.sync_api")
    found: list[str] = []

    def watch(page):
        def on_console(message) -> None:
            if "Content Security Policy" in message.text:
                found.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        return page

    for owner in (sync_api.Browser, sync_api.BrowserContext):
        original = owner.new_page
        monkeypatch.setattr(
            owner,
            "new_page",
            lambda self, *args, _original=original, **kwargs: watch(_original(self, *args, **kwargs)),
        )
    yield found
    assert found == [], "CSP violations:\n" + "\n".join(found)
