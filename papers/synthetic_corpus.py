"""An arXiv-shaped corpus in NumPy arrays, for loading a benchmark database (``manage.py synth_corpus``).

Pure: sizes and a seed in, plain arrays and strings out. The shapes follow real listings:

- Authors per paper: median 4, mean about 6, most papers 2-8, a tail of large collaborations
  (20-400 names) drawn from a few standing consortia, as physics-style author lists are.
- People: family and given names drawn by Zipf weights, so "Wei Wang" and "J. Smith" are many
  different people; each person has 1-3 written forms (aliases). Productivity is heavy-tailed
  (Pareto), and a few hubs write 500+ papers with 1,000+ collaborators.
- Co-author communities: each person belongs to one community (a lab or a field's clique);
  most co-authors of a paper come from the first author's community, some from elsewhere.
- Topics and vectors: every community has a home topic and a sub-topic direction; a paper's
  unit vector is its sub-topic direction plus noise, so near neighbours share a sub-topic
  (cosine about 0.7-0.8) and unrelated papers sit near 0, as sentence embeddings do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

DIMENSIONS = 384
FIRST_YEAR, LAST_YEAR = 1995, 2025


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


# Frequent names first: Zipf weights make the first ones very common, as in real author lists.
FAMILY_NAMES = _words(
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng "
    "Liang Xie Song Tang Han Feng Deng Cao Peng Kim Lee Park Choi Jung Kang Cho Nguyen Tran Le "
    "Pham Singh Kumar Sharma Gupta Patel Shah Khan Ali Ahmed Das Roy Smith Johnson Williams Brown "
    "Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Taylor "
    "Thomas Moore Martin White Clark Lewis Walker Hall Young Allen Wright Sato Suzuki Takahashi "
    "Tanaka Watanabe Ito Yamamoto Nakamura Muller Schmidt Schneider Fischer Weber Meyer Wagner "
    "Silva Santos Ferreira Rossi Russo Bianchi Romano Dubois Moreau Laurent Ivanov Petrov Smirnov "
    "Cohen Levy Hashimoto Kobayashi Yoshida Jiang Yu Du Ye Cheng Wei Su Lu Ding Ren Shen Yao Jin "
    "Bui Hoang Vu Dang Mehta Iyer Rao Reddy Nair Bose Sen Ghosh Mukherjee Banerjee Chatterjee "
    "Hoffmann Becker Koch Richter Klein Wolf Neumann Schwarz Zimmermann Braun Kruger Hartmann "
    "Lange Werner Krause Lehmann Kaiser"
)
GIVEN_NAMES = _words(
    "Wei Jing Yang Xin Yu Hao Jun Lei Jie Tao Ming Lin Yan Hui Chen Min Ying Li Na Feng Ji-hoon "
    "Min-jun Seo-yeon Hyun Sung Anh Minh Thanh Linh Rahul Amit Priya Ankit Rohan Sanjay Neha "
    "Arjun Vikram Ananya Mohammed Ahmed Omar Fatima Ali Sara Hassan John David Michael James "
    "Robert William Daniel Thomas Mark Paul Andrew Peter Richard Christopher Matthew Sarah Emily "
    "Jessica Laura Anna Maria Elena Julia Sophie Emma Olivia Hiroshi Takashi Yuki Kenji Akira "
    "Haruto Yui Sakura Tatsunori Lukas Jonas Felix Maximilian Leon Hannah Lena Marco Luca Giulia "
    "Francesco Pierre Antoine Camille Alexander Dmitri Ivan Olga Natalia Yosef Noa Ariel Carlos "
    "Jose Juan Luis Ana Pedro Miguel Diego"
)
MIDDLE_INITIALS = "ABCDEFGHJKLMNPRSTW"
SYLLABLES = _words(
    "ka to mi ra ne so lu vi an el or ba de gi ho ju ki lo ma no pe ri sa ta ul ve wa ya zo ch sh "
    "ber man son sen ski ov ez ini ato ura ida ani ell ott ard"
)
INSTITUTION_KINDS = (
    "University of {}",
    "{} Institute of Technology",
    "{} University",
    "{} Research Laboratory",
    "National Institute for {} Studies",
    "{} AI Lab",
)
PLACES = _words(
    "Northfield Eastbrook Westmoor Southport Riverton Lakeside Hillcrest Stonebridge Oakridge "
    "Maplewood Cedarvale Pinecrest Fairhaven Brookfield Ashford Kingsley Milton Harrow Clifton "
    "Bramley Aldridge Whitby Redcliff Greystone Silverlake Goldcoast Ironwood Bluewater Highland"
)

ADJECTIVES = _words(
    "Scalable Robust Efficient Sparse Adaptive Contrastive Hierarchical Probabilistic Federated "
    "Differentiable Causal Provable Interpretable Lightweight Self-Supervised Multimodal "
    "Streaming"
)
METHODS = _phrases(
    "transformers|graph neural networks|diffusion models|reinforcement learning|"
    "mixture of experts|kernel methods|variational inference|retrieval augmentation|"
    "program synthesis|model checking|zero-knowledge proofs|convex relaxations|active learning|"
    "knowledge distillation|tensor sketches"
)
TASKS = _phrases(
    "question answering|code generation|image segmentation|motion planning|query optimisation|"
    "malware detection|speech recognition|protein folding|recommendation|theorem proving|"
    "machine translation|scheduling|anomaly detection|compiler testing|summarisation"
)
SENTENCE_TEMPLATES = (
    "We study {task} with {method} and show that {adj} variants close most of the gap.",
    "Existing approaches to {task} scale poorly; we propose a {adj} alternative based on {method}.",
    "Our analysis of {method} yields bounds that are tight up to logarithmic factors.",
    "Experiments on {n} benchmarks for {task} show gains of {p} points over strong baselines.",
    "We release code and a dataset of {n} thousand annotated examples for {task}.",
    "A {adj} formulation lets {method} handle {task} without task-specific tuning.",
    "The method runs {p} times faster than prior work while using less memory.",
    "Ablations show that the {adj} component matters most for {task}.",
    "We connect {method} to classical results on {task} and resolve an open question.",
    "In user studies with {n} participants, the system improved {task} outcomes.",
)


@dataclass
class Sizes:
    papers: int
    authors: int
    institutions: int
    communities: int
    hubs: int
    consortia: int

    @classmethod
    def for_papers(cls, papers: int, authors: int | None = None) -> Sizes:
        authors = authors or max(50, int(papers * 0.3))
        return cls(
            papers=papers,
            authors=authors,
            institutions=max(20, papers // 500),
            communities=max(5, authors // 25),
            hubs=max(1, min(12, papers // 80_000)),
            consortia=max(1, min(40, papers // 25_000)),
        )


@dataclass
class People:
    display_names: list[str]
    # Each person's written forms, the display name first.
    aliases: list[list[str]]
    community: np.ndarray  # int32, per author
    institution: np.ndarray  # int32, per author (-1: none)
    hubs: np.ndarray  # author indices of the hubs


@dataclass
class Authorships:
    paper: np.ndarray  # int32, sorted by paper then position
    author: np.ndarray  # int32
    position: np.ndarray  # int16
    alias: np.ndarray  # int8: which written form of the author


def _zipf_weights(count: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


def _rare_family_names(rng: np.random.Generator, count: int) -> list[str]:
    """A long tail of made-up family names from syllables (real lists have a long tail too)."""
    names: dict[str, None] = {}
    while len(names) < count:
        parts = rng.choice(SYLLABLES, size=rng.integers(2, 4))
        names["".join(parts).capitalize()] = None
    return list(names)


def institution_names(rng: np.random.Generator, count: int) -> list[str]:
    names: dict[str, None] = {}
    places = list(PLACES) + _rare_family_names(rng, count)
    while len(names) < count:
        kind = INSTITUTION_KINDS[rng.integers(len(INSTITUTION_KINDS))]
        names[kind.format(places[rng.integers(len(places))])] = None
    return list(names)


def make_people(rng: np.random.Generator, sizes: Sizes) -> People:
    """Authors with repeated common names, communities, institutions and written forms."""
    count = sizes.authors
    families = list(FAMILY_NAMES) + _rare_family_names(rng, max(200, count // 40))
    family = rng.choice(len(families), size=count, p=_zipf_weights(len(families), 0.9))
    given = rng.choice(len(GIVEN_NAMES), size=count, p=_zipf_weights(len(GIVEN_NAMES), 0.8))
    middle = np.where(rng.random(count) < 0.3, rng.integers(len(MIDDLE_INITIALS), size=count), -1)
    display_names, aliases = [], []
    for index in range(count):
        given_name, family_name = GIVEN_NAMES[given[index]], families[family[index]]
        initial = f" {MIDDLE_INITIALS[middle[index]]}." if middle[index] >= 0 else ""
        full = f"{given_name}{initial} {family_name}"
        forms = [full, f"{given_name[0]}. {family_name}"]
        if initial:
            forms.append(f"{given_name} {family_name}")
        display_names.append(full)
        aliases.append(forms)
    # Communities of uneven size: a few big fields' cliques, many small labs.
    community = rng.choice(sizes.communities, size=count, p=_zipf_weights(sizes.communities, 0.6)).astype(
        np.int32
    )
    # People of a community mostly share a few institutions; 10% list none.
    home = rng.integers(sizes.institutions, size=sizes.communities)
    institution = np.where(
        rng.random(count) < 0.7, home[community], rng.integers(sizes.institutions, size=count)
    ).astype(np.int32)
    institution[rng.random(count) < 0.1] = -1
    hubs = rng.choice(count, size=sizes.hubs, replace=False)
    return People(display_names, aliases, community, institution, hubs)


def authors_per_paper(rng: np.random.Generator, papers: int) -> np.ndarray:
    """Median 4, mean about 6; 0.5% of papers are large collaborations (20-400 names)."""
    counts = np.maximum(1, np.round(np.exp(rng.normal(np.log(4.4), 0.65, papers)))).astype(np.int32)
    large = rng.random(papers) < 0.005
    counts[large] = np.round(np.exp(rng.uniform(np.log(20), np.log(400), int(large.sum()))))
    return counts


def make_authorships(
    rng: np.random.Generator, sizes: Sizes, people: People
) -> tuple[Authorships, np.ndarray, np.ndarray]:
    """Who wrote each paper; returns the authorships, each paper's community and its consortium (-1)."""
    count = sizes.authors
    # Heavy-tailed but bounded: most people write a few papers, some hundreds.
    productivity = rng.lognormal(0.0, 1.0, size=count)
    # Authors grouped by community, each community's productivity laid end to end, so a draw in
    # community c is a uniform number in c's stretch of the cumulative sum (vectorised).
    by_community = np.argsort(people.community, kind="stable")
    cumulative = np.cumsum(productivity[by_community])
    starts = np.searchsorted(people.community[by_community], np.arange(sizes.communities))
    ends = np.append(starts[1:], count)
    low = np.where(starts > 0, cumulative[np.maximum(starts - 1, 0)], 0.0)
    high = cumulative[np.maximum(ends - 1, 0)]
    sizes_of = ends - starts
    live = np.flatnonzero(sizes_of > 0)
    community_weight = (high - low)[live]

    papers = sizes.papers
    per_paper = authors_per_paper(rng, papers)
    paper_community = live[rng.choice(len(live), size=papers, p=community_weight / community_weight.sum())]
    # Standing consortia for the large collaborations: a few hundred people each.
    consortium_members = [
        rng.choice(count, size=min(count, int(rng.integers(150, 450))), replace=False)
        for _ in range(sizes.consortia)
    ]
    large = per_paper >= 20
    paper_consortium = np.full(papers, -1, dtype=np.int32)
    paper_consortium[large] = rng.integers(sizes.consortia, size=int(large.sum()))

    slot_paper = np.repeat(np.arange(papers, dtype=np.int32), per_paper)
    slots = len(slot_paper)
    # 80% of co-authors from the paper's community, 20% from a random other one.
    slot_community = paper_community[slot_paper].copy()
    elsewhere = rng.random(slots) < 0.2
    slot_community[elsewhere] = live[
        rng.choice(len(live), size=int(elsewhere.sum()), p=community_weight / community_weight.sum())
    ]

    def draw(communities: np.ndarray) -> np.ndarray:
        point = low[communities] + rng.random(len(communities)) * (high[communities] - low[communities])
        return by_community[np.minimum(np.searchsorted(cumulative, point), count - 1)].astype(np.int32)

    slot_author = draw(slot_community)
    # A person drawn twice for one paper is drawn again (a few rounds; the rest are dropped).
    for _ in range(6):
        repeated = _repeated_slots(slot_paper, slot_author, count)
        if not len(repeated):
            break
        slot_author[repeated] = draw(slot_community[repeated])
    # Large collaborations: members of the paper's consortium instead.
    in_large = np.flatnonzero(paper_consortium[slot_paper] >= 0)
    for consortium, members in enumerate(consortium_members):
        chosen = in_large[paper_consortium[slot_paper[in_large]] == consortium]
        slot_author[chosen] = members[rng.integers(len(members), size=len(chosen))]
    # Hubs: each joins 500-1,500 papers across many communities.
    for hub in people.hubs:
        joined = rng.choice(papers, size=min(papers, int(rng.integers(500, 1500))), replace=False)
        first_slot = np.searchsorted(slot_paper, joined)
        slot_author[first_slot + rng.integers(0, per_paper[joined])] = hub

    # Everyone has written something: people never drawn sign one paper of their community.
    idle = np.setdiff1d(np.arange(count, dtype=np.int32), slot_author)
    if len(idle):
        in_community = np.flatnonzero(np.isin(paper_community, people.community[idle]))
        by_paper_community = in_community[np.argsort(paper_community[in_community], kind="stable")]
        first = np.searchsorted(paper_community[by_paper_community], people.community[idle])
        last = np.searchsorted(paper_community[by_paper_community], people.community[idle], side="right")
        has_paper = last > first
        chosen = first[has_paper] + (rng.random(int(has_paper.sum())) * (last - first)[has_paper]).astype(int)
        slot_paper = np.concatenate([slot_paper, by_paper_community[chosen].astype(np.int32)])
        slot_author = np.concatenate([slot_author, idle[has_paper]])
    # One authorship per person per paper; positions in a random order within the paper.
    key = slot_paper.astype(np.int64) * count + slot_author
    _, unique_at = np.unique(key, return_index=True)
    slot_paper, slot_author = slot_paper[unique_at], slot_author[unique_at]
    order = np.lexsort((rng.random(len(slot_paper)), slot_paper))
    slot_paper, slot_author = slot_paper[order], slot_author[order]
    paper_start = np.searchsorted(slot_paper, np.arange(papers))
    position = (np.arange(len(slot_paper)) - paper_start[slot_paper]).astype(np.int16)
    alias_count = np.fromiter((len(forms) for forms in people.aliases), dtype=np.int8, count=count)
    # Mostly the full name as written; sometimes another form (initials).
    alias = np.where(rng.random(len(slot_author)) < 0.75, 0, rng.integers(0, 3, size=len(slot_author)))
    alias = np.minimum(alias, alias_count[slot_author] - 1).astype(np.int8)
    return Authorships(slot_paper, slot_author, position, alias), paper_community, paper_consortium


def _repeated_slots(slot_paper: np.ndarray, slot_author: np.ndarray, authors: int) -> np.ndarray:
    """Slots whose (paper, author) already occurred at an earlier slot."""
    key = slot_paper.astype(np.int64) * authors + slot_author
    order = np.argsort(key, kind="stable")
    repeated = np.flatnonzero(np.diff(key[order]) == 0) + 1
    return order[repeated]


def collaborator_edges(
    authorships: Authorships, paper_year: np.ndarray, authors: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of co-authors once (low < high): shared papers, first and last year."""
    paper, author = authorships.paper, authorships.author
    per_paper = np.bincount(paper)
    start = np.concatenate([[0], np.cumsum(per_paper)[:-1]])
    lows, highs, years = [], [], []
    # Pairs by distance within each paper's author list: the author at i with the one at i + offset.
    for offset in range(1, int(per_paper.max(initial=1))):
        first = _rows_with_partner_at(start, per_paper, offset)
        a, b = author[first], author[first + offset]
        lows.append(np.minimum(a, b))
        highs.append(np.maximum(a, b))
        years.append(paper_year[paper[first]])
    if not lows:
        empty = np.zeros(0, dtype=np.int32)
        return empty, empty, empty, empty, empty
    key = np.concatenate(lows).astype(np.int64) * authors + np.concatenate(highs)
    year = np.concatenate(years)
    order = np.argsort(key)
    key, year = key[order], year[order]
    starts = np.concatenate([[0], np.flatnonzero(np.diff(key)) + 1])
    unique = key[starts]
    shared = np.diff(np.append(starts, len(key))).astype(np.int32)
    first_year = np.minimum.reduceat(year, starts)
    last_year = np.maximum.reduceat(year, starts)
    low, high = (unique // authors).astype(np.int32), (unique % authors).astype(np.int32)
    return low, high, shared, first_year, last_year


def _rows_with_partner_at(start: np.ndarray, per_paper: np.ndarray, offset: int) -> np.ndarray:
    """Rows i whose paper still has a row at i + offset (vectorised over all papers)."""
    papers = np.flatnonzero(per_paper > offset)
    counts = per_paper[papers] - offset
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(start[papers], counts) + within


def topic_directions(rng: np.random.Generator, topics: int, subtopics_per_topic: int) -> np.ndarray:
    """Unit directions: each topic a random direction, its sub-topics scattered around it."""
    centres = rng.normal(size=(topics, DIMENSIONS)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    noise = rng.normal(size=(topics, subtopics_per_topic, DIMENSIONS)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=2, keepdims=True)
    subtopics = 0.75 * centres[:, None, :] + 0.66 * noise
    subtopics /= np.linalg.norm(subtopics, axis=2, keepdims=True)
    return subtopics.reshape(topics * subtopics_per_topic, DIMENSIONS)


def paper_vectors(
    rng: np.random.Generator, subtopic: np.ndarray, directions: np.ndarray, chunk: int = 50_000
) -> Iterator[np.ndarray]:
    """Unit vectors near each paper's sub-topic direction, ``chunk`` papers at a time."""
    for start in range(0, len(subtopic), chunk):
        rows = subtopic[start : start + chunk]
        noise = rng.normal(size=(len(rows), DIMENSIONS)).astype(np.float32)
        noise /= np.linalg.norm(noise, axis=1, keepdims=True)
        vectors = directions[rows] + 0.55 * noise
        yield vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def sentence_pool(rng: np.random.Generator, size: int) -> list[str]:
    pool = []
    for _ in range(size):
        template = SENTENCE_TEMPLATES[rng.integers(len(SENTENCE_TEMPLATES))]
        pool.append(
            template.format(
                task=TASKS[rng.integers(len(TASKS))],
                method=METHODS[rng.integers(len(METHODS))],
                adj=ADJECTIVES[rng.integers(len(ADJECTIVES))].lower(),
                n=int(rng.integers(3, 60)),
                p=int(rng.integers(2, 15)),
            )
        )
    return pool


def paper_titles(rng: np.random.Generator, topic_names: list[str]) -> list[str]:
    """One title a paper, built around its topic's name."""
    count = len(topic_names)
    adjective = rng.integers(len(ADJECTIVES), size=count)
    method = rng.integers(len(METHODS), size=count)
    task = rng.integers(len(TASKS), size=count)
    return [
        f"{ADJECTIVES[adjective[row]]} {METHODS[method[row]]} for {TASKS[task[row]]} ({topic_names[row]})"
        for row in range(count)
    ]
