"""The trust score: a transparent 0-100 figure built from named components (DESIGN §5.2).

Pure code: plain values in, plain values out, no database. ``docs/trust.md`` documents the
formula; keep the two in step. The score says how far the *record* can be trusted to belong
to one real, identified researcher, not how good the research is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from profiles.orcid import IDENTITY_SOURCES

# 2: institutional email no longer verifies anything; only verified followers and an ORCID iD
# from an import or an admin count.
FORMULA_VERSION = 2

# Verification level -> points. L2 = claimed by a user with a verified email, L3 = identity verified.
VERIFICATION_POINTS = {1: 5, 2: 20, 3: 30}
VERIFICATION_MAX = 30
POINTS_PER_SOURCE = 5
SOURCES_MAX = 15
POINTS_PER_WORK = 2
PUBLICATIONS_MAX = 20
POINTS_PER_VERIFIED_COLLABORATOR = 3
POINTS_PER_CLOSE_COLLABORATOR = 1
# A collaborator is "close" with at least this many shared papers (trust, counts and the graph).
CLOSE_COLLABORATOR_MIN_SHARED = 2
COLLABORATORS_MAX = 15
# Profile fields and what each is worth; together COMPLETENESS_MAX.
COMPLETENESS_FIELDS: dict[str, tuple[str, int]] = {
    "institution": ("an affiliation", 3),
    "orcid": ("an ORCID iD from an import or an administrator", 3),
    "bio": ("a short bio", 2),
    "homepage": ("a homepage", 1),
    "role": ("a role", 1),
}
COMPLETENESS_MAX = 10
POINTS_PER_FOLLOWER = 2
FOLLOWERS_MAX = 10
PENALTY_PER_DISPUTE = 5
DISPUTES_MAX_PENALTY = 15

# Lowest score for each label, highest first. "Trusted" also needs verification L2 or above.
LABEL_THRESHOLDS: list[tuple[int, str]] = [
    (75, "Trusted"),
    (50, "Established"),
    (25, "Emerging"),
    (0, "Unverified"),
]
TRUSTED_MIN_LEVEL = 2


@dataclass(frozen=True)
class TrustInputs:
    """Everything the formula looks at, gathered by ``profiles.selectors.authors_trust_inputs``."""

    verification_level: int = 1
    claim_status: str = "unclaimed"  # "unclaimed", "pending" or "claimed"
    corroborating_sources: int = 0  # distinct imported files that list the author's works
    works: int = 0
    verified_collaborators: int = 0  # co-authors whose own profile is claimed or verified (L2+)
    close_collaborators: int = 0  # co-authors with at least two shared papers
    filled_fields: frozenset[str] = field(default_factory=frozenset)  # keys of COMPLETENESS_FIELDS
    orcid_source: str = ""  # Author.orcid_source: the iD counts only from IDENTITY_SOURCES
    followers: int = 0  # followers whose account has a verified email address
    open_disputes: int = 0  # open curation items about the author


@dataclass(frozen=True)
class Component:
    key: str
    name: str
    points: int
    max_points: int  # 0 for the penalty component
    detail: str
    how_to_raise: str


@dataclass(frozen=True)
class TrustResult:
    score: int
    label: str
    level: int
    components: list[Component]

    def as_dict(self) -> dict:
        """JSON-ready form stored in ``Author.trust_breakdown``."""
        return {
            "version": FORMULA_VERSION,
            "score": self.score,
            "label": self.label,
            "level": self.level,
            "components": [asdict(component) for component in self.components],
        }


def effective_verification_level(level: int, claim_status: str) -> int:
    """An approved claim means at least L2, even before anyone has bumped the stored level."""
    level = min(max(level or 1, 1), 3)
    return max(level, 2) if claim_status == "claimed" else level


def label_for(score: int, level: int) -> str:
    for minimum, label in LABEL_THRESHOLDS:
        if score >= minimum:
            if label == "Trusted" and level < TRUSTED_MIN_LEVEL:
                return "Established"
            return label
    return "Unverified"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _verification(inputs: TrustInputs, level: int) -> Component:
    points = VERIFICATION_POINTS[level]
    if level == 3:
        raise_it = "Already at the highest level."
    elif level == 2:
        raise_it = (
            f"Identity verification (L3: an ORCID sign-in matching an imported iD, or admin review) adds "
            f"{VERIFICATION_POINTS[3] - points} points."
        )
    elif inputs.claim_status == "pending":
        raise_it = (
            f"A claim is waiting for review; approval (L2) adds {VERIFICATION_POINTS[2] - points} points."
        )
    else:
        raise_it = (
            f"The researcher claiming this profile (L2) adds {VERIFICATION_POINTS[2] - points} points; "
            f"verified identity (L3) adds {VERIFICATION_POINTS[3] - points}."
        )
    names = {1: "imported public record", 2: "claimed by a verified user", 3: "identity verified"}
    return Component(
        "verification", "Verification level", points, VERIFICATION_MAX, f"L{level}: {names[level]}", raise_it
    )


def _sources(inputs: TrustInputs) -> Component:
    count = max(inputs.corroborating_sources, 0)
    points = min(count * POINTS_PER_SOURCE, SOURCES_MAX)
    if points >= SOURCES_MAX:
        raise_it = "Already at the maximum."
    else:
        raise_it = (
            f"Each further independent listing of these works (a publication page, an arXiv listing, "
            f"a feed) adds {POINTS_PER_SOURCE} points, up to {SOURCES_MAX}."
        )
    return Component(
        "sources",
        "Corroborating sources",
        points,
        SOURCES_MAX,
        f"{_plural(count, 'imported source')} list these works",
        raise_it,
    )


def _publications(inputs: TrustInputs) -> Component:
    count = max(inputs.works, 0)
    points = min(count * POINTS_PER_WORK, PUBLICATIONS_MAX)
    if points >= PUBLICATIONS_MAX:
        raise_it = "Already at the maximum."
    else:
        missing = (PUBLICATIONS_MAX - points + POINTS_PER_WORK - 1) // POINTS_PER_WORK
        raise_it = (
            f"Each further imported work adds {POINTS_PER_WORK} points ({missing} more reach the maximum)."
        )
    return Component(
        "publications",
        "Publication record",
        points,
        PUBLICATIONS_MAX,
        f"{_plural(count, 'work')} on record",
        raise_it,
    )


def _collaborators(inputs: TrustInputs) -> Component:
    verified = max(inputs.verified_collaborators, 0)
    close = max(inputs.close_collaborators, 0)
    points = min(
        verified * POINTS_PER_VERIFIED_COLLABORATOR + close * POINTS_PER_CLOSE_COLLABORATOR, COLLABORATORS_MAX
    )
    if points >= COLLABORATORS_MAX:
        raise_it = "Already at the maximum."
    else:
        raise_it = (
            f"Each co-author who claims their own profile adds {POINTS_PER_VERIFIED_COLLABORATOR} points; "
            f"each co-author with two or more shared papers adds {POINTS_PER_CLOSE_COLLABORATOR}."
        )
    detail = f"{_plural(verified, 'verified co-author')}, {_plural(close, 'close collaborator')}"
    return Component("collaborators", "Verified collaborators", points, COLLABORATORS_MAX, detail, raise_it)


def _completeness(inputs: TrustInputs) -> Component:
    # An iD the owner typed is only their word: it fills the field but earns nothing.
    unverified_orcid = "orcid" in inputs.filled_fields and inputs.orcid_source not in IDENTITY_SOURCES
    counted = inputs.filled_fields - {"orcid"} if unverified_orcid else inputs.filled_fields
    filled = [key for key in COMPLETENESS_FIELDS if key in counted]
    missing = [key for key in COMPLETENESS_FIELDS if key not in counted]
    points = sum(COMPLETENESS_FIELDS[key][1] for key in filled)
    if not missing:
        raise_it = "Already complete."
    else:
        raise_it = (
            "Adding "
            + ", ".join(f"{COMPLETENESS_FIELDS[key][0]} (+{COMPLETENESS_FIELDS[key][1]})" for key in missing)
            + "."
        )
    detail = f"{len(filled)} of {len(COMPLETENESS_FIELDS)} profile fields filled"
    if unverified_orcid:
        detail += "; the ORCID iD was typed by the owner and is not counted"
        raise_it += " An administrator can confirm the ORCID iD."
    return Component("completeness", "Profile completeness", points, COMPLETENESS_MAX, detail, raise_it)


def _followers(inputs: TrustInputs) -> Component:
    count = max(inputs.followers, 0)
    points = min(count * POINTS_PER_FOLLOWER, FOLLOWERS_MAX)
    if points >= FOLLOWERS_MAX:
        raise_it = "Already at the maximum."
    else:
        raise_it = (
            f"Each follower with a verified email address adds {POINTS_PER_FOLLOWER} points, "
            f"up to {FOLLOWERS_MAX}."
        )
    return Component(
        "followers", "Followers", points, FOLLOWERS_MAX, _plural(count, "verified follower"), raise_it
    )


def _disputes(inputs: TrustInputs) -> Component:
    count = max(inputs.open_disputes, 0)
    points = -min(count * PENALTY_PER_DISPUTE, DISPUTES_MAX_PENALTY)
    if count:
        raise_it = f"An admin resolving the open review items gives back {-points} points."
    else:
        raise_it = "Nothing to resolve."
    return Component(
        "disputes", "Open disputes", points, 0, f"{_plural(count, 'open review item')}", raise_it
    )


def trust_compute(inputs: TrustInputs) -> TrustResult:
    """Score, label and the component breakdown for one author."""
    level = effective_verification_level(inputs.verification_level, inputs.claim_status)
    components = [
        _verification(inputs, level),
        _sources(inputs),
        _publications(inputs),
        _collaborators(inputs),
        _completeness(inputs),
        _followers(inputs),
        _disputes(inputs),
    ]
    score = min(max(sum(component.points for component in components), 0), 100)
    return TrustResult(score=score, label=label_for(score, level), level=level, components=components)
