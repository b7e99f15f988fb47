"""Profile pages as anonymous visitors see them, cached whole for a short while.

Most profile views come from people who are not signed in, and they all get the same page for
the same author and the same filters. Such a page is kept in the cache under the author's
generation token (``common.cache_generations.PROFILE_PAGES``): any change that names the author
(an import, a merge, a follow, a claim, an edit) and every refresh of their counts or trust
replaces the token once it commits, so the next visitor gets a fresh page. The time limit
(``PROFILE_PAGE_CACHE_SECONDS``) bounds what a change made outside those paths (a raw SQL
fix, an admin edit of a co-author's paper) can leave on view.

Never cached: signed-in visitors (their page carries follow buttons, owner controls and a CSRF
token), requests with messages waiting to be shown, query strings other than the page's own
filters with the values the page would have chosen (so nobody can fill the cache with junk
keys or with a page that echoes their parameters back to others), and responses that set a
cookie or carry a form token.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from common.cache_generations import PROFILE_PAGES

PAGE_FORMAT = 1  # bump when the page's markup changes in a way old entries must not survive
FILTERS = ("sort", "topic", "year", "per_page", "page")  # the only parameters the page reads
HEADER = "X-Page-Cache"  # "hit" or "miss": what the operator sees in a response


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method != "GET" or settings.PROFILE_PAGE_CACHE_SECONDS <= 0 or request.user.is_authenticated:
        return False
    if any(key not in FILTERS or len(request.GET.getlist(key)) != 1 for key in request.GET):
        return False
    return not len(messages.get_messages(request))


def _key(request: HttpRequest, author_id: int) -> str:
    query = urlencode([(key, request.GET[key]) for key in FILTERS if key in request.GET])
    digest = hashlib.sha256(f"{request.get_host()}|{request.path}|{query}".encode()).hexdigest()[:24]
    return f"profile:page:{PAGE_FORMAT}:{author_id}:{PROFILE_PAGES.token(author_id)}:{digest}"


def page_cached(request: HttpRequest, *, author_id: int) -> HttpResponse | None:
    """The cached page for this anonymous request, or None (render it, then ``page_store``)."""
    if not _cacheable_request(request):
        return None
    request.profile_page_key = _key(request, author_id)
    stored = cache.get(request.profile_page_key)
    if stored is None:
        return None
    content_type, body = stored
    response = HttpResponse(body, content_type=content_type)
    response[HEADER] = "hit"
    return response


def page_store(request: HttpRequest, response: HttpResponse, *, chosen: dict[str, str]) -> HttpResponse:
    """Keep a freshly rendered page when it is the same for every anonymous visitor.

    ``chosen`` holds the filter values the page settled on: a request whose raw parameters
    differ (``?page=999``, ``?topic=nonsense``) is answered but not kept.
    """
    key = getattr(request, "profile_page_key", None)
    if key is None or response.status_code != 200 or response.cookies:
        return response
    if any(request.GET[name] != chosen.get(name) for name in request.GET):
        return response
    body = response.content
    if b"csrfmiddlewaretoken" in body:
        return response  # a form token belongs to one visitor
    cache.set(key, (response["Content-Type"], body), settings.PROFILE_PAGE_CACHE_SECONDS)
    response[HEADER] = "miss"
    return response
