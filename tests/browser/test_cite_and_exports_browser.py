"""A reader cites a paper (the Cite dialog: styles, BibTeX, copy) and downloads a profile's BibTeX.

Headless Debian Chromium through Playwright, against pytest-django's live server.
"""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest

from tests.papers.builders import make_author, make_paper

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE_TITLE = "Notes on the <img src=x onerror=alert(1)> Engine"


@pytest.fixture
def engine():
    lovelace, babbage = make_author("Ada Lovelace"), make_author("Charles Babbage")
    paper = make_paper(
        HOSTILE_TITLE, authors=[lovelace, babbage], year=2023, month=5, kind="article", doi="10.1234/engine"
    )
    make_paper("Sketch of the Analytical Engine", authors=[lovelace], year=2022)
    return paper, lovelace


def test_the_cite_dialog_opens_switches_style_and_copies(browser, live_server, engine):
    from playwright.sync_api import expect

    paper, _ = engine
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + paper.get_absolute_url())

    dialog = page.get_by_role("dialog", name="Cite this paper")
    expect(dialog).to_be_hidden()
    page.get_by_role("link", name="Cite this paper").click()
    expect(dialog).to_be_visible()
    citation = dialog.get_by_label("Citation")
    expect(citation).to_contain_text(
        "Lovelace, A., & Babbage, C. (2023). Notes on the <img src=x onerror=alert(1)> Engine"
    )

    dialog.get_by_label("Format").select_option("ieee")
    expect(citation).to_contain_text(
        "A. Lovelace and C. Babbage, “Notes on the <img src=x onerror=alert(1)> Engine”"
    )
    dialog.get_by_label("Format").select_option("bibtex")
    expect(citation).to_contain_text(f"@article{{{paper.slug},")
    expect(citation).to_contain_text("doi = {10.1234/engine}")

    dialog.get_by_role("button", name="Copy").click()
    expect(dialog.get_by_role("status")).to_have_text("Copied to the clipboard.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f"@article{{{paper.slug},") and "10.1234/engine" in copied

    # The imported title stayed text: no image element was made from it, no script ran.
    assert page.locator("img[src=x]").count() == 0 and dialogs == []
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    context.close()


def test_the_profile_export_link_downloads_bibtex(browser, live_server, engine):
    _, lovelace = engine
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(live_server.url + lovelace.get_absolute_url())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="BibTeX", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == f"{lovelace.slug}.bib"
    text = Path(download.path()).read_text(encoding="utf-8")
    entries = bibtexparser.parse_string(text).entries
    assert sorted(entry.fields_dict["title"].value for entry in entries) == sorted(
        [HOSTILE_TITLE, "Sketch of the Analytical Engine"]
    )
    context.close()
