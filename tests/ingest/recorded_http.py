"""Serve tests/ingest/recordings/ in place of the network, at the HTTP transport layer.

`requests` (the `arxiv` package, our ORCID client) and `httpx2` (habanero) are both replaced
below our code: everything above the transport, ours and the libraries', runs as in production.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx2
import pytest
import requests
from requests.structures import CaseInsensitiveDict

RECORDINGS = Path(__file__).parent / "recordings"


def recording_for(url: str) -> Path | None:
    """The recorded answer for a URL (see recordings/README.md), or None for a 404."""
    parts = urlsplit(url)
    path = parts.path
    if parts.netloc == "export.arxiv.org" and path == "/api/query":
        name = "arxiv_query.xml"
    elif parts.netloc == "api.crossref.org" and path.startswith("/works/"):
        name = "crossref_" + path.removeprefix("/works/").replace("/", "_") + ".json"
    elif parts.netloc == "pub.orcid.org" and path.startswith("/v3.0/"):
        orcid, _, rest = path.removeprefix("/v3.0/").partition("/")
        kind = {"person": "person", "works": "works"}.get(
            rest, "works_bulk" if rest.startswith("works/") else ""
        )
        name = f"orcid_{orcid}_{kind}.json"
    else:
        return None
    file = RECORDINGS / name
    return file if file.exists() else None


def _content_type(file: Path) -> str:
    return (
        "application/atom+xml; charset=utf-8" if file.suffix == ".xml" else "application/json;charset=UTF-8"
    )


class Network:
    """What the fake network does: serve recordings, or fail like a machine without network."""

    def __init__(self) -> None:
        self.failure: Callable[[str], Exception] | None = None
        self.urls: list[str] = []

    def answer(self, url: str) -> tuple[int, bytes, str]:
        self.urls.append(url)
        if self.failure is not None:
            raise self.failure(url)
        file = recording_for(url)
        if file is None:
            return 404, b"Resource not found.", "text/plain"
        return 200, file.read_bytes(), _content_type(file)


@pytest.fixture
def network(monkeypatch) -> Network:
    fake = Network()

    def requests_send(adapter, request, **kwargs):
        status, body, content_type = fake.answer(request.url)
        response = requests.Response()
        response.status_code, response._content, response.url = status, body, request.url
        response.headers = CaseInsensitiveDict({"Content-Type": content_type})
        response.encoding, response.request = "utf-8", request
        return response

    def httpx_handle(transport, request):
        status, body, content_type = fake.answer(str(request.url))
        return httpx2.Response(status, headers={"Content-Type": content_type}, content=body, request=request)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", requests_send)
    monkeypatch.setattr(httpx2.HTTPTransport, "handle_request", httpx_handle)
    return fake


def offline(url: str) -> Exception:
    """What a machine without network raises (both clients, one shape each)."""
    if "crossref" in url:
        return httpx2.ConnectError("[Errno -3] Temporary failure in name resolution")
    return requests.ConnectionError(f"Failed to resolve {urlsplit(url).netloc}")


def timing_out(url: str) -> Exception:
    if "crossref" in url:
        return httpx2.ReadTimeout("timed out")
    return requests.ReadTimeout("Read timed out.")
