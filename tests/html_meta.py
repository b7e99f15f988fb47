"""Read what crawlers read from a page: meta tags, link elements and JSON-LD blocks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class HeadData:
    meta: list[tuple[str, str]] = field(default_factory=list)  # (name or property, content)
    links: list[dict[str, str]] = field(default_factory=list)
    json_ld: list[str] = field(default_factory=list)  # raw text of each ld+json block
    scripts: list[dict[str, str]] = field(default_factory=list)  # every <script>'s attributes

    def values(self, name: str) -> list[str]:
        return [content for key, content in self.meta if key == name]

    def value(self, name: str) -> str | None:
        found = self.values(name)
        assert len(found) <= 1, f"{name} appears {len(found)} times"
        return found[0] if found else None

    def link(self, rel: str) -> list[dict[str, str]]:
        return [link for link in self.links if rel in link.get("rel", "").split()]

    def one_json_ld(self) -> dict:
        assert len(self.json_ld) == 1, self.json_ld
        return json.loads(self.json_ld[0])


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data = HeadData()
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag == "meta" and "content" in attributes:
            self.data.meta.append(
                (attributes.get("name") or attributes.get("property", ""), attributes["content"])
            )
        elif tag == "link":
            self.data.links.append(attributes)
        elif tag == "script":
            self.data.scripts.append(attributes)
            if attributes.get("type") == "application/ld+json":
                self._in_ld = True
                self.data.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.data.json_ld[-1] += data


def head_data(html: str) -> HeadData:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.data
