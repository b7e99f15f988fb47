"""Topic inference and author topic weights (pure: plain values in, plain values out).

A paper whose source states an arXiv category has that topic (stated). Any other paper with
an embedding gets up to ``MAX_INFERRED`` topics whose description embedding is close enough
(inferred), and always its single best topic, so that every embedded paper has one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from papers.embedding import normalize_rows

# Words that papers of each class use, added to the one-line description before embedding:
# a short gist alone pulls papers towards whichever class happens to share a word with it.
TOPIC_KEYWORDS: dict[str, str] = {
    "cs.AI": "reasoning, planning, agents, knowledge representation, search, large language model agents",
    "cs.AR": "processors, hardware accelerators, memory systems, FPGA, chip design",
    "cs.CC": "complexity classes, NP-hardness, lower bounds, circuit complexity, proofs",
    "cs.CE": "scientific computing, simulation, computational finance, engineering design",
    "cs.CG": "geometric algorithms, polygons, point sets, meshes, convex hulls",
    "cs.CL": "natural language processing, language models, text, translation, question answering, "
    "instruction tuning, dialogue, human feedback, LLM evaluation",
    "cs.CR": "security, privacy, attacks, jailbreaks, adversarial prompts, encryption, watermarking, "
    "differential privacy, data extraction",
    "cs.CV": "images, video, vision, image generation, diffusion models, object detection, segmentation",
    "cs.CY": "societal impact, ethics, fairness, policy, law, education, harms of AI",
    "cs.DB": "databases, SQL, query processing, data management, transactions",
    "cs.DC": "distributed systems, parallel computing, clusters, GPUs at scale, cloud",
    "cs.DL": "digital libraries, scholarly publishing, citations, bibliometrics, peer review",
    "cs.DM": "combinatorics, graph theory, discrete structures",
    "cs.DS": "algorithms, data structures, running time, approximation algorithms",
    "cs.ET": "quantum computing, optical and biological computing, novel hardware",
    "cs.FL": "automata, formal grammars, regular languages",
    "cs.GL": "surveys and general overviews of computer science",
    "cs.GR": "computer graphics, rendering, 3D modelling, animation",
    "cs.GT": "game theory, mechanism design, auctions, equilibria, incentives",
    "cs.HC": "human-computer interaction, user studies, interfaces, crowdsourcing, people using AI tools",
    "cs.IR": "information retrieval, search engines, document ranking, recommender systems, retrieval",
    "cs.IT": "information theory, coding theory, channel capacity, entropy",
    "cs.LG": "machine learning, deep learning, neural network training, optimization, generalization, "
    "reinforcement learning, distribution shift, robustness",
    "cs.LO": "logic, formal verification, type theory, semantics, model checking",
    "cs.MA": "multi-agent systems, cooperation, negotiation, interacting agents",
    "cs.MM": "multimedia, audio-visual content, streaming",
    "cs.MS": "mathematical software, numerical libraries, computer algebra systems",
    "cs.NA": "numerical methods, linear algebra, differential equations, approximation error",
    "cs.NE": "neural networks, evolutionary algorithms, genetic programming, spiking networks",
    "cs.NI": "computer networks, internet protocols, wireless, routing",
    "cs.OH": "miscellaneous computer science",
    "cs.OS": "operating systems, kernels, scheduling, file systems",
    "cs.PF": "performance measurement, benchmarking systems, latency, throughput",
    "cs.PL": "programming languages, compilers, program synthesis, code generation, program analysis",
    "cs.RO": "robots, manipulation, navigation, control, embodied agents",
    "cs.SC": "symbolic computation, computer algebra",
    "cs.SD": "sound, speech, audio, music, speech recognition",
    "cs.SE": "software engineering, testing, debugging, code, developers, software tools",
    "cs.SI": "social networks, information diffusion, online communities, graphs of people",
    "cs.SY": "control systems, dynamical systems, feedback control",
}

# Catch-all classes ("General Literature", "Other") say nothing a similarity could find;
# they are kept when a source states them, never inferred.
NOT_INFERRED = frozenset({"cs.GL", "cs.OH"})
MAX_INFERRED = 3
# Cosine between a paper and a topic text above which a runner-up topic is assigned too.
# Measured on the sample dumps with the real model (docs/benchmarks.md): a paper's stated
# category scores 0.29 on average against it (min 0.17) and is the best or second-best
# topic for 14 of 18 papers; the median paper-topic cosine is 0.06, the 90th percentile 0.19.
INFERRED_MIN_SIMILARITY = 0.25
# A second or third topic must also be nearly as close as the best one.
INFERRED_MAX_GAP = 0.08


@dataclass(frozen=True)
class TopicChoice:
    topic_id: int
    score: float


def topic_embedding_text(code: str, name: str, description: str) -> str:
    """What a topic is embedded from: its name, one-line description and typical words."""
    keywords = TOPIC_KEYWORDS.get(code, "")
    return " ".join(
        part for part in (f"{name}.", description, keywords and f"Typical words: {keywords}.") if part
    )


def infer_topics(
    paper_vector: Sequence[float],
    topic_ids: Sequence[int],
    topic_vectors: np.ndarray,
    *,
    limit: int = MAX_INFERRED,
    threshold: float = INFERRED_MIN_SIMILARITY,
    max_gap: float = INFERRED_MAX_GAP,
) -> list[TopicChoice]:
    """The topics for one paper, best first: the best always, then close runners-up."""
    if not len(topic_ids):
        return []
    similarities = normalize_rows(topic_vectors) @ normalize_rows(np.asarray(paper_vector)[None, :])[0]
    order = np.argsort(-similarities)
    best = float(similarities[order[0]])
    chosen = [TopicChoice(int(topic_ids[order[0]]), round(best, 4))]
    for index in order[1:limit]:
        score = float(similarities[index])
        if score >= threshold and best - score <= max_gap:
            chosen.append(TopicChoice(int(topic_ids[index]), round(score, 4)))
    return chosen


def author_topic_weights(rows: Iterable[tuple[int, int, bool, float | None]]) -> list[tuple[int, float]]:
    """Share of an author's work per topic, from (paper id, topic id, inferred, score) rows.

    Each paper counts once, split over its topics: a stated topic weighs 1, an inferred one
    its similarity score. Returns (topic id, share) pairs, largest share first, summing to 1.
    """
    per_paper: dict[int, dict[int, float]] = defaultdict(dict)
    for paper_id, topic_id, inferred, score in rows:
        weight = max(float(score or 0.0), 0.0) if inferred else 1.0
        per_paper[paper_id][topic_id] = max(per_paper[paper_id].get(topic_id, 0.0), weight)
    totals: dict[int, float] = defaultdict(float)
    for topics in per_paper.values():
        paper_total = sum(topics.values())
        if paper_total <= 0:
            continue
        for topic_id, weight in topics.items():
            totals[topic_id] += weight / paper_total
    grand_total = sum(totals.values())
    if grand_total <= 0:
        return []
    return sorted(
        ((topic_id, weight / grand_total) for topic_id, weight in totals.items()),
        key=lambda pair: (-pair[1], pair[0]),
    )
