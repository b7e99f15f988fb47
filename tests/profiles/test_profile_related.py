"""Related researchers on the profile: people whose papers read most like this researcher's."""

from __future__ import annotations

import re

import pytest

from papers import embedding
from papers.models import Paper
from papers.services_embedding import author_centroids_refresh, papers_embed
from profiles.models import Institution
from tests.papers.builders import make_author, make_paper
from tests.papers.fakes import HashingEmbedder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_embeddings():
    previous = embedding.set_embedder(HashingEmbedder())
    yield
    embedding.set_embedder(previous)


def related_section(html: str) -> str:
    section = html[html.rindex("<section", 0, html.index('id="related"')) :]
    section = section[: section.index("</section>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)).strip()


def test_the_profile_shows_related_researchers_and_marks_coauthors(client):
    lab = Institution.objects.create(name="Preference Lab", slug="preference-lab")
    rita = make_author("Rita Reward")
    colleague = make_author("Carl Coauthor")
    stranger = make_author("Sam Similar", institution=lab)
    far = make_author("Gina Geometry")
    make_paper("Reward models from human preference pairs", authors=[rita, colleague])
    make_paper("Learning reward models from preference comparisons", authors=[stranger])
    make_paper("Convex hulls of sorted point sets in linear time", authors=[far])
    papers_embed(paper_ids=list(Paper.objects.values_list("pk", flat=True)))
    author_centroids_refresh()

    html = client.get(rita.get_absolute_url()).content.decode()
    text = related_section(html)
    assert text.startswith("Related researchers People working on similar things")
    assert "Carl Coauthor Co-author · 1 shared paper" in text
    assert "Sam Similar · Preference Lab Similar work" in text
    assert "Rita Reward" not in text.split("Ranked by")[0]  # never oneself
    assert text.index("Carl Coauthor") < text.index("Sam Similar")
    assert "Gina Geometry" not in text  # nearest, but nothing in common
    assert f'href="{stranger.get_absolute_url()}"' in html


def test_before_any_text_analysis_the_section_says_so(client):
    author = make_author("Not Embedded")
    make_paper("Some work", authors=[author])
    assert "No related researchers yet" in related_section(
        client.get(author.get_absolute_url()).content.decode()
    )
