"""Fixtures for the API tests: clients per role, and a small research world built in bulk."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from rest_framework.test import APIClient

from api.services import api_token_create
from graph.services import edges_refresh
from papers import embedding
from papers.models import Authorship, Paper, PaperTopic, Topic
from profiles.models import Author, AuthorAlias, Institution
from profiles.services import authors_refresh_counts
from tests.conftest import clear_cache_keys
from tests.factories import AuthorFactory, UserFactory
from tests.papers.fakes import HashingEmbedder


@pytest.fixture(autouse=True)
def fake_embedder():
    """Imports embed new papers: a fast fake instead of loading the real model."""
    previous = embedding.set_embedder(HashingEmbedder())
    yield
    embedding.set_embedder(previous)


def clear_api_counters() -> None:
    """Forget first-served dates (they live in Redis, across tests); tests/conftest.py clears limits."""
    clear_cache_keys("api-first-served:*")


@pytest.fixture(autouse=True)
def _fresh_api_counters():
    clear_api_counters()
    yield
    clear_api_counters()


def make_user(django_user_model, name: str, *, verified: bool = True, staff: bool = False):
    return UserFactory(username=name, verified=verified, staff=staff)


def client_for(user=None, *, token: bool = True) -> APIClient:
    """A client acting as ``user`` (None: anonymous), by API token or by login session."""
    client = APIClient()
    if user is not None:
        if token:
            _, key = api_token_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        else:
            client.force_login(user)
    return client


@dataclass
class World:
    """One researcher with many papers, co-authors, a topic and an institution."""

    author: Author
    coauthors: list[Author]
    papers: list[Paper]
    topic: Topic
    institution: Institution
    stranger: Author  # no shared papers with anyone
    extra: dict = field(default_factory=dict)


def make_author(name: str, **fields) -> Author:
    return AuthorFactory(display_name=name, alias=True, **fields)


def build_world(*, papers: int = 30, coauthors: int = 5) -> World:
    """``papers`` papers by one author, each with two of the co-authors, in bulk."""
    institution = Institution.objects.create(name="Stanford University", slug="stanford")
    topic = Topic.objects.get_or_create(
        code="cs.CL", defaults={"name": "Computation and Language", "slug": "cs-cl"}
    )[0]
    author = make_author("Tatsunori B. Hashimoto", institution=institution, bio="Works on language models.")
    AuthorAlias.objects.create(
        author=author, name="Tatsunori Hashimoto", normalized_name="tatsunori hashimoto"
    )
    others = [make_author(f"Coauthor {chr(65 + index)}. Person") for index in range(coauthors)]
    rows = [
        Paper(
            title=f"Paper number {index}: language & models",
            normalized_title=f"paper number {index} language models",
            slug=f"paper-number-{index}",
            abstract=f"We study $p(x|y)$ for case {index}. Results at 100% accuracy.",
            year=2000 + index % 25,
            month=(index % 12) + 1,
            kind="preprint",
            source="arXiv",
            arxiv_id=f"2301.{index:05d}",
            primary_category=topic,
            score=float(index),
        )
        for index in range(papers)
    ]
    Paper.objects.bulk_create(rows)
    created = list(Paper.objects.filter(slug__startswith="paper-number-").order_by("pk"))
    authorships, topics = [], []
    for index, paper in enumerate(created):
        team = [author, others[index % coauthors], others[(index + 1) % coauthors]]
        authorships += [
            Authorship(paper=paper, author=person, position=position, name_as_written=person.display_name)
            for position, person in enumerate(team)
        ]
        topics.append(PaperTopic(paper=paper, topic=topic))
    Authorship.objects.bulk_create(authorships)
    PaperTopic.objects.bulk_create(topics)
    stranger = make_author("Lonely Stranger")
    everyone = [author.pk, *[other.pk for other in others], stranger.pk]
    edges_refresh(author_ids=everyone)
    authors_refresh_counts(author_ids=everyone)
    author.refresh_from_db()
    return World(author=author, coauthors=others, papers=created, topic=topic, institution=institution,
                 stranger=stranger)  # fmt: skip


@pytest.fixture
def world(db) -> World:
    return build_world()
