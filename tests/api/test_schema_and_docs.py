"""The OpenAPI schema validates and covers every endpoint; /api/docs/ works with no network."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "api"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_setup, django_db_blocker) -> dict:
    """The schema as `manage.py spectacular --validate --fail-on-warn` writes it (once per module)."""
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        # --fail-on-warn: an endpoint whose types drf-spectacular had to guess fails the build.
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def v1_routes() -> set[str]:
    """Every route under /api/v1/ as an OpenAPI path template (the JSON 404 catch-all aside)."""
    api = next(
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and str(p.pattern) == "api/"
    )
    v1 = next(p for p in api.url_patterns if isinstance(p, URLResolver) and str(p.pattern) == "v1/")
    routes = set()
    for pattern in v1.url_patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name is None:
            continue  # the catch-all
        route = str(pattern.pattern).lstrip("^").rstrip("$")
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)  # re_path groups
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)  # path converters
        routes.add("/api/v1/" + route.replace("{pk}", "{id}"))
    return routes


def test_schema_validates_and_documents_every_endpoint(schema):

    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == v1_routes()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            where = f"{method.upper()} {path}"
            assert operation.get("summary") or operation.get("description"), f"{where} is not described"
            assert "429" in operation["responses"], f"{where} does not document its rate limit"
            successes = [code for code in operation["responses"] if code.startswith("2")]
            assert successes, f"{where} documents no success"
            for code in successes:
                assert operation["responses"][code].get("content"), f"{where} {code} has no body schema"
    # Both ways in are documented: a token for programs, the session for the site.
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_every_error_is_documented_with_the_shared_error_body(schema):
    error_ref = "#/components/schemas/Error"
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    body = response["content"]["application/json"]["schema"]
                    assert body == {"$ref": error_ref}, f"{method} {path} {code}"
    writes = schema["paths"]["/api/v1/authors/{slug}/follow/"]["post"]["responses"]
    assert {"401", "403", "409"} <= set(writes)


class _AssetCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


def test_docs_page_uses_only_assets_served_by_this_site(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    collector = _AssetCollector()
    collector.feed(html)

    assert collector.urls, "the docs page loads no assets at all?"
    # Its start-up script comes from the page's own URL (?script), so the page has no inline code.
    assert "/api/docs/?script=" in collector.urls
    script = client.get("/api/docs/?script=")
    assert (
        script["Content-Type"].startswith("application/javascript") and b"SwaggerUIBundle" in script.content
    )
    for url in collector.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{url} is not served by this site"
        if url == "/api/docs/?script=":
            continue
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not among our static files"
    assert "swagger-ui-bundle.js" in html
    assert re.search(r"https?://", html.replace("http://www.w3.org", "")) is None, "an absolute URL remains"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_render_offline_in_chromium_and_list_every_operation(live_server, schema, monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    operations = sum(1 for item in schema["paths"].values() for method in item if method in HTTP_METHODS)
    outside: list[str] = []

    def only_this_site(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        blocked: list[str] = []  # what the Content-Security-Policy refused, as Chromium reports it
        page.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.route("**/*", only_this_site)
        page.goto(live_server.url + "/api/docs/")
        page.wait_for_selector(".opblock-summary-path", timeout=20_000)
        shown = page.locator(".opblock").count()
        title = page.locator(".info .title").inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "docs.png"))
        browser.close()

    assert "Researcher profiles API" in title
    assert shown == operations
    assert outside == [], f"the docs tried to reach {outside}"
    assert blocked == [], blocked
