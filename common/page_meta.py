"""What a page tells crawlers about itself: canonical URL, OpenGraph, Highwire tags, JSON-LD (pure).

``templates/includes/page_meta.html`` renders a ``PageMeta``. The JSON-LD is written into a
``<script type="application/ld+json">`` data block, so ``<``, ``>`` and ``&`` are escaped
as JSON unicode escapes (as Django's ``json_script`` does): text such as ``</script>`` in an
imported title can never close the block, and the JSON still decodes to the same text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

SITE_NAME = "Researcher profiles"
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_for_script(data) -> SafeString:
    """JSON text that is safe inside a ``<script>`` element and decodes to ``data``."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308


def one_line(text: str, *, limit: int = 0) -> str:
    """Whitespace collapsed; cut at a word boundary with an ellipsis when longer than ``limit``."""
    text = " ".join((text or "").split())
    if limit and len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


@dataclass(frozen=True)
class PageMeta:
    canonical_url: str
    title: str
    description: str
    og_type: str  # "article", "profile", "website"
    json_ld: dict
    # Highwire Press tags (``citation_*``) as (name, content) pairs, repeated names allowed.
    highwire: list[tuple[str, str]] = field(default_factory=list)

    @property
    def json_ld_text(self) -> SafeString:
        return json_for_script(self.json_ld)
