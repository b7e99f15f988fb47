"""Rebuild tests/profiles/identity_eval.jsonl, the labelled author-identity evaluation set.

    .venv/bin/python tests/profiles/make_identity_eval.py

The file holds only the "constructed" part. The "samples" part is read from the sample dumps
when the set is loaded (identity.evaluation.sample_mentions), since their text is third
party and stays out of the repo.

Part "samples": every author name of the sample dumps 000 (the profile's researcher, once per
work), 001 and 004, in import order, with the paper's co-authors, institutions, category and
text. Labels: one person per normalised full name, checked by hand for every name that occurs
in two dumps, plus the two variants the samples contain (`Tatsunori B. Hashimoto` /
`Tatsunori Hashimoto`, `Niladri S. Chatterji` / `Niladri Chatterji`).

Part "constructed": hard cases written for this set: homonyms in unrelated and in related
fields, initials only, "Last, First" order, accents, LaTeX escapes, particles, suffixes,
hyphenated given names and a nickname.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")  # a development script: the local secret key is fine


OUT = Path(__file__).with_name("identity_eval.jsonl")
# (paper id, batch, category, institutions, [(name, person), ...], text)
CONSTRUCTED = [
    # Homonyms: three Wei Wangs (vision, genomics, databases), never sharing anything.
    (
        "c-ww-1",
        "c1",
        "cs.CV",
        ["ucla"],
        [("Wei Wang", "wei-wang-vision"), ("Lena Hartmann", "lena-hartmann"), ("Omar Said", "omar-said")],
        "Self-supervised depth estimation from monocular video. We train a convolutional network to predict "
        "per-pixel depth and camera motion from unlabelled video frames using photometric reconstruction "
        "losses, occlusion-aware masks and multi-scale image pyramids, improving outdoor driving benchmarks.",
    ),
    (
        "c-ww-2",
        "c2",
        "cs.CV",
        ["ucla"],
        [("Lena Hartmann", "lena-hartmann"), ("Wei Wang", "wei-wang-vision")],
        "Occlusion-robust optical flow with transformer features. Dense correspondence between video frames "
        "is estimated with attention over image patches, handling occlusions, motion blur and large "
        "displacements; the flow fields improve video segmentation and tracking of objects in scenes.",
    ),
    (
        "c-ww-3",
        "c3",
        "q-bio.GN",
        ["broad-institute"],
        [("Sarah Thompson", "sarah-thompson"), ("Wei Wang", "wei-wang-genomics")],
        "Single-cell chromatin accessibility maps of the developing mouse cortex. We profile enhancer "
        "activity in neuronal progenitors, identify transcription factor motifs driving differentiation, "
        "and link regulatory variants to gene expression programmes in cortical development.",
    ),
    (
        "c-ww-4",
        "c4",
        "q-bio.GN",
        ["broad-institute"],
        [("Wei Wang", "wei-wang-genomics"), ("Raj Patel", "raj-patel"), ("Sarah Thompson", "sarah-thompson")],
        "Long-read sequencing resolves structural variants in tumour genomes. Nanopore reads from patient "
        "biopsies reveal insertions, inversions and copy-number changes missed by short reads, and "
        "several rearrangements disrupt tumour suppressor genes in colorectal cancer cohorts.",
    ),
    (
        "c-ww-5",
        "c5",
        "cs.DB",
        ["uw-madison"],
        [("Anna Fischer", "anna-fischer"), ("Wei Wang", "wei-wang-db")],
        "Adaptive join ordering for streaming SQL queries. The query optimizer re-plans multiway joins "
        "at run time from cardinality feedback, reducing latency of continuous queries over relational "
        "tables and transaction logs in a distributed database engine.",
    ),
    # Michael Jordan: statistics and machine learning versus exercise physiology.
    (
        "c-mj-1",
        "c1",
        "stat.ML",
        ["berkeley"],
        [("Michael Jordan", "michael-jordan-ml"), ("David Hale", "david-hale")],
        "Variational inference for hierarchical Bayesian nonparametric mixtures. We derive stochastic "
        "updates for Dirichlet process mixtures, bound the approximation error of the posterior, and "
        "scale inference to millions of documents for topic discovery in text corpora.",
    ),
    (
        "c-mj-2",
        "c2",
        "stat.ML",
        ["berkeley"],
        [("David Hale", "david-hale"), ("Michael Jordan", "michael-jordan-ml")],
        "Sampling guarantees for Langevin Monte Carlo in nonconvex posteriors. Convergence rates in "
        "Wasserstein distance are proven for discretised diffusions, with applications to Bayesian "
        "neural network posteriors and uncertainty estimates in regression.",
    ),
    (
        "c-mj-3",
        "c3",
        "q-bio.TO",
        ["loughborough"],
        [("Laura Bennett", "laura-bennett"), ("Michael Jordan", "michael-jordan-physiology")],
        "Muscle glycogen depletion during repeated sprint exercise in elite basketball players. Biopsies "
        "of the vastus lateralis before and after matches show fibre-type specific depletion, and "
        "carbohydrate supplementation preserves jumping performance and recovery.",
    ),
    # Jun Zhu: machine learning versus condensed-matter physics.
    (
        "c-jz-1",
        "c1",
        "cs.LG",
        ["tsinghua"],
        [("Jun Zhu", "jun-zhu-ml"), ("Bo Zhang", "bo-zhang")],
        "Score-based diffusion models with fast ordinary differential equation solvers. We design "
        "exponential integrators for the probability-flow equation that generate high-quality images "
        "from noise in ten network evaluations, matching samplers that need hundreds.",
    ),
    (
        "c-jz-2",
        "c2",
        "cs.LG",
        ["tsinghua"],
        [("Chongxuan Li", "chongxuan-li"), ("Jun Zhu", "jun-zhu-ml"), ("Bo Zhang", "bo-zhang")],
        "Maximum likelihood training of diffusion generative models. Bounds on the likelihood of "
        "score-based models guide noise schedules and network parameterisations, improving likelihoods "
        "on image benchmarks while keeping sample quality.",
    ),
    (
        "c-jz-3",
        "c3",
        "cond-mat.str-el",
        ["riken"],
        [("Hiroshi Sato", "hiroshi-sato"), ("Jun Zhu", "jun-zhu-physics")],
        "Spin-liquid ground state of a kagome antiferromagnet under pressure. Neutron scattering and "
        "specific-heat measurements reveal gapless excitations and suppressed magnetic order in the "
        "frustrated lattice down to millikelvin temperatures.",
    ),
    # Two Yang Lius in the same field (NLP) with nothing in common: the hardest homonyms.
    (
        "c-yl-1",
        "c1",
        "cs.CL",
        ["edinburgh"],
        [("Yang Liu", "yang-liu-summarisation"), ("Mirella Stone", "mirella-stone")],
        "Text summarization with pretrained encoders. A document-level encoder built on pretrained language "
        "models feeds extractive and abstractive decoders, improving summary quality on news articles "
        "according to automatic metrics and human judgements.",
    ),
    (
        "c-yl-2",
        "c2",
        "cs.CL",
        ["fudan"],
        [("Kai Chen", "kai-chen"), ("Yang Liu", "yang-liu-translation")],
        "Low-resource neural machine translation with cross-lingual pretraining. Shared subword "
        "vocabularies and denoising objectives transfer knowledge from high-resource language pairs, "
        "improving translation quality for low-resource languages.",
    ),
    # Initials only, and "Last, First" order, for people of the samples.
    (
        "c-th-1",
        "c1",
        "cs.CL",
        ["stanford"],
        [
            ("T. Hashimoto", "tatsunori-hashimoto"),
            ("Esin Durmus", "esin-durmus"),
            ("Faisal Ladhak", "faisal-ladhak"),
        ],
        "Faithfulness of abstractive summaries produced by large language models. We annotate hallucinated "
        "content in generated summaries, train detectors of unsupported statements, and show that "
        "reference-free evaluation metrics miss many factual errors.",
    ),
    (
        "c-th-2",
        "c2",
        "cs.LG",
        ["stanford"],
        [("Xuechen Li", "xuechen-li"), ("Hashimoto, Tatsunori", "tatsunori-hashimoto")],
        "Differentially private fine-tuning of language models with low-dimensional updates. Private "
        "gradient descent on small subspaces of parameters keeps utility close to non-private training "
        "for text classification and generation tasks.",
    ),
    (
        "c-th-3",
        "c3",
        "physics.chem-ph",
        ["kyoto"],
        [("Kenji Yamada", "kenji-yamada"), ("T. Hashimoto", "takeshi-hashimoto")],
        "Ultrafast proton transfer in hydrogen-bonded crystals studied by femtosecond infrared "
        "spectroscopy. Vibrational coherences reveal tunnelling pathways, isotope effects and the "
        "coupling of proton motion to lattice phonons in molecular solids.",
    ),
    (
        "c-th-4",
        "c4",
        "physics.chem-ph",
        ["kyoto"],
        [("Takeshi Hashimoto", "takeshi-hashimoto"), ("Kenji Yamada", "kenji-yamada")],
        "Excited-state dynamics of photoswitchable molecules in solution. Transient absorption "
        "spectroscopy and quantum chemistry calculations resolve isomerisation pathways, conical "
        "intersections and solvent effects on switching yields.",
    ),
    (
        "c-pl-1",
        "c2",
        "cs.CL",
        ["stanford"],
        [
            ("P. Liang", "percy-liang"),
            ("Tatsunori Hashimoto", "tatsunori-hashimoto"),
            ("Rohan Taori", "rohan-taori"),
        ],
        "Instruction-following language models trained with simulated human feedback. Pairwise "
        "preferences produced by language models stand in for crowd annotators, enabling cheap "
        "comparisons of reinforcement learning methods for alignment.",
    ),
    (
        "c-js-1",
        "c1",
        "astro-ph.GA",
        ["caltech"],
        [("Emily Carter", "emily-carter"), ("J. Smith", "jane-smith-astro")],
        "Star formation histories of dwarf galaxies from deep imaging surveys. Resolved stellar "
        "populations constrain quenching times, gas stripping and the influence of reionization on "
        "low-mass galaxies in the local group.",
    ),
    (
        "c-js-2",
        "c2",
        "cs.CL",
        ["mit"],
        [("John Smith", "john-smith-nlp"), ("Noah Reed", "noah-reed")],
        "Pragmatic reasoning in grounded language understanding. Listeners modelled as Bayesian agents "
        "infer speaker intentions from referring expressions, improving reference game accuracy of "
        "neural language models.",
    ),
    (
        "c-js-3",
        "c3",
        "cs.CL",
        ["mit"],
        [("Noah Reed", "noah-reed"), ("John Smith", "john-smith-nlp")],
        "Learning compositional semantics from child-directed speech. A probabilistic grammar induced "
        "from caregiver utterances acquires word meanings and syntactic categories, matching "
        "developmental trajectories of vocabulary growth.",
    ),
    (
        "c-js-4",
        "c4",
        "econ.GN",
        ["lse"],
        [("John Smith Jr.", "john-smith-jr"), ("Maria Lopes", "maria-lopes")],
        "Minimum wages and employment in local labour markets. Border discontinuities between counties "
        "identify effects of wage floors on teenage employment, hours and prices in the restaurant "
        "industry.",
    ),
    (
        "c-js-5",
        "c5",
        "q-bio.NC",
        ["ucl"],
        [("John Smith Sr.", "john-smith-sr"), ("Priya Nair", "priya-nair")],
        "Grid cell firing fields in freely moving rats. Tetrode recordings in medial entorhinal cortex "
        "show hexagonal firing patterns whose scale increases along the dorsoventral axis and "
        "anchors to environmental boundaries.",
    ),
    # Accents and LaTeX escapes.
    (
        "c-jg-1",
        "c1",
        "cs.RO",
        ["upc"],
        [("José García", "jose-garcia-robotics"), ("Marta Ruiz", "marta-ruiz")],
        "Whole-body control of legged robots on uneven terrain. Model predictive control over contact "
        "sequences and footstep locations lets a quadruped climb stairs, recover from pushes and walk "
        "on slippery ground.",
    ),
    (
        "c-jg-2",
        "c2",
        "cs.RO",
        ["upc"],
        [("Marta Ruiz", "marta-ruiz"), ("Jose Garcia", "jose-garcia-robotics")],
        "Learning locomotion policies in simulation for quadruped robots. Domain randomisation of friction, "
        "mass and motor dynamics transfers reinforcement learning policies to hardware that walk over "
        "rough terrain.",
    ),
    (
        "c-jg-3",
        "c3",
        "cs.RO",
        ["upc"],
        [("Jos\\'e Garc\\'{\\i}a", "jose-garcia-robotics"), ("Marta Ruiz", "marta-ruiz")],
        "Contact-aware trajectory optimisation for legged manipulation. Quadruped robots push and open "
        "doors with their legs by planning contact forces, foot placements and body motion jointly.",
    ),
    (
        "c-jg-4",
        "c4",
        "q-bio.PE",
        ["csic"],
        [("Hannah Lee", "hannah-lee"), ("José García", "jose-garcia-ecology")],
        "Population dynamics of coral reef fish after marine heatwaves. Long-term underwater surveys "
        "record recruitment failure, shifts in species composition and slow recovery of herbivore "
        "populations on bleached reefs.",
    ),
    (
        "c-kg-1",
        "c1",
        "math.LO",
        ["ias"],
        [('Kurt G{\\"o}del', "kurt-godel"), ("Alfred Tarski", "alfred-tarski")],
        "Consistency of the axiom of choice with the axioms of set theory. Constructible sets form an inner "
        "model in which choice and the generalised continuum hypothesis hold, so neither can be refuted.",
    ),
    (
        "c-kg-2",
        "c2",
        "math.LO",
        ["ias"],
        [("Alfred Tarski", "alfred-tarski"), ("Kurt Gödel", "kurt-godel")],
        "Undecidable propositions of formal arithmetic. Any consistent recursively axiomatised theory "
        "containing arithmetic has true sentences it cannot prove, and cannot prove its own consistency.",
    ),
    (
        "c-kg-3",
        "c3",
        "math.LO",
        ["ias"],
        [('K. G\\"odel', "kurt-godel"), ("Alfred Tarski", "alfred-tarski")],
        "Completeness of first-order predicate logic. Every consistent set of first-order sentences has "
        "a model, so every valid formula is provable from the logical axioms and inference rules.",
    ),
    # Particles, hyphenated given names, a nickname.
    (
        "c-lm-1",
        "c1",
        "cs.LG",
        ["toronto"],
        [("Laurens van der Maaten", "laurens-van-der-maaten"), ("Geoffrey Hinton", "geoffrey-hinton")],
        "Visualizing high-dimensional data with stochastic neighbour embedding. Heavy-tailed similarity "
        "kernels in the low-dimensional map relieve crowding and reveal cluster structure of image and "
        "text embeddings.",
    ),
    (
        "c-lm-2",
        "c2",
        "cs.LG",
        ["toronto"],
        [("Geoffrey Hinton", "geoffrey-hinton"), ("L. van der Maaten", "laurens-van-der-maaten")],
        "Barnes-Hut approximations for fast neighbour embedding of large datasets. Tree-based force "
        "approximations make embedding millions of points feasible while preserving cluster structure.",
    ),
    (
        "c-lm-3",
        "c3",
        "cs.LG",
        ["cornell"],
        [
            ("Maaten, Laurens van der", "laurens-van-der-maaten"),
            ("Kilian Weinberger", "kilian-weinberger"),
            ("Geoffrey Hinton", "geoffrey-hinton"),
        ],
        "Learning with marginalized corrupted features. Training on the expected loss under feature "
        "corruption regularises linear classifiers and improves robustness of learned representations.",
    ),
    (
        "c-jp-1",
        "c1",
        "math.NT",
        ["college-de-france"],
        [("Jean-Pierre Serre", "jean-pierre-serre"), ("Armand Borel", "armand-borel")],
        "Galois representations attached to elliptic curves without complex multiplication. The image of "
        "the Galois group in the automorphisms of torsion points is open, for all but finitely many primes.",
    ),
    (
        "c-jp-2",
        "c2",
        "math.NT",
        ["college-de-france"],
        [("J.-P. Serre", "jean-pierre-serre"), ("Armand Borel", "armand-borel")],
        "Modular forms of weight one and Galois representations. Odd two-dimensional representations of "
        "the absolute Galois group with small conductor are attached to modular forms and elliptic curves.",
    ),
    (
        "c-dj-1",
        "c1",
        "cs.CL",
        ["stanford"],
        [("Daniel Jurafsky", "dan-jurafsky"), ("Esin Durmus", "esin-durmus")],
        "Measuring social biases in language model generations about occupations. Prompted completions "
        "reveal stereotyped associations between gender, race and professions in large language models.",
    ),
    # Written after the weights were set, as a check on them (one of them is merged wrongly).
    (
        "c-ww-6",
        "c6",
        "cs.CV",
        ["ucla"],
        [("Wei Wang", "wei-wang-vision"), ("Lena Hartmann", "lena-hartmann")],
        "Event cameras for high-speed visual odometry. Asynchronous brightness changes are integrated "
        "into motion-compensated frames, tracking camera pose through fast rotations and low light.",
    ),
    (
        "c-ww-7",
        "c7",
        "q-bio.GN",
        [],
        [("W. Wang", "wei-wang-genomics"), ("Sarah Thompson", "sarah-thompson")],
        "Allele-specific expression across human tissues from population-scale RNA sequencing. "
        "Imbalanced expression of heterozygous variants pinpoints cis-regulatory effects and "
        "imprinted genes.",
    ),
    (
        "c-dk-1",
        "c8",
        "cs.CV",
        ["kaist"],
        [("Daniel Kang", "daniel-kang-vision"), ("Minho Park", "minho-park")],
        "Neural radiance fields from sparse views with depth priors. Monocular depth estimates regularise "
        "the volumetric scene representation, improving novel view synthesis from three input images.",
    ),
    # A different Xiang Li from Xiang Lisa Li of the samples.
    (
        "c-xl-1",
        "c1",
        "cs.CV",
        ["nankai"],
        [("Xiang Li", "xiang-li-vision"), ("Jian Yang", "jian-yang")],
        "Selective kernel networks for image recognition. Neurons adaptively adjust their receptive field "
        "sizes through attention over multiple convolution kernel branches, improving classification "
        "accuracy on image benchmarks.",
    ),
]


def constructed_mentions() -> list[dict]:
    rows = []
    for paper, batch, category, institutions, people, text in CONSTRUCTED:
        names = [name for name, _ in people]
        for position, (name, person) in enumerate(people):
            rows.append(
                {
                    "id": f"{paper}-{position}",
                    "set": "constructed",
                    "batch": batch,
                    "paper": paper,
                    "name": name,
                    "person": person,
                    "coauthors": [other for other in names if other != name],
                    "institutions": institutions,
                    "topics": [category],
                    "text": text,
                    "subject": False,
                }
            )
    return rows


def main() -> None:
    # The "samples" part is built from the dumps when the set is loaded (never copied here).
    rows = constructed_mentions()
    with OUT.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} mentions written to {OUT}")


if __name__ == "__main__":
    main()
