"""Topics: stated vs inferred, up to three by similarity, and author topic weights."""

from __future__ import annotations

import numpy as np
import pytest

from papers.models import Authorship, Paper, PaperTopic, Topic
from papers.selectors import author_topics_weighted
from papers.services_embedding import papers_assign_topics, papers_embed, topics_embed
from papers.topics import NOT_INFERRED, author_topic_weights, infer_topics, topic_embedding_text
from profiles.models import Author


def test_infer_topics_keeps_the_best_and_close_runners_up_only():
    topic_vectors = np.array([[1.0, 0, 0], [0.95, 0.31, 0], [0.9, 0, 0.44], [0, 1.0, 0], [0.96, 0.28, 0]])
    choices = infer_topics([1.0, 0, 0], [10, 11, 12, 13, 14], topic_vectors, threshold=0.5, max_gap=0.08)
    assert [choice.topic_id for choice in choices] == [10, 14, 11]  # at most three, best first
    assert choices[0].score == pytest.approx(1.0)
    lonely = infer_topics([0, 0, 1.0], [10, 13], np.array([[1.0, 0, 0], [0, 1.0, 0]]), threshold=0.5)
    assert len(lonely) == 1  # nothing passes the threshold: the best topic still


def test_author_topic_weights_share_each_paper_between_its_topics():
    rows = [
        (1, 100, False, None),  # paper 1: stated topic 100
        (2, 100, True, 0.3),  # paper 2: inferred 100 and 200, equally close
        (2, 200, True, 0.3),
        (3, 300, True, 0.0),  # an inferred topic with no similarity counts for nothing
    ]
    weights = dict(author_topic_weights(rows))
    assert weights[100] == pytest.approx(0.75)
    assert weights[200] == pytest.approx(0.25)
    assert 300 not in weights
    assert author_topic_weights([]) == []


def test_topic_text_adds_typical_words():
    text = topic_embedding_text("cs.CR", "Cryptography and Security", "Attacks and defences.")
    assert text.startswith("Cryptography and Security. Attacks and defences.") and "jailbreaks" in text


@pytest.mark.django_db
def test_stated_topics_stay_and_others_are_inferred_and_marked(seeded_topics):
    crypto = Topic.objects.get(code="cs.CR")
    stated = Paper.objects.create(
        title="Side channels", abstract="Timing attacks on ciphers.", slug="a", primary_category=crypto
    )
    PaperTopic.objects.create(paper=stated, topic=crypto)
    unstated = Paper.objects.create(
        title="Jailbreak prompts", abstract="Adversarial prompts and privacy attacks on models.", slug="b"
    )
    papers_embed()
    topics_embed()
    assert papers_assign_topics() == 1

    assert list(stated.paper_topics.values_list("topic__code", "inferred")) == [("cs.CR", False)]
    inferred = list(unstated.paper_topics.order_by("-score"))
    assert 1 <= len(inferred) <= 3 and all(item.inferred and item.score is not None for item in inferred)
    assert inferred[0].topic.code == "cs.CR"
    assert not {item.topic.code for item in inferred} & NOT_INFERRED

    # The source later states a category: the inferred guesses give way to it.
    learning = Topic.objects.get(code="cs.LG")
    PaperTopic.objects.update_or_create(paper=unstated, topic=learning, defaults={"inferred": False})
    papers_assign_topics(paper_ids=[unstated.pk])
    assert list(unstated.paper_topics.values_list("topic__code", "inferred")) == [("cs.LG", False)]


@pytest.mark.django_db
def test_author_topics_are_weighted_by_their_papers(seeded_topics):
    author = Author.objects.create(display_name="Ada Example", slug="ada", normalized_name="ada example")
    language, learning = Topic.objects.get(code="cs.CL"), Topic.objects.get(code="cs.LG")
    for index in range(3):
        paper = Paper.objects.create(title=f"Paper {index}", slug=f"w{index}")
        Authorship.objects.create(paper=paper, author=author, position=0, name_as_written="Ada Example")
        PaperTopic.objects.create(paper=paper, topic=language)
        if index == 0:
            PaperTopic.objects.create(paper=paper, topic=learning, inferred=True, score=0.4)
    weighted = author_topics_weighted(author=author)
    assert [topic.code for topic, _ in weighted] == ["cs.CL", "cs.LG"]
    assert sum(share for _, share in weighted) == pytest.approx(1.0)
    assert weighted[0][1] > 0.8
