"""Build small research graphs in the test database, through the real edge refresh."""

from __future__ import annotations

from itertools import count

from graph.services import edges_refresh
from papers.models import Authorship, Paper, PaperTopic, Topic
from profiles.models import Author, Institution

_serial = count()


def author(name: str, *, institution: Institution | None = None) -> Author:
    slug = name.lower().replace(" ", "-").replace(".", "")
    return Author.objects.create(
        display_name=name, slug=slug, normalized_name=name.lower(), institution=institution
    )


def institution(name: str) -> Institution:
    return Institution.objects.create(name=name, slug=name.lower().replace(" ", "-"))


def topic(code: str, name: str) -> Topic:
    found = Topic.objects.filter(code=code).first()
    return found or Topic.objects.create(code=code, name=name, slug=code.lower().replace(".", "-"))


def paper(
    title: str,
    authors: list[Author],
    *,
    year: int | None = 2022,
    topics: tuple[Topic, ...] = (),
    inferred: tuple[Topic, ...] = (),
    affiliations: dict[Author, list[Institution]] | None = None,
) -> Paper:
    created = Paper.objects.create(title=title, slug=f"paper-{next(_serial)}", year=year)
    for position, person in enumerate(authors):
        authorship = Authorship.objects.create(
            paper=created, author=person, position=position, name_as_written=person.display_name
        )
        if affiliations and person in affiliations:
            authorship.institutions.set(affiliations[person])
    for item in topics:
        PaperTopic.objects.create(paper=created, topic=item, inferred=False)
    for item in inferred:
        PaperTopic.objects.create(paper=created, topic=item, inferred=True, score=0.7)
    return created


def refresh(*authors: Author) -> None:
    edges_refresh(author_ids=[person.pk for person in authors])


def small_world() -> dict:
    """Ada and her circle: two close collaborators, one occasional one, papers, topics, places.

    Eve is connected to Ada only through Bob (a two-hop path); Zed is not connected at all.
    """
    stanford, cmu = institution("Stanford"), institution("CMU")
    ada = author("Ada Lovelace", institution=stanford)
    bob, cy, dan = author("Bob Babbage"), author("Cy Clarke"), author("Dan Dijkstra")
    eve, zed = author("Eve Easley"), author("Zed Zuse")
    learning, language = topic("cs.LG", "Machine Learning"), topic("cs.CL", "Computation and Language")
    papers = [
        paper("Engines of Thought", [ada, bob, cy], year=2019, topics=(learning,), affiliations={bob: [cmu]}),
        paper("Notes on Engines", [ada, bob], year=2021, topics=(learning,), inferred=(language,)),
        paper("Counting <Machines>", [ada, cy], year=2023, topics=(language,)),
        paper("A Lone Letter", [ada, dan], year=None),
        paper("Bob and Eve", [bob, eve], year=2020),
        paper("Zed Alone", [zed], year=2018),
    ]
    refresh(ada, bob, cy, dan, eve, zed)
    return {
        "ada": ada,
        "bob": bob,
        "cy": cy,
        "dan": dan,
        "eve": eve,
        "zed": zed,
        "stanford": stanford,
        "cmu": cmu,
        "learning": learning,
        "language": language,
        "papers": papers,
    }


def big_author(
    *, papers: int = 200, collaborators: int = 300, topics: int = 20, institutions: int = 10
) -> Author:
    """An author with many papers, collaborators, topics and institutions, made with bulk inserts."""
    tag = next(_serial)
    places = Institution.objects.bulk_create(
        [Institution(name=f"Place {tag}-{i}", slug=f"place-{tag}-{i}") for i in range(institutions)]
    )
    focus = Author.objects.create(
        display_name=f"Busy Author {tag}",
        slug=f"busy-author-{tag}",
        normalized_name=f"busy author {tag}",
        institution=places[0],
    )
    people = Author.objects.bulk_create(
        [
            Author(
                display_name=f"Co Author {tag}-{i}",
                slug=f"co-author-{tag}-{i}",
                normalized_name=f"co author {tag}-{i}",
                institution=places[i % institutions],
            )
            for i in range(collaborators)
        ]
    )
    subjects = Topic.objects.bulk_create(
        [Topic(code=f"x.T{tag}-{i}", name=f"Topic {tag}-{i}", slug=f"topic-{tag}-{i}") for i in range(topics)]
    )
    works = Paper.objects.bulk_create(
        [Paper(title=f"Work {tag}-{i}", slug=f"work-{tag}-{i}", year=2000 + i % 25) for i in range(papers)]
    )
    authorships = []
    for i, work in enumerate(works):
        authorships.append(
            Authorship(paper=work, author=focus, position=0, name_as_written=focus.display_name)
        )
        for offset in range(3):
            other = people[(i * 3 + offset) % collaborators]
            authorships.append(
                Authorship(paper=work, author=other, position=offset + 1, name_as_written=other.display_name)
            )
    authorships = Authorship.objects.bulk_create(authorships)
    links = Authorship.institutions.through
    links.objects.bulk_create(
        [
            links(authorship_id=item.pk, institution_id=places[index % institutions].pk)
            for index, item in enumerate(authorships)
        ]
    )
    PaperTopic.objects.bulk_create(
        [PaperTopic(paper=work, topic=subjects[i % topics]) for i, work in enumerate(works)]
    )
    edges_refresh(author_ids=[focus.pk, *(person.pk for person in people)])
    return focus
