"""Build papers, authors and topics for page tests, quickly (bulk inserts for big cases)."""

from __future__ import annotations

from itertools import count

from django.utils.text import slugify

from graph.services import edges_refresh
from papers.models import Authorship, Paper, PaperTopic, Topic
from papers.services import topic_for_category
from profiles.models import Author
from profiles.services import authors_refresh_counts
from tests.factories import AuthorFactory, PaperFactory

_serial = count(1)


def make_author(name: str, **fields) -> Author:
    slug = fields.pop("slug", None) or f"{slugify(name)}-{next(_serial)}"
    return AuthorFactory(display_name=name, slug=slug, alias=True, **fields)


def topic(code: str) -> Topic:
    """An arXiv topic: seeded by migration 0003, recreated if a transactional test flushed it."""
    return topic_for_category(code)


def make_paper(title: str, *, authors: list[Author] = (), topics: list[Topic] = (), **fields) -> Paper:
    paper = PaperFactory(title=title, slug=f"paper-{next(_serial)}", authors=authors, **fields)
    for position, item in enumerate(topics):
        PaperTopic.objects.create(
            paper=paper, topic=item, inferred=position > 0, score=None if not position else 0.5
        )
    return paper


def make_author_with_papers(
    works: int, *, name: str = "Grace Example", coauthors: int = 3, topic_codes=("cs.CL", "cs.LG", "cs.AI")
) -> Author:
    """An author with ``works`` papers (years spread over 2000-2024), each with ``coauthors``
    co-authors drawn from a pool of ten, and one to three topics; derived data refreshed."""
    author = make_author(name)
    pool = [make_author(f"{name} Coauthor {index}") for index in range(10)]
    topics = [topic(code) for code in topic_codes]
    serial = next(_serial)
    papers = Paper.objects.bulk_create(
        [
            Paper(
                title=f"{name} work {index}",
                slug=f"work-{serial}-{index}",
                year=2000 + index % 25,
                month=1 + index % 12,
                abstract=f"Abstract of work {index}, about $x^{index}$.",
                kind="preprint",
                source="arXiv",
                score=float(index % 50),
                primary_category=topics[index % len(topics)],
            )
            for index in range(works)
        ]
    )
    authorships, paper_topics = [], []
    for index, paper in enumerate(papers):
        authorships.append(Authorship(paper=paper, author=author, position=0, name_as_written=name))
        for offset in range(coauthors):
            other = pool[(index + offset) % len(pool)]
            authorships.append(
                Authorship(paper=paper, author=other, position=offset + 1, name_as_written=other.display_name)
            )
        for position in range(1 + index % len(topics)):
            paper_topics.append(
                PaperTopic(paper=paper, topic=topics[(index + position) % len(topics)], inferred=position > 0)
            )
    Authorship.objects.bulk_create(authorships)
    PaperTopic.objects.bulk_create(paper_topics)
    refresh([author, *pool])
    return author


def refresh(authors: list[Author]) -> None:
    """What the import follow-up task does: edges, counts and trust."""
    ids = [author.pk for author in authors]
    edges_refresh(author_ids=ids)
    authors_refresh_counts(author_ids=ids)
