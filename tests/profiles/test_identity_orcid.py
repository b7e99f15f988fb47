"""ORCID iDs in identity: a shared iD is the same person, two different iDs are two people."""

from __future__ import annotations

import math

import pytest

from identity import evidence as identity
from identity.models import IdentityDecision
from identity.services import author_create
from identity.services_resolve import pair_evidence, pair_reconsider
from papers.models import Authorship
from profiles.models import Author
from tests.profiles.identity_helpers import (  # noqa: F401 - fast_embedder is a fixture
    LANGUAGE,
    PHYSIOLOGY,
    STATISTICS,
    fast_embedder,
    import_records,
    make_paper,
    record,
)

pytestmark = pytest.mark.usefixtures("fast_embedder")

ORCID_A = "0000-0002-1825-0097"
ORCID_B = "0000-0002-1694-233X"


def _candidate(author_id, names, **fields):
    return identity.Candidate(author_id=author_id, names=tuple(names), **fields)


def with_orcids(item: dict, orcids: list[str | None]) -> dict:
    return item | {"author_ids": [{"orcid": orcid} if orcid else {} for orcid in orcids]}


# --- pure decisions ----------------------------------------------------------------------------


def test_a_shared_orcid_decides_even_against_unrelated_fields():
    # Initial only, unrelated field, no co-author: without the iD this is a new author.
    mention = identity.Mention(
        name="M. Jordan", topics=frozenset({"q-bio.TO"}), text=PHYSIOLOGY, orcid=ORCID_A
    )
    jordan = _candidate(
        1, ["Michael Jordan"], topics=frozenset({"stat.ML"}), texts=(STATISTICS,) * 3, paper_count=3
    )
    assert identity.decide(identity.Mention(name="M. Jordan", text=PHYSIOLOGY), [jordan]).action == "new"
    decision = identity.decide(mention, [_candidate(**{**jordan.__dict__, "orcids": frozenset({ORCID_A})})])
    assert (decision.action, decision.author_id) == ("match", 1)
    assert decision.reasons[0] == f"same ORCID iD {ORCID_A}"


def test_two_different_orcids_are_two_people_whatever_else_fits():
    mention = identity.Mention(
        name="Tatsunori Hashimoto", coauthors=("Esin Durmus", "Percy Liang"), text=LANGUAGE, orcid=ORCID_B
    )
    same_everything = _candidate(
        1,
        ["Tatsunori Hashimoto"],
        coauthors=("Esin Durmus", "Percy Liang"),
        texts=(LANGUAGE,) * 3,
        paper_count=3,
        is_subject=True,
        orcids=frozenset({ORCID_A}),
    )
    decision = identity.decide(mention, [same_everything])
    assert decision.action == "new" and decision.possible == ()
    assert decision.evidence[0].reasons == (f"different ORCID iDs: {ORCID_B} here, {ORCID_A} theirs",)


def test_pair_scoring_merges_a_shared_orcid_and_never_two_different_ones():
    first = _candidate(1, ["Ana Silva"], coauthor_ids=frozenset({7, 8, 9}), orcids=frozenset({ORCID_A}))
    twin = _candidate(2, ["Ana Silva"], coauthor_ids=frozenset({7, 8, 9}), orcids=frozenset({ORCID_B}))
    initial_only = _candidate(3, ["A. Silva"], orcids=frozenset({ORCID_A}))
    assert identity.pair_action(identity.score_pair(first, initial_only)) == "merge"
    different = identity.score_pair(first, twin)
    assert different.score == -math.inf and identity.pair_action(different) == "keep"
    assert "different ORCID iDs" in different.reasons[0]


# --- through imports ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_same_name_with_two_orcids_gives_two_profiles_each_with_its_id(django_capture_on_commit_callbacks):
    batch = import_records(
        django_capture_on_commit_callbacks,
        [
            with_orcids(
                record(
                    "Faithful summaries", ["Ana Silva", "Esin Durmus"], abstract=LANGUAGE, category="cs.CL"
                ),
                [ORCID_A, None],
            ),
            with_orcids(
                record(
                    "Hallucination detectors",
                    ["Esin Durmus", "Ana Silva"],
                    abstract=LANGUAGE,
                    category="cs.CL",
                ),
                [None, ORCID_B],
            ),
        ],
    )
    assert batch.failed_count == 0
    people = Author.objects.filter(display_name="Ana Silva", merged_into=None).order_by("orcid")
    assert [(person.orcid, person.orcid_source) for person in people] == [
        (ORCID_B, "import"),
        (ORCID_A, "import"),
    ]
    assert set(Authorship.objects.filter(name_as_written="Ana Silva").values_list("orcid", flat=True)) == {
        ORCID_A,
        ORCID_B,
    }
    # Esin Durmus, who has no iD, is still one person.
    assert Author.objects.filter(display_name="Esin Durmus").count() == 1
    decision = IdentityDecision.objects.filter(name="Ana Silva").order_by("-pk").first()
    assert decision.action == IdentityDecision.Action.CREATED
    assert any("different ORCID iDs" in reason for item in decision.evidence for reason in item["reasons"])


@pytest.mark.django_db
def test_a_shared_orcid_joins_a_name_written_differently(django_capture_on_commit_callbacks):
    import_records(
        django_capture_on_commit_callbacks,
        [
            with_orcids(
                record("Faithful summaries", ["Ana Silva"], abstract=LANGUAGE, category="cs.CL"), [ORCID_A]
            )
        ],
    )
    import_records(
        django_capture_on_commit_callbacks,
        [
            with_orcids(
                record(
                    "Sprint physiology",
                    ["Laura Bennett", "A. M. Silva"],
                    abstract=PHYSIOLOGY,
                    category="q-bio.TO",
                ),
                [None, ORCID_A],
            )
        ],
    )
    ana = Author.objects.get(orcid=ORCID_A)
    assert set(ana.authorships.values_list("paper__title", flat=True)) == {
        "Faithful summaries",
        "Sprint physiology",
    }
    assert Author.objects.filter(aliases__name="A. M. Silva").distinct().count() == 1


@pytest.mark.django_db
def test_an_admin_orcid_is_never_replaced_by_an_import(django_capture_on_commit_callbacks):
    admin_set = author_create(name="Ana Silva")
    Author.objects.filter(pk=admin_set.pk).update(orcid=ORCID_A, orcid_source="admin")
    import_records(
        django_capture_on_commit_callbacks,
        [with_orcids(record("Faithful summaries", ["Ana Silva"], abstract=LANGUAGE), [ORCID_B])],
    )
    admin_set.refresh_from_db()
    assert (admin_set.orcid, admin_set.orcid_source) == (ORCID_A, "admin")
    assert not admin_set.authorships.exists()
    assert Author.objects.get(orcid=ORCID_B).authorships.get().paper.title == "Faithful summaries"


@pytest.mark.django_db
def test_existing_authors_with_one_orcid_merge_and_with_two_never_do():
    first, second, third = (author_create(name=name) for name in ("Ana Silva", "A. Silva", "Ana Silva"))
    shared = [author_create(name=name) for name in ("Esin Durmus", "Percy Liang", "Diyi Yang")]
    for author in (first, second, third):
        make_paper(f"Paper of {author.pk}", [author, *shared], abstract=LANGUAGE)
    Authorship.objects.filter(author=first).update(orcid=ORCID_A)
    Author.objects.filter(pk=second.pk).update(orcid=ORCID_A, orcid_source="import")
    Author.objects.filter(pk=third.pk).update(orcid=ORCID_B, orcid_source="import")

    assert identity.pair_action(pair_evidence(first.pk, third.pk)) == "keep"
    assert pair_reconsider(first.pk, third.pk) is None
    survivor = pair_reconsider(first.pk, second.pk)
    assert survivor is not None
    assert set(
        Author.objects.filter(merged_into=None, aliases__name__contains="Silva").values_list("pk", flat=True)
    ) == {
        survivor.pk,
        third.pk,
    }


@pytest.mark.django_db
def test_an_orcid_the_owner_typed_does_not_pull_anothers_papers_onto_their_profile(
    django_capture_on_commit_callbacks,
):
    # A hostile owner types the real Ana Silva's iD on an unrelated profile of another name.
    hostile = author_create(name="Mallory Jones")
    Author.objects.filter(pk=hostile.pk).update(orcid=ORCID_A, orcid_source="owner")
    import_records(
        django_capture_on_commit_callbacks,
        [with_orcids(record("Faithful summaries", ["Ana Silva"], abstract=LANGUAGE), [ORCID_A])],
    )
    assert not hostile.authorships.exists()
    assert Authorship.objects.get(paper__title="Faithful summaries").author.display_name == "Ana Silva"
