"""Conditional GET for API reads: ETag and Last-Modified, answered with 304 when they match.

The ETag is a hash of the body, so it is right whatever changed (counts refreshed in bulk
do not touch ``updated_at``). Last-Modified is the time this exact body was first served
for this URL (and user, for private answers), remembered in the cache: a changed body gets
a later time, so If-Modified-Since is exact too. Answers say ``Cache-Control: no-cache``:
clients and proxies may store them but must revalidate, which costs a 304.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from rest_framework.permissions import AllowAny

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
        key = "api-first-served:" + hashlib.sha256(f"{owner}|{request.get_full_path()}".encode()).hexdigest()
        last_modified = _first_served(key, etag)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        if private:  # one user's answer: no shared cache may keep it
            patch_cache_control(response, no_cache=True, private=True)
            patch_vary_headers(response, ["Authorization", "Cookie"])
        else:
            patch_cache_control(response, no_cache=True)
        return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
