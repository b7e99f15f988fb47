"""A person browsing the sample researcher's profile in a real (headless) Chromium."""

from __future__ import annotations

import os
import re

import pytest

from profiles.models import Author
from tests.conftest import REPO
from tests.ingest.helpers import import_file

# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
sync_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = REPO / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
]


@pytest.fixture
def hashimoto(transactional_db, django_capture_on_commit_callbacks, sample_dump) -> Author:
    import_file(django_capture_on_commit_callbacks, sample_dump("000"))
    import_file(django_capture_on_commit_callbacks, sample_dump("001"))
    return Author.objects.get(display_name="Tatsunori B. Hashimoto")


def test_browsing_the_sample_profile(live_server, browser, hashimoto):
    ARTIFACTS.mkdir(exist_ok=True)
    author = Author.objects.get(pk=hashimoto.pk)
    profile_url = f"{live_server.url}/authors/{author.slug}/"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(profile_url + "?per_page=5")

    # The trust snapshot shows the cached score and the counts.
    expect = sync_api.expect
    snapshot = page.get_by_role("region", name="Quick read")
    expect(snapshot).to_contain_text(f"Trust {author.trust_score} - {author.trust_breakdown['label']}")
    expect(snapshot).to_contain_text("Verification L1")
    expect(snapshot).to_contain_text("Unclaimed author")
    works = snapshot.locator(".stats div").filter(has_text="works").locator("dd")
    expect(works).to_have_text(str(author.work_count))
    expect(snapshot.locator(".stats div").filter(has_text="close collaborator").locator("dd")).to_have_text(
        str(author.close_collaborator_count)
    )
    # "How is this computed?" opens on click and names each component with its points.
    components = snapshot.locator(".components")
    expect(components).to_be_hidden()
    snapshot.get_by_text("How is this computed?").click()
    expect(components).to_be_visible()
    expect(components).to_contain_text("Corroborating sources")
    expect(components).to_contain_text("2 imported sources list these works")

    # An abstract starts collapsed and expands.
    first_work = page.locator("article.work").first
    abstract = first_work.locator("details.abstract p")
    expect(abstract).to_be_hidden()
    first_work.locator("details.abstract summary").click()
    expect(abstract).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header belongs at the top of the picture
    page.screenshot(path=str(ARTIFACTS / "profile-desktop.png"), full_page=True)

    # Page through the works with the keyboard-reachable pagination.
    expect(page.locator("#works .result-line")).to_contain_text(f"Showing 1–5 of {author.work_count}")
    page.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2"))
    expect(page).to_have_url(re.compile(r"per_page=5"))
    expect(page.locator("#works .result-line")).to_contain_text(
        f"Showing 6–{min(10, author.work_count)} of {author.work_count}"
    )
    page.get_by_role("link", name="← Previous").click()
    expect(page.locator("#works .result-line")).to_contain_text("Showing 1–5")

    # A work's title leads to its paper page.
    title = page.locator("article.work h3 a").first
    paper_title = title.inner_text()
    title.click()
    expect(page.locator("h1")).to_have_text(paper_title)
    expect(page.get_by_role("heading", name="Imported from")).to_be_visible()

    # A topic chip leads to the topic page, which links back to the researcher.
    page.goto(profile_url)
    topic_link = page.locator(".profile-head a.chip[href^='/topics/']").first
    topic_name = topic_link.inner_text().split("\n")[0].strip()
    topic_link.click()
    expect(page).to_have_url(re.compile(r"/topics/[\w-]+/$"))
    expect(page.locator("h1")).to_contain_text(re.sub(r"\s*\d+(\s+works?)?$", "", topic_name))
    expect(page.get_by_role("link", name=author.display_name).first).to_be_visible()

    # Keyboard users get a skip link first.
    page.goto(profile_url)
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")

    # The same page at phone width: one column, nothing wider than the screen.
    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    phone.goto(profile_url)
    expect(phone.get_by_role("heading", name=author.display_name)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.locator("#trust-details summary").click()
    phone.evaluate("window.scrollTo(0, 0)")
    phone.screenshot(path=str(ARTIFACTS / "profile-phone.png"), full_page=True)
    assert (ARTIFACTS / "profile-desktop.png").stat().st_size > 10_000
    assert (ARTIFACTS / "profile-phone.png").stat().st_size > 10_000
