"""The research graph in headless Chromium: the profile's slice and the full explorer.

Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from profiles.models import AuthorAlias
from tests.ingest.helpers import import_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1360, "height": 1000})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], errors


@pytest.fixture
def hashimoto(django_capture_on_commit_callbacks, sample_dump):
    for prefix in ("000", "001"):
        batch = import_file(django_capture_on_commit_callbacks, sample_dump(prefix))
        assert batch.status == "done", batch.error
    author = AuthorAlias.objects.select_related("author").get(name="Tatsunori B. Hashimoto").author
    return author.merged_into or author


def _shot(page, name: str, locator=None) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (locator or page).screenshot(path=str(ARTIFACTS / name))


def test_the_profile_draws_the_slice_after_the_page_and_its_nodes_open_profiles(live_server, page, hashimoto):
    held = []
    page.route(re.compile(r".*/graph/authors/.*/slice/\?fragment=1$"), lambda route: held.append(route))
    page.goto(f"{live_server.url}/authors/{hashimoto.slug}/")
    section = page.locator("#graph")
    expect(section.get_by_text("Building this graph slice…")).to_be_visible()
    expect(section.get_by_role("link", name="Open full explorer")).to_have_attribute(
        "href", f"/graph/?focus={hashimoto.slug}"
    )
    _shot(page, "graph-profile-loading.png", section)
    assert len(held) == 1
    held[0].continue_()
    page.unroute_all(behavior="wait")

    drawing = section.locator("svg.graph-svg")
    expect(drawing).to_be_visible()
    expect(section.get_by_text("Building this graph slice…")).to_be_hidden()
    for kind in ("person", "paper", "topic", "institution"):
        assert drawing.locator(f"a.graph-node--{kind}").count() >= 1, kind
    expect(section.locator(".graph-legend")).to_contain_text("Institutions")
    lists = section.locator(".graph-lists")
    expect(lists.get_by_role("heading", name=re.compile("Collaborators"))).to_be_visible()
    expect(lists).to_contain_text("AlpacaFarm")
    section.scroll_into_view_if_needed()
    _shot(page, "graph-profile-slice.png", section)

    collaborator = drawing.locator("a.graph-node--person:not(.graph-node--focus)").first
    slug = collaborator.get_attribute("data-node-id").split(":", 1)[1]
    name = lists.locator(f'a[data-node-id="person:{slug}"]').inner_text()
    collaborator.locator("use").click()
    expect(page).to_have_url(f"{live_server.url}/authors/{slug}/")
    expect(page.locator("h1")).to_contain_text(name)


def _visible(page, selector: str = "") -> int:
    return page.evaluate(f"graphExplorer.cy.nodes({selector!r}).not('.filtered').length")


def _wait_idle(page) -> None:
    # A function, not a string: Playwright evals string predicates, which the page's CSP forbids.
    page.wait_for_function("() => document.getElementById('graph-explorer').dataset.busy === 'false'")


def test_the_explorer_expands_filters_searches_and_keeps_its_state_in_the_url(live_server, page, hashimoto):
    fetched: list[str] = []
    page.on(
        "request", lambda request: fetched.append(request.url) if request.resource_type == "fetch" else None
    )
    page.goto(f"{live_server.url}/graph/?focus={hashimoto.slug}")
    page.wait_for_selector("#graph-explorer[data-ready=true]")
    before = _visible(page)
    assert before > 10 and _visible(page, "[kind = 'paper']") > 0
    _shot(page, "graph-explorer-start.png")

    # Click a collaborator on the canvas itself.
    collaborator = page.evaluate(
        """() => {
            const cy = graphExplorer.cy;
            const people = cy.nodes("[kind = 'person']").not('.focus');
            const node = people.sort((a, b) => b.data('weight') - a.data('weight'))[0];
            const box = document.getElementById('explorer-canvas').getBoundingClientRect();
            const at = node.renderedPosition();
            return {id: node.id(), label: node.data('label'), x: box.left + at.x, y: box.top + at.y};
        }"""
    )
    page.mouse.click(collaborator["x"], collaborator["y"])
    expect(page.locator("#explorer-selected")).to_have_text(collaborator["label"])
    expect(page.locator("#explorer-details").get_by_role("link", name="Open profile")).to_be_visible()

    page.locator("#explorer-expand").click()
    _wait_idle(page)
    expect(page.locator("#explorer-status")).to_contain_text("expanded")
    expanded = _visible(page)
    assert expanded > before
    assert f"expand={collaborator['id']}" in page.url
    _shot(page, "graph-explorer-expanded.png")

    page.get_by_role("checkbox", name="Papers").uncheck()
    assert _visible(page, "[kind = 'paper']") == 0
    assert _visible(page) < expanded
    assert "hide=paper" in page.url
    _shot(page, "graph-explorer-no-papers.png")

    page.fill("#explorer-from", "2023")
    page.dispatch_event("#explorer-from", "change")
    assert "from=2023" in page.url

    page.fill("#explorer-search", "Diyi")
    page.locator("#explorer-results button", has_text="Diyi Yang").click()
    _wait_idle(page)
    expect(page.locator("#explorer-selected")).to_have_text("Diyi Yang")
    assert "person:diyi-yang" in page.url
    page.locator("#explorer-path").click()
    expect(page.locator("#explorer-status")).to_contain_text(
        re.compile(r"Connected in \d+ hops?|not connected")
    )
    _shot(page, "graph-explorer-search-and-path.png")
    # Everything the explorer fetched came from the one graph API, the same the REST clients use.
    assert all("/api/v1/graph/" in url for url in fetched), fetched
    assert any(f"/api/v1/graph/authors/{hashimoto.slug}/slice/" in url for url in fetched)
    assert any("/api/v1/graph/person/" in url and "/neighbours/" in url for url in fetched)
    assert any("/api/v1/graph/search/?q=Diyi" in url for url in fetched)
    assert any(f"/api/v1/graph/path/?source={hashimoto.slug}&target=diyi-yang" in url for url in fetched)

    # The address is the state: opening it again shows the same graph.
    shared = page.url
    shown = _visible(page)
    page.goto(shared)
    page.wait_for_selector("#graph-explorer[data-ready=true]")
    _wait_idle(page)
    assert page.url == shared
    expect(page.get_by_role("checkbox", name="Papers")).not_to_be_checked()
    expect(page.locator("#explorer-from")).to_have_value("2023")
    expect(page.locator("#explorer-selected")).to_have_text("Diyi Yang")
    assert page.evaluate("graphExplorer.cy.getElementById('person:diyi-yang').hasClass('expanded')")
    assert _visible(page) >= shown - 3  # the path highlight is not part of the shared state
    _shot(page, "graph-explorer-restored.png")
