"""The soak's visitors (`make soak`, bin/soak): anonymous people browsing what the site shows.

Each simulated visitor reads the site's own lists once (via the API) to learn real slugs, then
opens profiles, papers, topics, search and the graph with think time between pages. Requests
are grouped by page kind (`name=`), so the summary gives one p50/p95 per kind of page.
"""

from __future__ import annotations

import random
import re

from locust import HttpUser, between, task

NEXT_LINK = re.compile(r'href="\?after=(\d+)')
SEARCH_WORDS = ["learning", "graph", "neural", "language", "robust", "data", "vision", "model"]


class Visitor(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.list_next = ""
        self.authors = self._slugs("/api/v1/authors/?page_size=100&ordering=-works", "authors")
        self.papers = self._slugs("/api/v1/papers/?page_size=100", "papers")
        self.topics = self._slugs("/api/v1/topics/?page_size=100", "topics")
        names = [slug.replace("-", " ") for slug in self.authors]
        self.queries = SEARCH_WORDS + [name.split()[-1] for name in names if name.split()]

    def _slugs(self, url: str, name: str) -> list[str]:
        with self.client.get(url, name=f"api: {name} list", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{url} answered {response.status_code}")
                return []
            return [row["slug"] for row in response.json()["results"] if row.get("slug")]

    def _pick(self, items: list[str]) -> str | None:
        return random.choice(items) if items else None

    @task(2)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(2)
    def author_list(self) -> None:
        # The list pages by keyset (?after=<id>): a visitor follows the "Next" links it was shown.
        response = self.client.get(f"/authors/{self.list_next}", name="authors list")
        found = NEXT_LINK.search(response.text or "") if response.status_code == 200 else None
        self.list_next = f"?after={found.group(1)}" if found and random.random() < 0.7 else ""

    @task(6)
    def profile(self) -> None:
        if slug := self._pick(self.authors):
            self.client.get(f"/authors/{slug}/", name="profile")

    @task(5)
    def paper(self) -> None:
        if slug := self._pick(self.papers):
            self.client.get(f"/papers/{slug}/", name="paper")

    @task(2)
    def topic(self) -> None:
        if slug := self._pick(self.topics):
            self.client.get(f"/topics/{slug}/", name="topic")

    @task(4)
    def search(self) -> None:
        self.client.get("/search", params={"q": self._pick(self.queries)}, name="search")

    @task(2)
    def graph_explorer(self) -> None:
        if slug := self._pick(self.authors):
            self.client.get(f"/graph/?focus={slug}", name="graph explorer")

    @task(3)
    def graph_slice(self) -> None:
        if slug := self._pick(self.authors):
            self.client.get(f"/api/v1/graph/authors/{slug}/slice/", name="graph slice (json)")

    @task(1)
    def graph_path(self) -> None:
        if len(self.authors) >= 2:
            source, target = random.sample(self.authors, 2)
            self.client.get(
                "/api/v1/graph/path/", params={"source": source, "target": target}, name="graph path (json)"
            )
