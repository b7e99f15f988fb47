"""Pages and JSON endpoints of the research graph. Everything here is public and read-only."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from common.ratelimit import limited
from graph import selectors
from graph.paths import PATH_MAX_HOPS, PathLimitError
from graph.slice import (
    DEFAULT_MAX_NODES,
    DEFAULT_RADIUS,
    INSTITUTION,
    KIND_NAMES,
    KINDS,
    MAX_RADIUS,
    PAPER,
    PERSON,
    TOPIC,
    SliceLimitError,
    nodes_by_kind,
    slice_size,
)
from graph.svg import svg_scene
from profiles.services import CLOSE_COLLABORATOR_MIN_SHARED


class BadRequest(ValueError):
    """A parameter the endpoint cannot accept; the message says which and why."""


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _int_param(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}")
    return value


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
    author = selectors.graph_author(slug=focus_slug) if focus_slug else None
    if focus_slug and author is None:
        raise Http404("No researcher with this name")
    context = {
        "author": author,
        "kinds": [{"kind": kind, "name": KIND_NAMES[kind]} for kind in KINDS],
        "max_hops": PATH_MAX_HOPS,
        "close_min_shared": CLOSE_COLLABORATOR_MIN_SHARED,
    }
    return render(request, "graph/explorer.html", context)


@require_GET
@limited("graph", methods=("GET",))
def author_slice_page(request, slug: str):
    """The profile's slice as HTML: a fragment for the profile's script, or a page without it."""
    author = selectors.graph_author(slug=slug)
    if author is None:
        raise Http404("No researcher with this name")
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


# --- JSON API --------------------------------------------------------------------------------


@require_GET
@limited("graph", methods=("GET",))
def api_author_slice(request, slug: str):
    try:
        radius = _int_param(request, "radius", DEFAULT_RADIUS, 1, MAX_RADIUS)
        max_nodes = slice_size(size=request.GET.get("size"), max_nodes=request.GET.get("max_nodes"))
    except (BadRequest, SliceLimitError) as error:
        return _error(400, str(error))
    author = selectors.graph_author(slug=slug)
    if author is None:
        return _error(404, f"no researcher with the slug {slug!r}")
    try:
        slice_data = selectors.author_slice(author=author, radius=radius, max_nodes=max_nodes)
    except SliceLimitError as error:
        return _error(400, str(error))
    return JsonResponse(_slice_response_data(slice_data, author.slug))


@require_GET
@limited("graph", methods=("GET",))
def api_node_neighbours(request, kind: str, slug: str):
    if kind not in KINDS:
        return _error(404, f"unknown node kind {kind!r}; expected one of {', '.join(KINDS)}")
    try:
        limit = _int_param(
            request, "limit", selectors.NEIGHBOURS_DEFAULT_LIMIT, 1, selectors.NEIGHBOURS_MAX_LIMIT
        )
    except BadRequest as error:
        return _error(400, str(error))
    row = selectors.graph_node_lookup(kind=kind, slug=slug)
    if row is None:
        return _error(404, f"no {KIND_NAMES[kind].lower()} with the slug {slug!r}")
    data = selectors.node_neighbours(kind=kind, row=row, limit=limit)
    focus_slug = request.GET.get("focus") or (row.slug if kind == PERSON else None)
    data["node"] = _with_urls([data["node"]], focus_slug)[0]
    data["nodes"] = _with_urls(data["nodes"], focus_slug)
    data["limit"] = limit
    return JsonResponse(data)


@require_GET
@limited("search", methods=("GET",))
def api_search(request):
    query = " ".join(request.GET.get("q", "").split())
    if len(query) < selectors.SEARCH_MIN_LENGTH:
        return _error(400, f"type at least {selectors.SEARCH_MIN_LENGTH} characters")
    if len(query) > selectors.SEARCH_MAX_LENGTH:
        return _error(400, f"the search may be at most {selectors.SEARCH_MAX_LENGTH} characters")
    results = selectors.graph_search(query=query)
    return JsonResponse({"query": query, "results": _with_urls(results, request.GET.get("focus") or None)})


@require_GET
@limited("graph", methods=("GET",))
def api_path(request):
    source_slug, target_slug = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
    if not source_slug or not target_slug:
        return _error(400, "give both researchers: ?from=<slug>&to=<slug>")
    try:
        max_hops = _int_param(request, "max_hops", PATH_MAX_HOPS, 1, PATH_MAX_HOPS)
    except BadRequest as error:
        return _error(400, str(error))
    close_only = request.GET.get("close_only", "") in ("1", "true", "yes")
    source = selectors.graph_author(slug=source_slug)
    target = selectors.graph_author(slug=target_slug)
    if source is None or target is None:
        missing = source_slug if source is None else target_slug
        return _error(404, f"no researcher with the slug {missing!r}")
    try:
        result = selectors.collaboration_path(
            source=source, target=target, max_hops=max_hops, close_only=close_only
        )
    except PathLimitError as error:
        return _error(422, f"path search refused: {error}")
    result["nodes"] = _with_urls(result["nodes"], source.slug)
    return JsonResponse({"from": source.slug, "to": target.slug, **result})
