"""Author identity: one person, one profile; two people who share a name, two profiles."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Q

from curation.models import CurationItem
from identity import evidence as identity
from identity.models import AuthorIdentityLog, DistinctAuthorPair, IdentityDecision
from identity.services import author_create, authors_mark_different
from papers.models import Paper
from profiles.models import Author
from tests.ingest.helpers import import_file
from tests.profiles.identity_helpers import (  # noqa: F401 - fast_embedder is a fixture
    BIOLOGY,
    LANGUAGE,
    PHYSIOLOGY,
    STATISTICS,
    VISION,
    fast_embedder,
    import_records,
    make_paper,
    record,
)

SAMPLES = ["000", "001", "002", "003", "004"]
pytestmark = pytest.mark.usefixtures("fast_embedder")


def _live(block_key: str):
    return Author.objects.filter(merged_into=None, aliases__block_key=block_key).distinct()


# --- pure decisions ----------------------------------------------------------------------------


def _candidate(author_id, names, **fields):
    return identity.Candidate(author_id=author_id, names=tuple(names), **fields)


def test_an_identical_name_in_an_unrelated_field_is_a_new_author():
    mention = identity.Mention(name="Michael Jordan", topics=frozenset({"q-bio.TO"}), text=PHYSIOLOGY)
    other = _candidate(
        1, ["Michael Jordan"], topics=frozenset({"stat.ML"}), texts=(STATISTICS,) * 3, paper_count=3
    )
    decision = identity.decide(mention, [other])
    assert decision.action == "new" and decision.possible == ()
    assert "topics from unrelated fields" in decision.evidence[0].reasons


def test_a_shared_coauthor_makes_an_initial_enough():
    mention = identity.Mention(name="T. Hashimoto", coauthors=("Esin Durmus",), text=LANGUAGE)
    tatsunori = _candidate(1, ["Tatsunori B. Hashimoto"], coauthors=("Esin Durmus", "Percy Liang"))
    takeshi = _candidate(2, ["Takeshi Hashimoto"], coauthors=("Kenji Yamada",))
    decision = identity.decide(mention, [tatsunori, takeshi])
    assert (decision.action, decision.author_id) == ("match", 1)
    assert decision.evidence[0].components["coauthors"] > 0


def test_field_similarity_alone_does_not_tell_apart_people_with_a_common_name():
    mention = identity.Mention(name="Yang Liu", topics=frozenset({"cs.CL"}), text=LANGUAGE)
    other = _candidate(1, ["Yang Liu"], topics=frozenset({"cs.CL"}), texts=(LANGUAGE,))
    decision = identity.decide(mention, [other])
    assert decision.action == "new" and decision.possible == (1,)  # an admin is asked
    assert decision.evidence[0].components["topics"] == 0


def test_pairs_listed_on_one_paper_or_marked_different_are_never_merged():
    first = _candidate(1, ["Ada Lovelace"], coauthor_ids=frozenset({7, 8, 9}))
    second = _candidate(2, ["Ada Lovelace"], coauthor_ids=frozenset({7, 8, 9}))
    assert identity.pair_action(identity.score_pair(first, second)) == "merge"
    assert identity.pair_action(identity.score_pair(first, second, co_listed=1)) == "keep"
    assert identity.pair_action(identity.score_pair(first, second, distinct=True)) == "keep"


def test_clustering_scores_count_pairs_and_bcubed():
    gold = {"a": "x", "b": "x", "c": "y", "d": "y"}
    predicted = {"a": "1", "b": "1", "c": "1", "d": "2"}
    scores = identity.clustering_scores(gold, predicted)
    assert scores["pairwise_precision"] == pytest.approx(1 / 3)
    assert scores["pairwise_recall"] == pytest.approx(1 / 2)
    assert scores["bcubed_precision"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    assert scores["bcubed_recall"] == pytest.approx((1 + 1 + 0.5 + 0.5) / 4)


def test_identity_eval_command_prints_pairwise_and_bcubed_figures(capsys):
    call_command("identity_eval", "--errors")
    out = capsys.readouterr().out
    assert "pair P" in out and "B3 F1" in out
    line = next(row for row in out.splitlines() if row.startswith("all "))
    pairwise_precision, bcubed_f1 = float(line.split()[4]), float(line.split()[-1])
    assert pairwise_precision >= 0.99  # precision first: a wrong merge shows someone else's papers
    assert bcubed_f1 >= 0.98


# --- the resolver behind imports -----------------------------------------------------------------


@pytest.mark.django_db
def test_sample_dumps_give_one_hashimoto_whose_profile_lists_works_from_every_dump(
    client, django_capture_on_commit_callbacks, sample_dump
):
    batches = {
        prefix: import_file(django_capture_on_commit_callbacks, sample_dump(prefix)) for prefix in SAMPLES
    }

    (hashimoto,) = _live("hashimoto t")
    names = set(hashimoto.aliases.values_list("name", flat=True))
    assert {"Tatsunori Hashimoto", "Tatsunori B. Hashimoto"} <= names
    # 003 names nobody and none of its abstracts matches a paper: it holds none of his works.
    for prefix in ("000", "001", "002", "004"):
        assert Paper.objects.filter(
            authorships__author=hashimoto, import_records__batch=batches[prefix]
        ).exists()
    assert not Paper.objects.filter(import_records__batch=batches["003"]).exists()

    pages = ""
    for page in (1, 2):
        response = client.get(hashimoto.get_absolute_url(), {"page": page})
        assert response.status_code == 200
        pages += response.content.decode()
    for title in (
        "TempLM: Distilling Language Models into Template-Based Generators",  # 000 only
        "Coder Reviewer Reranking for Code Generation",  # 001, as Tatsunori B. Hashimoto
        "Robust Distortion-free Watermarks for Language Models",  # 001, as Tatsunori Hashimoto
        "AlpacaFarm: A Simulation Framework for Methods that Learn from Human Feedback",  # 000, 001, 002
        "Diffusion-LM Improves Controllable Text Generation",  # 000, 001, 004
    ):
        assert title in pages, title
    assert Author.objects.get(pk=hashimoto.pk).work_count == hashimoto.authorships.count() > 20

    # Every mention of him was decided with stated evidence.
    decisions = IdentityDecision.objects.filter(
        Q(author=hashimoto) | Q(author__merged_into=hashimoto), batch=batches["001"]
    ).exclude(action=IdentityDecision.Action.MERGED)
    assert decisions.count() == 18
    assert all(
        decision.reasons and decision.score is not None for decision in decisions.exclude(action="created")
    )


@pytest.mark.django_db
def test_identically_named_people_in_unrelated_fields_stay_apart(django_capture_on_commit_callbacks):
    import_records(
        django_capture_on_commit_callbacks,
        [
            record("Chromatin maps of the cortex", ["Wei Wang", "Sarah Thompson"], abstract=BIOLOGY,
                   category="q-bio.GN", institutions=["broad-institute"]),
            record("Michael Jordan on sprint physiology", ["Laura Bennett", "Michael Jordan"],
                   abstract=PHYSIOLOGY, category="q-bio.TO"),
        ],
    )  # fmt: skip
    second = import_records(
        django_capture_on_commit_callbacks,
        [
            record("Depth from monocular video", ["Lena Hartmann", "Wei Wang"], abstract=VISION,
                   category="cs.CV", institutions=["ucla"]),
            record("Variational inference for mixtures", ["Michael Jordan", "David Hale"],
                   abstract=STATISTICS, category="stat.ML"),
        ],
    )  # fmt: skip

    for name in ("Wei Wang", "Michael Jordan"):
        people = Author.objects.filter(display_name=name, merged_into=None)
        assert people.count() == 2, name
        papers = [set(person.authorships.values_list("paper__title", flat=True)) for person in people]
        assert len(papers[0] | papers[1]) == 2
        decision = IdentityDecision.objects.get(batch=second, name=name)
        assert decision.action == IdentityDecision.Action.CREATED
        assert any("unrelated fields" in reason for item in decision.evidence for reason in item["reasons"])
    assert not CurationItem.objects.filter(kind=CurationItem.Kind.POSSIBLE_DUPLICATE).exists()

    # A third Wei Wang paper with a co-author of the vision Wei Wang joins that one.
    import_records(
        django_capture_on_commit_callbacks,
        [
            record(
                "Optical flow with transformers",
                ["Wei Wang", "Lena Hartmann"],
                abstract=VISION,
                category="cs.CV",
            )
        ],
    )
    vision = Author.objects.get(
        authorships__paper__title="Depth from monocular video", display_name="Wei Wang"
    )
    assert vision.authorships.filter(paper__title="Optical flow with transformers").exists()


@pytest.mark.django_db
def test_initials_and_last_first_order_join_the_right_person(django_capture_on_commit_callbacks):
    import_records(
        django_capture_on_commit_callbacks,
        [record("Faithful summaries", ["Tatsunori B. Hashimoto", "Esin Durmus", "Faisal Ladhak"],
                abstract=LANGUAGE, category="cs.CL")],
    )  # fmt: skip
    import_records(
        django_capture_on_commit_callbacks,
        [
            record("Hallucination detectors", ["Esin Durmus", "T. Hashimoto"], abstract=LANGUAGE,
                   category="cs.CL"),
            record("Reference-free metrics", ["Faisal Ladhak", 'Hashimoto, Tatsunori'], abstract=LANGUAGE),
            record("Proton transfer in crystals", ["Kenji Yamada", "T. Hashimoto"],
                   abstract=PHYSIOLOGY, category="physics.chem-ph"),
        ],
    )  # fmt: skip
    tatsunori = Author.objects.get(display_name="Tatsunori B. Hashimoto")
    assert set(tatsunori.authorships.values_list("paper__title", flat=True)) == {
        "Faithful summaries",
        "Hallucination detectors",
        "Reference-free metrics",
    }
    assert {"T. Hashimoto", "Hashimoto, Tatsunori"} <= set(tatsunori.aliases.values_list("name", flat=True))
    chemist = Author.objects.get(
        authorships__paper__title="Proton transfer in crystals", display_name="T. Hashimoto"
    )
    assert chemist.pk != tatsunori.pk


@pytest.mark.django_db
def test_unclear_cases_get_a_new_author_and_a_curation_item_with_the_evidence(
    django_capture_on_commit_callbacks,
):
    import_records(
        django_capture_on_commit_callbacks,
        [record("Robust classification", ["Niladri S. Chatterji", "Saminul Haque"], abstract=LANGUAGE)],
    )
    batch = import_records(
        django_capture_on_commit_callbacks,
        [record("Benign overfitting", ["Philip Long", "Niladri Chatterji"], abstract=STATISTICS)],
    )
    assert Author.objects.filter(display_name__startswith="Niladri", merged_into=None).count() == 2
    item = CurationItem.objects.get(
        kind=CurationItem.Kind.POSSIBLE_DUPLICATE, status=CurationItem.Status.OPEN
    )
    assert {item.author.display_name, item.other_author.display_name} == {
        "Niladri Chatterji",
        "Niladri S. Chatterji",
    }
    assert item.batch == batch
    assert item.details["evidence"]["components"]["name"] > 0 and item.details["evidence"]["reasons"]
    decision = IdentityDecision.objects.get(batch=batch, name="Niladri Chatterji")
    assert decision.action == IdentityDecision.Action.UNSURE and decision.other_author == item.other_author

    # "Different people" is remembered: the same question is not asked again.
    authors_mark_different(author=item.author, other=item.other_author)
    import_records(
        django_capture_on_commit_callbacks,
        [record("Another bound", ["Niladri Chatterji", "Philip Long"], abstract=STATISTICS)],
    )
    assert not CurationItem.objects.filter(
        kind=CurationItem.Kind.POSSIBLE_DUPLICATE, status=CurationItem.Status.OPEN
    ).exists()


@pytest.mark.django_db
def test_resolve_authors_reports_then_merges_clear_pairs_and_moves_impossible_names(
    client, capsys, django_capture_on_commit_callbacks
):
    first, second = author_create(name="Ada Lovelace"), author_create(name="Ada Lovelace")
    colleagues = [
        author_create(name=name) for name in ("Charles Babbage", "Mary Somerville", "Luigi Menabrea")
    ]
    for index, colleague in enumerate(colleagues):
        make_paper(f"Engine notes {index}", [first, colleague], abstract=LANGUAGE)
        make_paper(f"Engine letters {index}", [colleague, second], abstract=LANGUAGE)
    lisa = author_create(name="Xiang Lisa Li")
    wrong = make_paper("Private fine-tuning", [lisa])
    wrong.authorships.update(name_as_written="Xuechen Li")  # what an older, looser rule did
    kept_apart = [author_create(name="Grace Hopper"), author_create(name="Grace Hopper")]
    for colleague in colleagues:
        make_paper(f"Compiler {colleague.pk}", [kept_apart[0], colleague])
        make_paper(f"Cobol {colleague.pk}", [colleague, kept_apart[1]])
    DistinctAuthorPair.objects.create(author_low=kept_apart[0], author_high=kept_apart[1])

    call_command("resolve_authors", "--dry-run")
    out = capsys.readouterr().out
    assert "would merge: “Ada Lovelace”" in out and "3 shared co-author(s)" in out
    assert "would move: 1 paper(s) written “Xuechen Li”" in out
    assert "Grace Hopper" not in out
    assert (
        Author.objects.filter(merged_into=None, display_name="Ada Lovelace").count() == 2
    )  # nothing changed

    with django_capture_on_commit_callbacks(execute=True):
        call_command("resolve_authors")
    assert "did merge" in capsys.readouterr().out
    survivor = Author.objects.get(display_name="Ada Lovelace", merged_into=None)
    assert survivor.pk == first.pk and survivor.authorships.count() == 6
    response = client.get(second.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == first.get_absolute_url()
    log = AuthorIdentityLog.objects.get(action="merge")
    assert log.automatic and log.actor is None and "shared co-author" in log.reason
    moved = Author.objects.get(authorships__paper=wrong)
    assert moved.display_name == "Xuechen Li" and not lisa.authorships.exists()
    assert Author.objects.filter(display_name="Grace Hopper", merged_into=None).count() == 2

    call_command("resolve_authors", "--dry-run")
    assert "nothing to change" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_migration_gives_existing_aliases_blocking_keys():
    import importlib

    from django.apps import apps

    from profiles.models import AuthorAlias

    migration = importlib.import_module("profiles.migrations.0003_author_identity")
    author = Author.objects.create(
        display_name="Gödel, Kurt", slug="godel-kurt", normalized_name="godel kurt"
    )
    AuthorAlias.objects.bulk_create(  # as rows written before the migration: no blocking key
        [AuthorAlias(author=author, name='G{\\"o}del, Kurt', normalized_name="g o del kurt")]
    )
    migration.backfill_name_keys(apps, None)
    alias = AuthorAlias.objects.get(author=author)
    assert (alias.block_key, alias.normalized_name) == ("godel k", "kurt godel")
    assert Author.objects.get(pk=author.pk).normalized_name == "kurt godel"


@pytest.mark.django_db
def test_a_paper_that_fits_two_profiles_of_one_person_merges_them_automatically(
    client, django_capture_on_commit_callbacks
):
    first, second = author_create(name="Ada Lovelace"), author_create(name="Ada Lovelace")
    colleagues = [
        author_create(name=name) for name in ("Charles Babbage", "Mary Somerville", "Luigi Menabrea")
    ]
    for index, colleague in enumerate(colleagues):
        make_paper(f"Engine notes {index}", [first, colleague])
        make_paper(f"Engine letters {index}", [colleague, second])

    batch = import_records(
        django_capture_on_commit_callbacks,
        [record("Sketch of the analytical engine", ["Ada Lovelace", "Charles Babbage"], abstract=LANGUAGE)],
    )

    (ada,) = Author.objects.filter(display_name="Ada Lovelace", merged_into=None)
    assert ada.pk == first.pk and ada.authorships.count() == 7
    merged = IdentityDecision.objects.get(action=IdentityDecision.Action.MERGED, batch=batch)
    assert (merged.author, merged.other_author) == (first, second)
    assert merged.score >= identity.AUTO_MERGE_THRESHOLD and "3 shared co-author(s)" in merged.reasons
    log = AuthorIdentityLog.objects.get(action="merge")
    assert log.automatic and log.data["evidence"]["components"]["coauthors"] > 0
    assert client.get(second.get_absolute_url()).status_code == 301
