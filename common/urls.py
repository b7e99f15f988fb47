"""Paths of slug-addressed pages without a full ``reverse`` per link.

A profile or a paper list links dozens of people and papers; Django's ``reverse`` costs tens of
microseconds a call (resolver, script prefix and language lookups), which added up to a sixth
of a profile page's time. The path of each view is reversed once per process with a
placeholder, and every later link only puts the slug in. Slugs hold only ``[-a-zA-Z0-9_]``
(``SlugField``), so they need no quoting. One process serves one script prefix.
"""

from __future__ import annotations

from functools import cache

from django.urls import reverse

_PLACEHOLDER = "0slug0"  # matches the slug converter and appears in no route


@cache
def _pattern(viewname: str) -> str:
    return reverse(viewname, kwargs={"slug": _PLACEHOLDER})


def slug_path(viewname: str, slug: str) -> str:
    """``reverse(viewname, kwargs={"slug": slug})`` for a view taking just a slug."""
    return _pattern(viewname).replace(_PLACEHOLDER, slug)
