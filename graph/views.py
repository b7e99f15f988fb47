"""Pages of the research graph (public, read-only). Its JSON is the API's: graph/apis.py."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from common.ratelimit import limited
from common.redirects import moved_permanently
from graph import selectors
from graph.paths import PATH_MAX_HOPS
from graph.slice import (
    DEFAULT_MAX_NODES,
    DEFAULT_RADIUS,
    INSTITUTION,
    KIND_NAMES,
    KINDS,
    PAPER,
    PERSON,
    TOPIC,
    nodes_by_kind,
)
from graph.svg import svg_scene
from profiles import selectors as profile_selectors
from profiles.services import CLOSE_COLLABORATOR_MIN_SHARED


def _explorer_url(focus_slug: str, **params: str) -> str:
    return reverse("graph:explorer") + "?" + urlencode({"focus": focus_slug, **params})


_PAGE_ROUTES = {
    PERSON: "profiles:author",
    PAPER: "papers:paper",
    TOPIC: "papers:topic",
    INSTITUTION: "profiles:institution",
}


def _node_url(node: dict, focus_slug: str | None) -> str:
    """The node's own page, or the explorer opened on it when its kind has no page."""
    try:
        return reverse(_PAGE_ROUTES[node["kind"]], kwargs={"slug": node["slug"]})
    except NoReverseMatch:
        return _explorer_url(focus_slug, expand=node["id"], node=node["id"]) if focus_slug else ""


def _with_urls(nodes: list[dict], focus_slug: str | None) -> list[dict]:
    return [{**node, "url": _node_url(node, focus_slug)} for node in nodes]


def _slice_response_data(slice_data: dict, focus_slug: str) -> dict:
    return {**slice_data, "nodes": _with_urls(slice_data["nodes"], focus_slug)}


# --- pages -----------------------------------------------------------------------------------


@require_GET
def explorer(request):
    """The full explorer; the page is a shell that its script fills from the JSON API."""
    focus_slug = request.GET.get("focus", "").strip()
    try:
        author = profile_selectors.author_or_moved(slug=focus_slug) if focus_slug else None
    except profile_selectors.AuthorMoved as moved:  # the slug is in the query here, not the path
        return redirect(_explorer_url(moved.survivor.slug), permanent=True)
    except profile_selectors.AuthorNotFound as error:
        raise Http404("No researcher with this name") from error
    context = {
        "author": author,
        "kinds": [{"kind": kind, "name": KIND_NAMES[kind]} for kind in KINDS],
        "max_hops": PATH_MAX_HOPS,
        "close_min_shared": CLOSE_COLLABORATOR_MIN_SHARED,
    }
    return render(request, "graph/explorer.html", context)


@require_GET
@limited("graph", methods=("GET",))
@moved_permanently
def author_slice_page(request, slug: str):
    """The profile's slice as HTML: a fragment for the profile's script, or a page without it."""
    author = profile_selectors.author_or_moved(slug=slug)
    slice_data = selectors.author_slice(author=author, radius=DEFAULT_RADIUS, max_nodes=DEFAULT_MAX_NODES)
    slice_data = _slice_response_data(slice_data, author.slug)
    groups = nodes_by_kind(slice_data)
    context = {
        "author": author,
        "scene": svg_scene(slice_data),
        "groups": [
            {
                "kind": kind,
                "name": KIND_NAMES[kind],
                "nodes": groups[kind],
                "counts": slice_data["counts"][kind],
            }
            for kind in KINDS
        ],
        "shown": len(slice_data["nodes"]) - 1,
        "available": sum(counts["available"] for counts in slice_data["counts"].values()),
        "close_min_shared": CLOSE_COLLABORATOR_MIN_SHARED,
        "explorer_url": _explorer_url(author.slug),
    }
    template = "graph/_slice.html" if request.GET.get("fragment") else "graph/slice_page.html"
    return render(request, template, context)
