"""Conditional GET for API reads: ETag and Last-Modified, answered with 304 when they match.

The ETag is a hash of the body, so it is right whatever changed (counts refreshed in bulk
do not touch ``updated_at``). Last-Modified is the time this exact body was first served
for this URL (and user, for private answers), remembered in the cache: a changed body gets
a later time, so If-Modified-Since is exact too. The cache key is made from the path and
the query parameters the view knows (its filters, pagination and query serializer), sorted:
unknown parameters never create a new key, so junk query strings cannot fill Redis.
Answers say ``Cache-Control: no-cache``: clients and proxies may store them but must
revalidate, which costs a 304.
"""

from __future__ import annotations

import hashlib
import time
from urllib.parse import urlencode

from django.core.cache import cache
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

FIRST_SEEN_SECONDS = 60 * 60 * 24 * 30


def _private(view) -> bool:
    return not all(isinstance(permission, AllowAny) for permission in view.get_permissions())


def _first_served(key: str, etag: str) -> int:
    now = int(time.time())
    stored = cache.get(key)
    if stored and stored[0] == etag:
        return stored[1]
    # Strictly later than the body it replaces, so a client holding that one revalidates.
    first = now if not stored else max(now, stored[1] + 1)
    cache.set(key, (etag, first), FIRST_SEEN_SECONDS)
    return first


def known_query_params(view) -> set[str]:
    """Query parameters that can change this view's answer: filters, pagination, QuerySerializer."""
    names = {api_settings.URL_FORMAT_OVERRIDE}
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        for name, declared in filterset_class.base_filters.items():
            suffixes = getattr(declared.field_class.widget, "suffixes", None) or [None]
            names.update(f"{name}_{suffix}" if suffix else name for suffix in suffixes)
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        names.update(
            filter(None, [getattr(paginator, "page_query_param", None), paginator.page_size_query_param])
        )
    query_serializer = getattr(view, "QuerySerializer", None)
    if query_serializer is not None:
        names.update(query_serializer().fields)
    names.discard(None)
    return names


def first_served_key(view, request, owner: str) -> str:
    """The cache key for this answer's first-served date: path plus known parameters only."""
    known = known_query_params(view)
    params = sorted(
        (name, value)
        for name in known & set(request.query_params)
        for value in request.query_params.getlist(name)
    )
    identity = f"{owner}|{request.path}?{urlencode(params)}"
    return "api-first-served:" + hashlib.sha256(identity.encode()).hexdigest()


class ConditionalGetMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        private = _private(self)
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
        owner = str(request.user.pk) if private else "public"
        last_modified = _first_served(first_served_key(self, request, owner), etag)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        if private:  # one user's answer: no shared cache may keep it
            patch_cache_control(response, no_cache=True, private=True)
            patch_vary_headers(response, ["Authorization", "Cookie"])
        else:
            patch_cache_control(response, no_cache=True)
        return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
