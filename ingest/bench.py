"""Bulk-loading a stored corpus for ``manage.py bench_ingest``: authorships already in the
database, so that the import rate is measured against a realistic author table."""

from __future__ import annotations

import random

from django.db import transaction

from common.text import normalize_key
from identity.names import name_key, parse_name
from ingest.formats import synth
from papers.models import Authorship, Paper
from profiles.models import Author, AuthorAlias

ROWS_PER_INSERT = 5000


@transaction.atomic
def corpus_preload(*, authorships: int, seed: int) -> int:
    """Store papers with arXiv-shaped author lists until about ``authorships`` rows are added.

    People are drawn like the benchmark's (same name frequencies), so their blocks overlap the
    imported names; each person is one author with one alias. Returns the authorships added.
    """
    rng = random.Random(seed)
    people = synth.arxiv_people(rng, max(200, authorships // 5))
    tag = f"p{seed}-{Paper.objects.count()}"
    authors = [
        Author(display_name=name, slug=f"{tag}-author-{index}", normalized_name=name_key(name)[:300])
        for index, name in enumerate(people)
    ]
    Author.objects.bulk_create(authors, batch_size=ROWS_PER_INSERT)
    AuthorAlias.objects.bulk_create(
        [
            AuthorAlias(
                author=author,
                name=author.display_name,
                normalized_name=author.normalized_name,
                block_key=parse_name(author.display_name).block_key[:300],
            )
            for author in authors
        ],
        batch_size=ROWS_PER_INSERT,
    )
    community_size = 40
    added = 0
    index = 0
    while added < authorships:
        papers, lists = [], []
        while len(papers) < ROWS_PER_INSERT and added < authorships:
            count = synth.arxiv_author_count(rng)
            base = int(rng.random() * (len(authors) // community_size)) * community_size
            members = {
                (base + min(int(rng.paretovariate(0.8)) - 1, community_size - 1)) % len(authors)
                if rng.random() < 0.85
                else int(rng.random() * len(authors))
                for _ in range(count)
            }
            title = f"Stored paper {tag} {index}"
            papers.append(
                Paper(
                    title=title,
                    normalized_title=normalize_key(title)[:500],
                    slug=f"{tag}-{index}",
                    abstract="A paper stored before the benchmark.",
                    year=2015 + index % 10,
                )
            )
            lists.append(sorted(members))
            added += len(members)
            index += 1
        Paper.objects.bulk_create(papers, batch_size=ROWS_PER_INSERT)
        Authorship.objects.bulk_create(
            [
                Authorship(
                    paper=paper,
                    author=authors[member],
                    position=position,
                    name_as_written=authors[member].display_name,
                )
                for paper, members in zip(papers, lists, strict=True)
                for position, member in enumerate(members)
            ],
            batch_size=ROWS_PER_INSERT,
        )
    return added
