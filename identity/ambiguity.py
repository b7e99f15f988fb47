"""A seeded, labelled corpus of ambiguous author names (pure: no database).

Many different synthetic people share common names (30 `Lei Wang`s, 20 `Wei Zhang`s, a dozen
`Y. Li`s, Korean, Indian and Western namesakes), as in real computer science. People work in
labs: a lab has an institution, an arXiv category, a vocabulary of its own (its sub-field) on
top of its category's, years of activity and members who publish together, so co-authors
recur. Some people move to a second lab (a new institution and co-author circle) during their
career; labs sometimes write with a member of another lab. Each person writes their name in
several ways (initials, middle names, accents dropped, hyphens, `Family, Given`, and now and
then East Asian family-first order without a comma).

``generate`` returns canonical records (the importer's input) and, for every author position
of every record, the gold person; ``naive_clusters`` is the baseline "one profile per exact
name"; ``score`` reports pairwise and B-cubed figures overall, for the ambiguous names, and per
name.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from identity.names import name_key, parse_name


def _words(text: str) -> list[str]:
    """Split a word-list literal (keeps the lists below compact)."""
    return text.split()


# (given, family, culture, how many different people carry the name)
AMBIGUOUS_NAMES: tuple[tuple[str, str, str, int], ...] = (
    ("Lei", "Wang", "chinese", 30),
    ("Wei", "Zhang", "chinese", 20),
    ("Yang", "Li", "chinese", 5),
    ("Yan", "Li", "chinese", 4),
    ("Ying", "Li", "chinese", 4),
    ("Yu", "Li", "chinese", 3),
    ("Jing", "Chen", "chinese", 8),
    ("Xin", "Liu", "chinese", 8),
    ("Ji-hoon", "Kim", "korean", 8),
    ("Min-jun", "Lee", "korean", 6),
    ("Seung-won", "Park", "korean", 4),
    ("Rahul", "Sharma", "indian", 8),
    ("Amit", "Kumar", "indian", 10),
    ("Priya", "Singh", "indian", 6),
    ("John", "Smith", "western", 6),
    ("James", "Smith", "western", 4),
    ("Jennifer", "Smith", "western", 3),
    ("David", "Miller", "western", 5),
    ("María", "García", "western", 5),
)

# Name parts for everybody else (co-authors). Chinese and Korean given names are mostly two
# syllables, as in life; the pools are small enough that co-authors' names still collide.
SYLLABLES = {
    "chinese": _words(
        "hao jie jun lin ming ning qiang rui tao ting xiao yi yong zhen chao fang hui jian kai "
        "peng shuo wen yue zhi bo dan feng gang hong jing li xin yu zi han chen yan"
    ),
    "korean": _words("ji woo seo yeon do hyun hye jin jae won soo min sung eun young ho"),
}
GIVEN_NAMES = {
    "indian": _words(
        "Arjun Ananya Vikram Neha Sanjay Kavita Rohit Deepa Anil Pooja Suresh Meera Karthik Divya "
        "Nikhil Shreya Aditya Lakshmi Manoj Swati Ravi Anjali Varun Nandini Gaurav Sneha Harish "
        "Ritu Ashok Pallavi"
    ),
    "western": _words(
        "Michael Sarah Thomas Laura Daniel Emma Robert Anna Peter Julia Mark Claire Andrew Sophie "
        "Paul Helen Stefan Marta Lucas Elena Oliver Hannah Martin Sofia Matthias Eva Henrik Chloe "
        "Pierre Ingrid"
    ),
}
FAMILY_NAMES = {
    "chinese": _words("Wang Zhang Li Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin He Gao Luo"),
    "korean": _words("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim"),
    "indian": _words("Sharma Kumar Singh Gupta Patel Reddy Iyer Rao Nair Das"),
    "western": _words(
        "Smith Miller Johnson Brown Müller Schmidt Rossi Dubois Novak Jensen O’Brien "
        "Fischer Martin Moreau Kowalski Andersson"
    ),
}
MIDDLE_INITIALS = _words("A B C D E F H J K L M R S T W")
INSTITUTIONS = {
    "chinese": [
        "Tsinghua University",
        "Peking University",
        "Zhejiang University",
        "Shanghai Jiao Tong University",
        "Fudan University",
        "University of Science and Technology of China",
        "Nanjing University",
        "Harbin Institute of Technology",
    ],
    "korean": ["KAIST", "Seoul National University", "POSTECH", "Yonsei University"],
    "indian": ["IIT Bombay", "IIT Delhi", "IISc Bangalore", "IIT Madras", "IIIT Hyderabad"],
    "western": [
        "Stanford University",
        "MIT",
        "University of Cambridge",
        "ETH Zurich",
        "University of Toronto",
        "Carnegie Mellon University",
        "University of Edinburgh",
        "Universidad Politécnica de Madrid",
    ],
}
# Where people of a culture work: mostly at home, often abroad (the western pool).
ABROAD = 0.3

# arXiv categories with a vocabulary each; a lab draws its own sub-field from its category's.
CATEGORY_WORDS = {
    "cs.CV": "image images segmentation detection pixel convolutional visual video object scene "
    "depth stereo optical flow pose tracking recognition camera point cloud reconstruction "
    "rendering diffusion generative texture edges saliency instance panoptic mesh "
    "lidar occlusion super-resolution denoising inpainting backbone feature pyramid",
    "cs.CL": "language text translation sentence token word parsing syntax semantic dialogue "
    "summarization question answering entity relation corpus lexical morphology "
    "multilingual prompt decoding vocabulary discourse coreference sentiment "
    "speech grammar retrieval generation reading comprehension instruction",
    "cs.LG": "learning gradient optimization convergence regularization generalization kernel "
    "stochastic neural network training loss bandit reinforcement policy reward "
    "bayesian variational inference sampling federated distillation pruning "
    "quantization adversarial robustness meta-learning few-shot contrastive",
    "cs.RO": "robot manipulation grasping locomotion control trajectory planning motion legged "
    "aerial drone navigation mapping localization slam actuator dexterous "
    "tactile sensor calibration kinematics dynamics torque humanoid swarm",
    "cs.NI": "network wireless routing protocol packet latency throughput spectrum channel "
    "antenna mimo beamforming edge caching vehicular satellite congestion "
    "scheduling bandwidth base-station handover interference 5g iot mesh",
    "cs.CR": "security privacy attack encryption cryptographic malware authentication "
    "vulnerability fuzzing blockchain smart contract side-channel intrusion "
    "differential obfuscation phishing firmware access control zero-knowledge",
    "cs.DB": "database query index transaction storage relational join optimizer schema sql "
    "graph olap streaming consistency replication partition compression cardinality "
    "workload benchmark key-value",
    "eess.SP": "signal spectral filter estimation radar sparse recovery compressive sampling "
    "waveform doppler array direction-of-arrival fourier wavelet channel "
    "equalization detection noise modulation",
    "q-bio.BM": "protein molecule binding drug docking structure folding ligand enzyme "
    "sequence residue conformational affinity molecular dynamics genome "
    "antibody peptide",
    "cond-mat.mtrl-sci": "materials crystal lattice phonon band alloy thin film defect "
    "magnetic superconducting electronic density-functional perovskite "
    "battery electrode catalyst",
}


def _subfield_terms() -> dict[str, list[str]]:
    """Per category, 200 two-word technical terms (`sparse-voxel`): a lab's own sub-field draws
    from them, so a person's papers share terms that namesakes in the same category rarely use."""
    rng = random.Random(20261203)
    terms = {}
    for category, words in sorted(CATEGORY_WORDS.items()):
        vocabulary = _words(words)
        pairs = sorted({f"{a}-{b}" for a in vocabulary for b in vocabulary if a != b})
        terms[category] = rng.sample(pairs, 200)
    return terms


SUBFIELD_TERMS = _subfield_terms()
GENERIC_WORDS = _words(
    "framework analysis evaluation experiments empirical efficient scalable novel robust "
    "accurate large-scale benchmark dataset baseline improvement outperforms theoretical "
    "practical challenging effective simple general"
)
TITLE_SHAPES = (
    "{A} {b} for {c} {d}",
    "Towards {a} {b} {c}",
    "{A} {b}: {c} {d} with {e} {f}",
    "On {a} {b} in {c} {d}",
    "Learning {a} {b} for {c}",
    "{A}-aware {b} {c} via {d} {e}",
)


@dataclass(frozen=True)
class Person:
    id: str
    given: str
    family: str
    culture: str
    middle: str = ""  # a middle initial some people write
    ambiguous: bool = False  # carries one of AMBIGUOUS_NAMES

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


@dataclass
class Lab:
    id: int
    institution: str
    category: str
    words: list[str]
    venue: str
    start: int
    end: int
    members: list[tuple[str, int, int, float]] = field(default_factory=list)  # person, from, to, weight


@dataclass
class AmbiguitySet:
    """Records in canonical form and, per record, the gold person of each author position."""

    records: list[dict]
    gold: list[list[str]]
    people: dict[str, Person]

    def mentions(self) -> list[tuple[int, int, str, str]]:
        """(record index, author position, name as written, gold person id) for every mention."""
        return [
            (index, position, name, self.gold[index][position])
            for index, record in enumerate(self.records)
            for position, name in enumerate(record["authors"])
        ]


def _strip_accents(text: str) -> str:
    return text.translate(str.maketrans("áéíóúüöäñç’", "aeiouuoanc'"))


def written_name(person: Person, rng: random.Random) -> str:
    """One way this person's name is written on a paper (most often the usual one)."""
    given, family = person.given, person.family
    roll = rng.random()
    if person.middle and rng.random() < 0.5:
        given = f"{given} {person.middle}."
    if roll < 0.70:
        written = f"{given} {family}"
    elif roll < 0.82:
        initials = " ".join(f"{part[0]}." for part in given.replace("-", " ").split())
        written = f"{initials} {family}"
    elif roll < 0.90:
        written = f"{family}, {given}"
    elif roll < 0.97:
        if "-" in given:  # `Ji-hoon` also appears as `Jihoon` and `Ji Hoon`
            first, second = given.split("-", 1)
            given = f"{first}{second.lower()}" if rng.random() < 0.5 else f"{first} {second.capitalize()}"
        written = f"{given} {family}"
    elif person.culture in ("chinese", "korean") and roll < 0.985:
        written = f"{family} {given}"  # East Asian order without a comma
    else:
        written = f"{given} {family}"
    if rng.random() < 0.3:
        written = _strip_accents(written)
    return written


class _World:
    def __init__(self, seed: int, labs_per_ambiguous: float) -> None:
        self.rng = random.Random(seed)
        self.people: dict[str, Person] = {}
        self.labs: list[Lab] = []
        self.labs_per_ambiguous = labs_per_ambiguous

    def person(self, culture: str, given: str = "", family: str = "", ambiguous: bool = False) -> Person:
        rng = self.rng
        given = given or self.given_name(culture)
        family = family or rng.choice(FAMILY_NAMES[culture])
        middle = rng.choice(MIDDLE_INITIALS) if culture == "western" and rng.random() < 0.4 else ""
        person = Person(f"p{len(self.people):05d}", given, family, culture, middle, ambiguous)
        self.people[person.id] = person
        return person

    def given_name(self, culture: str) -> str:
        rng = self.rng
        if culture == "chinese":
            first = rng.choice(SYLLABLES[culture])
            if rng.random() < 0.3:
                return first.capitalize()
            return (first + rng.choice(SYLLABLES[culture])).capitalize()
        if culture == "korean":
            return "-".join(rng.sample(SYLLABLES[culture], 2)).capitalize()
        return rng.choice(GIVEN_NAMES[culture])

    def lab(self, culture: str, start: int | None = None) -> Lab:
        rng = self.rng
        pool = INSTITUTIONS["western"] if rng.random() < ABROAD else INSTITUTIONS[culture]
        category = rng.choice(sorted(CATEGORY_WORDS))
        start = start if start is not None else rng.randint(2008, 2020)
        lab = Lab(
            id=len(self.labs),
            institution=rng.choice(pool),
            category=category,
            words=rng.sample(SUBFIELD_TERMS[category], 20),
            venue=f"{category} venue {rng.randint(1, 4)}",
            start=start,
            end=min(2025, start + rng.randint(3, 10)),
        )
        self.labs.append(lab)
        return lab

    def staff(self, lab: Lab, culture: str, head: Person) -> None:
        """A head who writes most papers and members who come and go."""
        rng = self.rng
        lab.members.append((head.id, lab.start, lab.end, 3.0))
        for _ in range(rng.randint(3, 8)):
            member_culture = culture if rng.random() < 0.8 else rng.choice(sorted(FAMILY_NAMES))
            member = self.person(member_culture)
            first = rng.randint(lab.start, lab.end)
            lab.members.append((member.id, first, min(lab.end, first + rng.randint(1, 5)), 1.0))


def generate(*, seed: int = 14, scale: float = 1.0) -> AmbiguitySet:
    """The labelled corpus; ``scale`` multiplies how many people share each ambiguous name."""
    world = _World(seed, scale)
    rng = world.rng
    for given, family, culture, count in AMBIGUOUS_NAMES:
        for _ in range(max(1, round(count * scale))):
            person = world.person(culture, given, family, ambiguous=True)
            lab = world.lab(culture)
            if rng.random() < 0.6:
                world.staff(lab, culture, head=person)
            else:  # a member of someone else's lab
                world.staff(lab, culture, head=world.person(culture))
                lab.members.append((person.id, lab.start, lab.end, 1.5))
            if rng.random() < 0.2 and lab.end < 2024:  # moves on: a new place, new co-authors
                second = world.lab(culture, start=lab.end)
                if rng.random() < 0.6:  # same field: part of their own vocabulary comes along
                    second.category = lab.category
                    second.words = rng.sample(lab.words, 8) + rng.sample(SUBFIELD_TERMS[lab.category], 12)
                world.staff(second, culture, head=person)
                # People keep writing with their former group for a while (an advisor, a peer).
                for former, *_ in rng.sample(lab.members[:4], min(2, len(lab.members[:4]))):
                    if former != person.id:
                        second.members.append((former, second.start, min(second.end, second.start + 3), 0.7))
    records: list[dict] = []
    gold: list[list[str]] = []
    labs = list(world.labs)
    for lab in labs:
        for _ in range(int(rng.lognormvariate(2.3, 0.6))):
            record, people = _paper(world, lab, labs, len(records))
            if record is not None:
                records.append(record)
                gold.append(people)
    return AmbiguitySet(records=records, gold=gold, people=world.people)


def without_fields(dataset: AmbiguitySet, fields: Sequence[str]) -> AmbiguitySet:
    """The same set with these record fields emptied (arXiv listings name no institution)."""
    empty = {"institutions": [], "venue": None}
    records = [{**record, **{name: empty.get(name) for name in fields}} for record in dataset.records]
    return AmbiguitySet(records=records, gold=dataset.gold, people=dataset.people)


def _paper(world: _World, lab: Lab, labs: list[Lab], number: int) -> tuple[dict | None, list[str]]:
    rng = world.rng
    year = rng.randint(lab.start, lab.end)
    active = [(pid, weight) for pid, first, last, weight in lab.members if first <= year <= last]
    if len(active) < 2:
        return None, []
    chosen: list[str] = []
    for _ in range(rng.randint(2, min(6, len(active)))):
        pid = rng.choices([pid for pid, _ in active], weights=[w for _, w in active])[0]
        if pid not in chosen:
            chosen.append(pid)
    institutions = [lab.institution]
    own_words = lab.words
    if rng.random() < 0.15:  # a collaboration with a lab of the same field: a guest and a colleague
        other = rng.choice([other for other in labs if other.category == lab.category])
        own_words = lab.words + other.words
        for guest, *_ in rng.sample(other.members, min(len(other.members), 2)):
            if guest not in chosen:
                chosen.insert(rng.randint(0, len(chosen)), guest)
                institutions.append(other.institution)
    if rng.random() < 0.1:  # a one-off co-author
        chosen.append(world.person(rng.choice(sorted(FAMILY_NAMES))).id)
    if len(chosen) < 2:
        return None, []
    words = _words(CATEGORY_WORDS[lab.category])
    title_words = [rng.choice(own_words if rng.random() < 0.4 else words) for _ in range(6)]
    title = rng.choice(TITLE_SHAPES).format(
        A=title_words[0].capitalize(), a=title_words[0], b=title_words[1], c=title_words[2],
        d=title_words[3], e=title_words[4], f=title_words[5],
    )  # fmt: skip
    abstract_words = []
    for _ in range(rng.randint(40, 90)):
        roll = rng.random()
        pool = own_words if roll < 0.25 else words if roll < 0.8 else GENERIC_WORDS
        abstract_words.append(rng.choice(pool))
    record = {
        "title": f"{title} ({number})",
        "authors": [written_name(world.people[pid], rng) for pid in chosen],
        "institutions": sorted(set(institutions)),
        "abstract": " ".join(abstract_words).capitalize() + ".",
        "doi": f"10.5555/ambiguity.{number}",
        "date": f"{year}-{rng.randint(1, 12):02d}-01",
        "category": lab.category,
        "venue": lab.venue,
    }
    return record, chosen


# --- scoring ---------------------------------------------------------------------------------


def naive_clusters(dataset: AmbiguitySet) -> dict[str, str]:
    """The baseline: one profile per exact written name (normalised)."""
    return {f"{index}-{position}": name_key(name) for index, position, name, _ in dataset.mentions()}


def _tallies(gold: dict[str, str], predicted: dict[str, str]) -> tuple[dict, dict, dict]:
    """Mentions per (person, profile), per person and per profile."""
    joint: dict[tuple[str, str], int] = defaultdict(int)
    gold_sizes: dict[str, int] = defaultdict(int)
    predicted_sizes: dict[str, int] = defaultdict(int)
    for mention, person in gold.items():
        joint[(person, predicted[mention])] += 1
        gold_sizes[person] += 1
        predicted_sizes[predicted[mention]] += 1
    return joint, gold_sizes, predicted_sizes


def scores(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """Pairwise and B-cubed precision, recall and F1 of a clustering of mentions (pairs counted
    from cluster sizes, no pair lists)."""
    joint, gold_sizes, predicted_sizes = _tallies(gold, predicted)

    def pairs(sizes) -> int:
        return sum(size * (size - 1) // 2 for size in sizes)

    true_pairs = pairs(joint.values())
    predicted_pairs = pairs(predicted_sizes.values())
    gold_pairs = pairs(gold_sizes.values())
    total = len(gold) or 1
    b3_precision = sum(n * n / predicted_sizes[label] for (_, label), n in joint.items()) / total
    b3_recall = sum(n * n / gold_sizes[person] for (person, _), n in joint.items()) / total

    def f1(precision: float, recall: float) -> float:
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    precision = true_pairs / predicted_pairs if predicted_pairs else 1.0
    recall = true_pairs / gold_pairs if gold_pairs else 1.0
    return {
        "mentions": len(gold),
        "people": len(gold_sizes),
        "profiles": len(predicted_sizes),
        "pairwise_precision": precision,
        "pairwise_recall": recall,
        "pairwise_f1": f1(precision, recall),
        "bcubed_precision": b3_precision,
        "bcubed_recall": b3_recall,
        "bcubed_f1": f1(b3_precision, b3_recall),
    }


def report(dataset: AmbiguitySet, predicted: dict[str, str]) -> dict:
    """Scores for every mention, for the mentions of ambiguous names, and per ambiguous name."""
    gold = {f"{index}-{position}": person for index, position, _, person in dataset.mentions()}
    people = dataset.people
    ambiguous = {mention: person for mention, person in gold.items() if people[person].ambiguous}
    # Per name: every mention in that name's block (namesakes, their variants, and
    # co-authors who happen to fall in the same block), as a profile page would show them.
    by_block: dict[str, dict[str, str]] = defaultdict(dict)
    for mention, person in gold.items():
        by_block[parse_name(people[person].name).block_key][mention] = person
    per_name = {}
    for given, family, _, _ in AMBIGUOUS_NAMES:
        block = parse_name(f"{given} {family}").block_key
        if block in by_block and block not in per_name:
            per_name[block] = scores(by_block[block], predicted)
    return {
        "all": scores(gold, predicted),
        "ambiguous": scores(ambiguous, predicted),
        "per_name": per_name,
    }


def worst(per_name: dict[str, dict], count: int = 5) -> list[tuple[str, dict]]:
    return sorted(per_name.items(), key=lambda item: (item[1]["pairwise_f1"], item[0]))[:count]


def mention_ids(dataset: AmbiguitySet) -> Sequence[str]:
    return [f"{index}-{position}" for index, position, _, _ in dataset.mentions()]
