"""Shared by the browser tests: any Content-Security-Policy violation a page reports fails the test."""

from __future__ import annotations

import pytest


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
