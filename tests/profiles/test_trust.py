"""The trust formula (profiles.trust, documented in docs/trust.md) and its cached refresh."""

from __future__ import annotations

import pytest

from profiles import trust
from profiles.trust import TrustInputs, label_for, trust_compute


def _component(result, key):
    return next(component for component in result.components if component.key == key)


def test_a_bare_imported_record_scores_only_its_verification_floor():
    result = trust_compute(TrustInputs())
    assert result.score == 5
    assert result.label == "Unverified"
    assert result.level == 1
    assert [c.key for c in result.components] == [
        "verification",
        "sources",
        "publications",
        "collaborators",
        "completeness",
        "followers",
        "disputes",
    ]


def test_the_maximum_of_every_component_adds_up_to_exactly_100():
    maxima = sum(c.max_points for c in trust_compute(TrustInputs()).components)
    assert maxima == 100
    everything = TrustInputs(
        verification_level=3,
        claim_status="claimed",
        corroborating_sources=10,
        works=50,
        verified_collaborators=10,
        close_collaborators=10,
        filled_fields=frozenset(trust.COMPLETENESS_FIELDS),
        orcid_source="import",
        followers=40,
    )
    result = trust_compute(everything)
    assert result.score == 100
    assert result.label == "Trusted"
    assert all(c.how_to_raise.startswith("Already") or c.key == "disputes" for c in result.components)


@pytest.mark.parametrize(("level", "points"), [(1, 5), (2, 20), (3, 30)])
def test_verification_points_per_level(level, points):
    component = _component(trust_compute(TrustInputs(verification_level=level)), "verification")
    assert component.points == points
    assert component.detail.startswith(f"L{level}")


@pytest.mark.parametrize(("sources", "points"), [(0, 0), (1, 5), (2, 10), (3, 15), (7, 15)])
def test_corroborating_sources_are_worth_five_each_up_to_fifteen(sources, points):
    component = _component(trust_compute(TrustInputs(corroborating_sources=sources)), "sources")
    assert component.points == points
    assert f"{sources} imported source" in component.detail


@pytest.mark.parametrize(("works", "points"), [(0, 0), (1, 2), (5, 10), (10, 20), (200, 20)])
def test_publication_record_is_two_points_a_work_up_to_twenty(works, points):
    component = _component(trust_compute(TrustInputs(works=works)), "publications")
    assert component.points == points


def test_publication_hint_says_how_many_more_works_reach_the_maximum():
    component = _component(trust_compute(TrustInputs(works=7)), "publications")
    assert "3 more" in component.how_to_raise


@pytest.mark.parametrize(
    ("verified", "close", "points"), [(0, 0, 0), (0, 4, 4), (1, 0, 3), (2, 3, 9), (5, 5, 15)]
)
def test_collaborators_count_verified_coauthors_three_and_close_ones_one(verified, close, points):
    inputs = TrustInputs(verified_collaborators=verified, close_collaborators=close)
    assert _component(trust_compute(inputs), "collaborators").points == points


def test_completeness_counts_each_filled_profile_field_and_names_the_missing_ones():
    component = _component(
        trust_compute(TrustInputs(filled_fields=frozenset({"institution", "role"}))), "completeness"
    )
    assert component.points == 4
    assert component.detail == "2 of 5 profile fields filled"
    assert "an ORCID iD from an import or an administrator (+3)" in component.how_to_raise
    assert "an affiliation" not in component.how_to_raise


@pytest.mark.parametrize(("source", "points"), [("import", 3), ("admin", 3), ("owner", 0), ("", 0)])
def test_only_an_orcid_from_an_import_or_an_admin_counts(source, points):
    """Anyone who claims a profile can type any iD; it earns nothing until it is confirmed."""
    inputs = TrustInputs(filled_fields=frozenset({"orcid"}), orcid_source=source)
    component = _component(trust_compute(inputs), "completeness")
    assert component.points == points
    assert ("typed by the owner and is not counted" in component.detail) is (points == 0)


def test_followers_are_described_as_verified_followers():
    component = _component(trust_compute(TrustInputs(followers=2)), "followers")
    assert component.detail == "2 verified followers"
    assert "verified email address" in component.how_to_raise


@pytest.mark.parametrize(("followers", "points"), [(0, 0), (1, 2), (4, 8), (5, 10), (99, 10)])
def test_followers_are_two_points_each_up_to_ten(followers, points):
    assert _component(trust_compute(TrustInputs(followers=followers)), "followers").points == points


@pytest.mark.parametrize(("disputes", "points"), [(0, 0), (1, -5), (3, -15), (9, -15)])
def test_open_disputes_take_five_points_each_up_to_fifteen(disputes, points):
    component = _component(trust_compute(TrustInputs(open_disputes=disputes)), "disputes")
    assert component.points == points


def test_the_score_never_goes_below_zero():
    assert trust_compute(TrustInputs(open_disputes=3)).score == 0


@pytest.mark.parametrize(
    ("score", "level", "label"),
    [
        (0, 1, "Unverified"),
        (24, 1, "Unverified"),
        (25, 1, "Emerging"),
        (49, 1, "Emerging"),
        (50, 1, "Established"),
        (74, 3, "Established"),
        (75, 2, "Trusted"),
        (100, 3, "Trusted"),
        (90, 1, "Established"),  # an unclaimed record is never "Trusted"
    ],
)
def test_label_thresholds(score, level, label):
    assert label_for(score, level) == label


def test_claiming_raises_the_score_even_before_the_level_is_bumped():
    base = TrustInputs(works=5, corroborating_sources=2)
    unclaimed = trust_compute(base)
    pending = trust_compute(TrustInputs(works=5, corroborating_sources=2, claim_status="pending"))
    claimed = trust_compute(TrustInputs(works=5, corroborating_sources=2, claim_status="claimed"))
    assert pending.score == unclaimed.score
    assert "waiting for review" in _component(pending, "verification").how_to_raise
    assert claimed.level == 2
    assert claimed.score == unclaimed.score + 15


def test_verification_raises_the_score_and_the_label():
    inputs = dict(works=10, corroborating_sources=3, close_collaborators=5, followers=3)
    scores = [trust_compute(TrustInputs(verification_level=level, **inputs)) for level in (1, 2, 3)]
    assert [s.score for s in scores] == [51, 66, 76]
    assert [s.label for s in scores] == ["Established", "Established", "Trusted"]


def test_every_component_says_what_would_raise_it():
    for component in trust_compute(TrustInputs(open_disputes=1)).components:
        assert component.how_to_raise
    raise_hint = _component(trust_compute(TrustInputs()), "verification").how_to_raise
    assert "claiming" in raise_hint and "15 points" in raise_hint


def test_the_breakdown_is_json_ready():
    import json

    stored = trust_compute(TrustInputs(works=3)).as_dict()
    assert json.loads(json.dumps(stored)) == stored
    assert stored["version"] == trust.FORMULA_VERSION
    assert {"key", "name", "points", "max_points", "detail", "how_to_raise"} <= set(stored["components"][0])
