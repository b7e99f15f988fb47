"""Content-Security-Policy: every HTML page sends it, and no template needs inline code or styles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from profiles.models import Institution
from tests.conftest import REPO
from tests.papers.builders import make_author_with_papers, topic

EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def _policy(response) -> dict[str, str]:
    header = response.get("Content-Security-Policy", "")
    return dict(part.strip().partition(" ")[::2] for part in header.split(";") if part.strip())


@pytest.mark.django_db
def test_every_html_page_sends_the_content_security_policy(client, staff):
    author = make_author_with_papers(2, name="Ada Policy")
    paper = author.authorships.first().paper
    institution = Institution.objects.create(name="Policy Institute", slug="policy-institute")
    pages = [
        "/",
        "/authors/",
        author.get_absolute_url(),
        paper.get_absolute_url(),
        "/topics/",
        f"/topics/{topic('cs.LG').slug}/",
        "/institutions/",
        f"/institutions/{institution.slug}/",
        "/search?q=policy",
        "/graph/",
        f"/graph/authors/{author.slug}/slice/",
        "/accounts/login/",
        "/accounts/signup/",
        "/admin/login/",
        "/api/docs/",
        "/no-such-page/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert response["Content-Type"].startswith("text/html"), url
        policy = _policy(response)
        for directive, value in EXPECTED_DIRECTIVES.items():
            assert policy.get(directive) == value, f"{url}: {directive} is {policy.get(directive)!r}"
    client.force_login(staff)
    assert _policy(client.get("/admin/"))["script-src"] == "'self'"


_SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_DATA_BLOCK = re.compile(r"""type=["']application/(ld\+)?json["']""", re.IGNORECASE)
_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)


def test_templates_have_no_inline_scripts_styles_or_event_handlers():
    """What CSP would block: scripts without src (JSON data blocks aside), style, on* attributes."""
    problems = []
    for path in sorted(Path(REPO, "templates").rglob("*.html")):
        text = path.read_text()
        name = path.relative_to(REPO)
        for attributes in _SCRIPT_TAG.findall(text):
            if "src=" not in attributes and not _DATA_BLOCK.search(attributes):
                problems.append(f"{name}: inline <script{attributes}>")
        problems += [f"{name}: inline style ({match.group().strip()})" for match in _STYLE.finditer(text)]
        problems += [f"{name}: event handler ({match.group().strip()})" for match in _HANDLER.finditer(text)]
    assert problems == []
