"""Synthetic dumps (paper_feed, publications_page, jsonl) of made-up people and papers."""

from __future__ import annotations

import random

from . import jsonl
from .canonical import CanonicalRecord

SUPPORTED = ("paper_feed", "publications_page", "jsonl", "arxiv")


def _words(*chunks: str, sep: str | None = None) -> tuple[str, ...]:
    """Split word-list literals (keeps the lists below compact and readable)."""
    return tuple(word for chunk in chunks for word in chunk.split(sep))


# Invented name parts. A few carry accents, particles, apostrophes or hyphens on purpose.
GIVEN = _words(
    "Amara Bastian Carmen Dmitri Elif Farah Gustavo Hana Ilse Jonas Kavya Lorenzo Mirela Nikhil "
    "Oona Priya Quentin Rafaela Sven Tomasz Uma Valentin Wanjiru Ximena Yusuf Zofia Adaeze Bruno "
    "Cecilia Darius Esme Felix Greta Hugo Ines Jasper Keiko Leandro Maeve Nadia Osvaldo Pilar "
    "Soraya Thandiwe Viggo Wren Yara Zeynep José Zoë Søren Łukasz Émilie Björn Ayşe Renée "
    "Anne-Marie Jean-Luc Siobhán Ngozi Mateus Linnea Arjun Marisol Teodor Imogen"
)
FAMILY = _words(
    "Abernethy Bautista Castellano Delacroix Ekwueme Falkenrath Gundersen Halloran Ishikawa "
    "Jovanović Kettering Lindqvist Marchetti Nwosu Pennington Quiroga Rasmussen Sandoval "
    "Thorsby Underhill Varga Whitcombe Yilmaz Zamora Achterberg Brandt Corrigan Dvořák "
    "Engström Fairbanks Grünewald Hartmann Iyer Jaramillo Kaczmarek Lachance Novak Oyelaran "
    "Petrakis Ruiz-Ortega Santangelo Takahara Umarov Vasquez Wojcik Xanthos Zielinski "
    "McAllister MacKinnon O’Malley D’Souza Okoro Haldane Strand"
)
# Multi-word family names, mostly with particles.
PARTICLE_FAMILY = _words(
    "van der Linde|de Almeida|von Hallberg",
    "da Costa|ter Horst|Ní Bhriain",
    sep="|",
)
INITIALS = _words("A. B. C. D. E. J. K. M. R. S. T. W.")

ADJ = _words(
    "Robust Sparse Efficient Scalable Adaptive Calibrated Federated Contrastive Causal "
    "Hierarchical Interpretable Private Multilingual Lightweight Provable Compositional"
)
NOUN = _words(
    "Representations|Transformers|Retrievers|Agents|Embeddings|Benchmarks|Planners|Graphs|"
    "Memories|Reward Models|Tokenizers|Priors|Verifiers|State Spaces",
    sep="|",
)
TASK = _words(
    "Code Generation|Protein Folding|Speech Recognition|Question Answering|Weather Forecasting|"
    "Table Reasoning|Image Editing|Theorem Proving|Recommendation|Machine Translation|"
    "Dialogue Safety|Program Repair",
    sep="|",
)
METHOD = _words(
    "Curriculum Learning|Distillation|Self-Play|Diffusion|Active Sampling|Low-Rank Updates|"
    "Test-Time Search|Preference Optimization|Sparse Attention",
    sep="|",
)
SYSTEM = _words(
    "GraphMend TinyRanker FlowPilot OpenLedger MetaSieve",
    "QuillBench PolyGlot-3 DeepTally SwiftProbe LumenQA",
)
ACRONYM = _words("BLEU RLHF SGD MCTS OCR ASR NER")
DOMAIN = _words(
    "Low-Resource Languages|Clinical Notes|Satellite Imagery",
    "Legal Contracts|3D Scenes|Chemistry Labs",
    sep="|",
)
TITLE_TEMPLATES = (
    "{adj} {noun} for {task}",
    "{system}: {adj} {method} for {task}",
    "Can {noun} Solve {task}?",
    "{method} Meets {task} ({acronym})",
    "Towards {adj} {task} with {system}",
    "{adj} {noun} for {domain}, Revisited",
    "What Makes {noun} {adj}?",
    "{task} Beyond {acronym}",
    "{system}: {lower_task} with {lower_noun}",
    "On the Limits of {method} in {domain}",
    "Scaling {noun} to {domain} with LLMs",
)
SLUGS = _words(
    "northfield-univ lakeside-ai inst-metrics harbor-lab crestview redwood-compute "
    "polytech-east meridian-research"
)
CATEGORIES = _words("LG CL CV AI CR CY HC IR RO DS")
MONTHS = _words("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec")
VENUES_AFTER = ("ICLR, 2024", "Workshop on Tiny Models 2022", "TMLR", "NAACL, 2021")
VENUES_BEFORE = (
    "In Proceedings of the Annual Meeting on Table Reasoning",
    "In Findings of Synthetic Venues",
)


def _sentence_pool() -> list[str]:
    """Build a fixed pool of abstract sentences (seeded separately, so always identical)."""
    rng = random.Random(20240611)
    pool = []
    for _ in range(400):
        task, noun = rng.choice(TASK).lower(), rng.choice(NOUN).lower()
        pick = rng.randrange(8)
        if pick == 0:
            pool.append(f"We study {task} when labelled data is scarce and noisy.")
        elif pick == 1:
            pool.append(f"Existing {noun} degrade sharply under distribution shift.")
        elif pick == 2:
            system, adj = rng.choice(SYSTEM), rng.choice(ADJ).lower()
            article = "an" if adj[0] in "aeiou" else "a"
            pool.append(f"We propose {system}, {article} {adj} method that needs no labels.")
        elif pick == 3:
            gain = rng.randrange(2, 40)
            pool.append(
                f"It cuts error by {gain}% on {task} while using "
                r"$\mathcal{O}(n \log n)$ memory."
            )
        elif pick == 4:
            pool.append(f"Experiments on {rng.randrange(3, 12)} benchmarks show consistent gains.")
        elif pick == 5:
            pool.append(f"We model $p(\\mathbf{{x}} \\mid y)$ with {noun} learned end to end.")
        elif pick == 6:
            pool.append(f"Code is available at https://example.org/{rng.choice(SLUGS)}/{task[:4]}.")
        else:
            pool.append(f"Our analysis explains when {noun} help and when they hurt.")
    return pool


SENTENCES = _sentence_pool()


class _Generator:
    """Draws people, titles and abstracts from one seeded random stream."""

    def __init__(self, n_records: int, seed: int) -> None:
        self.rng = random.Random(seed)
        # rng.random() is C-fast; choice/randrange cost several Python calls each.
        self.random = self.rng.random
        self.people = [self._person() for _ in range(max(60, n_records // 3))]
        # Authors mostly come from one small community, so co-authorships repeat.
        self.community_size = 12

    def pick(self, items: tuple[str, ...] | list[str]) -> str:
        """Return a random element of items."""
        return items[int(self.random() * len(items))]

    def below(self, low: int, high: int) -> int:
        """Return a random integer in [low, high)."""
        return low + int(self.random() * (high - low))

    def slugs(self) -> list[str]:
        """Return one or two distinct institution slugs, sorted."""
        first = self.pick(SLUGS)
        second = self.pick(SLUGS) if self.random() < 0.5 else first
        return sorted({first, second})

    def _person(self) -> str:
        """Invent one person's name."""
        roll = self.random()
        family = self.pick(PARTICLE_FAMILY) if roll < 0.06 else self.pick(FAMILY)
        given = self.pick(GIVEN)
        if self.random() < 0.15:
            return f"{given} {self.pick(INITIALS)} {family}"
        return f"{given} {family}"

    def authors(self, count: int) -> list[str]:
        """Pick count distinct authors, mostly from one community."""
        n_people = len(self.people)
        base = self.below(0, n_people // self.community_size) * self.community_size
        chosen: list[str] = []
        # Invented names can repeat, so give up rather than loop when too few are distinct.
        for _ in range(count * 20):
            if len(chosen) == count:
                break
            if self.random() < 0.85:
                index = base + self.below(0, self.community_size)
            else:
                index = self.below(0, n_people)
            name = self.people[index % n_people]
            if name not in chosen:
                chosen.append(name)
        return chosen

    def title(self) -> str:
        """Invent a title from the templates."""
        template = TITLE_TEMPLATES[int(self.random() * len(TITLE_TEMPLATES))]
        return template.format(
            adj=self.pick(ADJ),
            noun=self.pick(NOUN),
            task=self.pick(TASK),
            method=self.pick(METHOD),
            system=self.pick(SYSTEM),
            acronym=self.pick(ACRONYM),
            domain=self.pick(DOMAIN),
            lower_task=self.pick(TASK).lower(),
            lower_noun=self.pick(NOUN).lower(),
        )

    def abstract(self) -> str:
        """Invent an abstract of three to five sentences."""
        count = 3 + int(self.random() * 3)
        return " ".join(SENTENCES[int(self.random() * len(SENTENCES))] for _ in range(count))

    def author_count(self) -> int:
        """Draw an author count: mostly 2-5, sometimes one or many."""
        roll = self.random()
        if roll < 0.08:
            return 1
        if roll < 0.85:
            return 2 + int(self.random() * 4)
        return 6 + int(self.random() * 20)


def _feed(gen: _Generator, n_records: int) -> tuple[str, list[CanonicalRecord]]:
    """Render records in the paper feed layout."""
    lines: list[str] = []
    records: list[CanonicalRecord] = []
    for _ in range(n_records):
        record = CanonicalRecord(title=gen.title(), abstract=gen.abstract())
        record.line_start = len(lines) + 1
        if gen.random() < 0.6:
            month, day = 1 + int(gen.random() * 12), 1 + int(gen.random() * 28)
            score = gen.below(10, 600) / 10
            category = gen.pick(CATEGORIES)
            record.score, record.category = score, f"cs.{category}"
            record.has_code = gen.random() < 0.3
            meta = f"{score:.1f}{category}{MONTHS[month - 1]} {day}"
            if gen.random() < 0.8:
                year = gen.below(2015, 2026)
                meta += f", {year}"
                record.date = f"{year}-{month:02d}-{day:02d}"
            else:
                record.date = f"--{month:02d}-{day:02d}"  # the feed omits the current year
            lines.append(meta + ("Code" if record.has_code else ""))
        authors = gen.authors(gen.author_count())
        shown = authors[:3]
        record.authors, record.authors_truncated = shown, len(authors) > 3
        line = record.title + ", ".join(shown) + (" et al." if record.authors_truncated else "")
        if gen.random() < 0.5:
            record.institutions = sorted(set(gen.slugs()))
            line += " \u00b7 " + ", ".join(record.institutions)
        lines.append(line)
        lines.append(record.abstract or "")
        record.line_end = len(lines)
        records.append(record)
    return "\n".join(lines) + "\n", records


def _author_list(authors: list[str], shown: int = 3) -> tuple[str, list[str], int | None]:
    """Write authors the publications-page way: `A, B, C, and N more authors`."""
    if len(authors) > shown:
        more = len(authors) - shown
        noun = "author" if more == 1 else "authors"
        return ", ".join(authors[:shown]) + f", and {more} more {noun}", authors[:shown], more
    if len(authors) == 1:
        return authors[0], authors, None
    return ", ".join(authors[:-1]) + ", and " + authors[-1], authors, None


def _publications(gen: _Generator, n_records: int) -> tuple[str, list[CanonicalRecord]]:
    """Render records in the publications-page layout, newest year first."""
    drafts = []
    for _ in range(n_records):
        year, month = gen.below(2012, 2026), 1 + int(gen.random() * 12)
        drafts.append((year, month, gen.title(), gen.authors(gen.author_count()), gen.abstract()))
    drafts.sort(key=lambda d: -d[0])  # stable: keeps draw order within a year
    lines = ["publications", "publications are in reversed chronological order."]
    records: list[CanonicalRecord] = []
    current_year = None
    for year, month, title, authors, abstract in drafts:
        if year != current_year:
            lines.append(str(year))
            current_year = year
        text, shown, more = _author_list(authors)
        record = CanonicalRecord(title=title, authors=shown, abstract=abstract)
        record.authors_more, record.authors_truncated = more, more is not None
        record.date = f"{year}-{month:02d}"
        date = f"{MONTHS[month - 1]} {year}"
        roll = gen.random()
        if roll < 0.1:
            record.venue = gen.pick(VENUES_BEFORE)
            line = f"- {title}{text}{record.venue}, {date}"
        elif roll < 0.25:
            record.venue = gen.pick(VENUES_AFTER)
            line = f"- {title}{text}{date}{record.venue}"
        else:
            line = f"- {title}{text}{date}"
        lines.append(line)
        record.line_start = len(lines)
        lines.append(abstract)
        record.line_end = len(lines)
        records.append(record)
    return "\n".join(lines) + "\n", records


def _jsonl(gen: _Generator, n_records: int) -> tuple[str, list[CanonicalRecord]]:
    """Render fully populated records as canonical JSON Lines."""
    records = []
    for index in range(n_records):
        year, month = gen.below(2015, 2026), 1 + int(gen.random() * 12)
        authors = gen.authors(gen.author_count())
        truncated = gen.random() < 0.2 and len(authors) > 3
        records.append(
            CanonicalRecord(
                title=gen.title(),
                authors=authors[:3] if truncated else authors,
                authors_truncated=truncated,
                authors_more=len(authors) - 3 if truncated else None,
                institutions=sorted(set(gen.slugs())),
                abstract=gen.abstract(),
                arxiv_id=f"{year % 100:02d}{month:02d}.{gen.below(10000, 100000)}",
                doi=f"10.5555/synth.{seed_tag(gen)}.{index}",
                date=f"{year}-{month:02d}-{1 + int(gen.random() * 28):02d}",
                category=f"cs.{gen.pick(CATEGORIES)}",
                score=gen.below(10, 600) / 10,
                has_code=gen.random() < 0.3,
                venue=gen.pick(VENUES_AFTER) if gen.random() < 0.3 else None,
                kind="preprint",
                source="arXiv",
                line_start=index + 1,
                line_end=index + 1,
            )
        )
    return jsonl.dumps(records), records


def seed_tag(gen: _Generator) -> str:
    """Return a short random tag that keeps synthetic DOIs distinct between seeds."""
    return f"{gen.below(0, 16**4):04x}"


def generate_with_records(
    n_records: int,
    seed: int,
    format: str = "paper_feed",  # noqa: A002 - mirrors parse()
) -> tuple[str, list[CanonicalRecord]]:
    """Return a synthetic dump and the records a parser should recover from it."""
    if format not in SUPPORTED:
        raise ValueError(f"synthetic format must be one of {SUPPORTED}, not {format!r}")
    gen = _Generator(n_records, seed)
    if format == "paper_feed":
        return _feed(gen, n_records)
    if format == "publications_page":
        return _publications(gen, n_records)
    if format == "arxiv":
        return _arxiv(n_records, seed)
    return _jsonl(gen, n_records)


def generate(n_records: int, seed: int, format: str = "paper_feed") -> str:  # noqa: A002
    """Return a deterministic synthetic dump of n_records papers in the given format."""
    return generate_with_records(n_records, seed, format)[0]


# --- arXiv-shaped corpus (for ``manage.py bench_ingest``) ----------------------------------

# Family names weighted like computer science author lists: a few very common ones (Wang, Li,
# Zhang ...) carry a large share, so one written name stands for many different people.
COMMON_FAMILY = _words(
    "Wang Li Zhang Liu Chen Yang Zhao Huang Wu Zhou Xu Sun Ma Zhu Hu Guo Lin He Gao Luo "
    "Kim Lee Park Choi Kumar Singh Sharma Gupta Nguyen Tran Smith Johnson Brown Müller Garcia"
)
COMMON_GIVEN = _words(
    "Lei Wei Jing Yang Hao Yu Xin Jun Yi Chen Min Tao Jian Ming Feng Bo Hui Yan Lin Rui "
    "Jie Kai Xiao Ying Ji-Hoon Min-Jun Seo-yeon Rahul Amit Priya Anh Minh John David Michael Sarah Anna"
)

# Zipf weights (1/rank): Wang alone is about a quarter of the common names.
_COMMON_WEIGHTS = [
    sum(1 / rank for rank in range(1, count + 1)) for count in range(1, len(COMMON_FAMILY) + 1)
]
SYLLABLES = _words(
    "Bar Kel Mor Dan Vel Tor Sal Ren Gor Hal Mik Pes Lun Dar Fen Rok Tam Zel Ost Bri Cas Nor Vik Jal"
)
ENDINGS = _words("a an er in ov ski son berg ez ini opoulos")


def arxiv_people(rng: random.Random, count: int) -> list[str]:
    """``count`` people; about half drawn from the short common lists (many namesakes)."""
    people = []
    for _ in range(count):
        if rng.random() < 0.35:
            # Zipf-like weight: the first family names of the list are far more frequent.
            family = rng.choices(COMMON_FAMILY, cum_weights=_COMMON_WEIGHTS)[0]
            given = COMMON_GIVEN[int(rng.random() * len(COMMON_GIVEN))]
        elif rng.random() < 0.2:
            family = rng.choice(FAMILY + PARTICLE_FAMILY)
            given = rng.choice(GIVEN)
        else:  # an invented family name: the long tail of rare names
            family = (rng.choice(SYLLABLES) + rng.choice(SYLLABLES).lower() + rng.choice(ENDINGS)).title()
            given = rng.choice(GIVEN)
        if rng.random() < 0.1:
            given = f"{given} {rng.choice(INITIALS)}"
        people.append(f"{given} {family}")
    return people


def _arxiv_id(seed: int, index: int) -> str:
    """A distinct new-style arXiv id for each (seed, index): seeds 0-12 never collide."""
    number = (seed % 13) * 1_000_000 + index
    block, serial = divmod(number, 100_000)
    return f"{15 + block // 12:02d}{1 + block % 12:02d}.{serial:05d}"


def arxiv_author_count(rng: random.Random) -> int:
    """Authors per paper as on arXiv: median about 4, mean about 6, a tail of consortia past 100."""
    if rng.random() < 0.003:
        return 100 + int(rng.random() * 500)
    return max(1, min(60, round(rng.lognormvariate(1.39, 0.9))))


def _arxiv(n_records: int, seed: int) -> tuple[str, list[CanonicalRecord]]:
    """Canonical JSON Lines shaped like an arXiv listing: recurring people in co-author
    communities (a group's senior members on most of its papers), common names shared by
    different people in different communities, institutions, categories and abstracts."""
    rng = random.Random(seed)
    gen = _Generator(0, seed)
    people = arxiv_people(rng, max(200, int(n_records * 1.2)))
    community_size = 40
    communities = max(1, len(people) // community_size)
    home = [(index // community_size, rng.choice(SLUGS)) for index in range(len(people))]
    records = []
    for index in range(n_records):
        count = arxiv_author_count(rng)
        community = int(rng.random() * communities)
        chosen: dict[int, None] = {}
        for _ in range(count * 3):
            if len(chosen) == count:
                break
            if rng.random() < 0.85:
                # Within a community the low-numbered (senior) members recur most.
                member = min(int(rng.paretovariate(0.8)) - 1, community_size - 1)
                person = community * community_size + member
            else:
                person = int(rng.random() * len(people))
            chosen[person % len(people)] = None
        authors = [people[person] for person in chosen]
        year, month = 2015 + int(rng.random() * 11), 1 + int(rng.random() * 12)
        category = CATEGORIES[community % len(CATEGORIES)]
        records.append(
            CanonicalRecord(
                title=f"{gen.title()} ({seed}.{index})",
                authors=authors,
                institutions=sorted({home[person][1] for person in list(chosen)[:3]}),
                abstract=gen.abstract(),
                arxiv_id=_arxiv_id(seed, index),
                date=f"{year}-{month:02d}-{1 + int(rng.random() * 28):02d}",
                category=f"cs.{category}",
                kind="preprint",
                source="arXiv",
                line_start=index + 1,
                line_end=index + 1,
            )
        )
    return jsonl.dumps(records), records
