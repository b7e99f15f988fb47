"""Papers as BibTeX, CSL-JSON and CSV (an author's works, a co-author list) (pure).

The functions take papers with their authorships (and topics) already fetched and return
text or plain data; they query nothing.

BibTeX is written by hand: UTF-8, one field per line, every value braced. Plain-text
specials (``& % $ # _ { } ~ ^ \\``) are escaped; text that already is LaTeX (math in
``$...$``, accent commands such as ``\\"U``, as some sources write titles) is passed through
as LaTeX. Abstracts are kept as written, which is how our BibTeX importer reads them back.

Imported text is untrusted and a ``.bib`` file ends up in someone's LaTeX run, so only an
allow-list of LaTeX commands (accents, special letters, text formatting, common math) is
passed on: any other command (``\\input``, ``\\write18``, ``\\def``, ``\\catcode``...) is
written as ``\\textbackslash{}`` plus its name, TeX's ``^^5c`` character code notation is
broken up, and identifiers (DOI, arXiv id, URL) never carry a backslash.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from papers.models import Paper


def paper_iso_date(paper: Paper) -> str | None:
    """The date with its real precision: ``2023``, ``2023-02``, ``2023-02-11``, ``--03-19``."""
    if paper.year is None:
        if paper.month and paper.day:
            return f"--{paper.month:02d}-{paper.day:02d}"
        return None
    if paper.month and paper.day:
        return f"{paper.year:04d}-{paper.month:02d}-{paper.day:02d}"
    if paper.month:
        return f"{paper.year:04d}-{paper.month:02d}"
    return f"{paper.year:04d}"


# --- BibTeX --------------------------------------------------------------------------------

_MATH = re.compile(r"(?<!\\)(\$[^$]*\$)")  # the same split the importer decodes with
_LATEX_COMMAND = re.compile(r"\\(?:[A-Za-z]+|[\"'`^~=.])")
_PLAIN_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# In LaTeX text only the characters that are never markup get escaped.
_LATEX_TEXT_SPECIALS = {key: _PLAIN_SPECIALS[key] for key in "&%#_^"}


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


# The LaTeX a source may legitimately write in a title, a name or a venue.
_TEXT_COMMANDS = _names(
    # accents with letter names, and letters that need a command
    "c v u H k r d b t i j o O l L ss SS ae AE oe OE aa AA dh DH th TH ng NG"
    # formatting and a few symbols
    " emph textit textbf textsc texttt textrm textsf textsl textup textnormal textsuperscript"
    " textsubscript em it bf sc tt rm sf sl mbox textbackslash textasciitilde textasciicircum"
    " textendash textemdash textquoteleft textquoteright textquotedblleft textquotedblright"
    " textbar textless textgreater textdegree textregistered texttrademark copyright S P"
    " dag ddag dots ldots TeX LaTeX LaTeXe BibTeX relax"
)
_MATH_COMMANDS = _TEXT_COMMANDS | _names(
    # Greek letters
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi"
    " pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta"
    " Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
    # alphabets and text inside math
    " mathbf mathcal mathbb mathrm mathit mathsf mathtt mathfrak mathscr boldsymbol bm text"
    " operatorname"
    # structures, operators, relations, arrows, delimiters, accents, spacing
    " frac dfrac tfrac sqrt sum prod coprod int iint oint lim limsup liminf sup inf max min arg"
    " argmax argmin log ln exp sin cos tan sinh cosh tanh det dim ker Pr deg gcd mod bmod pmod"
    " infty partial nabla cdot cdots ldots vdots ddots times div pm mp ast star circ bullet oplus"
    " otimes odot leq geq le ge neq ne ll gg approx sim simeq cong equiv propto prec succ preceq"
    " succeq in notin ni subset subseteq supset supseteq cup cap setminus emptyset varnothing"
    " forall exists nexists neg lnot land lor wedge vee top bot perp parallel mid nmid vert Vert"
    " to gets rightarrow leftarrow Rightarrow Leftarrow leftrightarrow Leftrightarrow mapsto"
    " longrightarrow implies iff uparrow downarrow left right big Big bigg Bigg bigl bigr Bigl Bigr"
    " langle rangle lvert rvert lVert rVert lfloor rfloor lceil rceil hat widehat tilde widetilde"
    " bar overline underline vec dot ddot prime ell hbar Re Im aleph quad qquad top intercal"
    " mathop limits nolimits displaystyle textstyle scriptstyle"
)
# Control symbols (a backslash and one non-letter): accents and escaped specials.
_CONTROL_SYMBOLS = frozenset("\"'`^~=.&%$#_{}, ;:!-/|")
_CARET_PAIR = re.compile(r"\^(?=\^)")
_COMMAND = re.compile(r"\\([A-Za-z]+|[^A-Za-z]?)")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_ENTRY_TYPES = {"article": "article", "inproceedings": "inproceedings"}


def _braces_balanced(text: str) -> bool:
    depth = 0
    for index, char in enumerate(text):
        if index and text[index - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _command_allowed(name: str, allowed: frozenset[str]) -> bool:
    return name in allowed or name in _CONTROL_SYMBOLS


def _commands_allowed(text: str, allowed: frozenset[str]) -> bool:
    """No command outside ``allowed`` and no ``^^`` (TeX's notation for any character, ``^^5c`` = ``\\``)."""
    return "^^" not in text and all(_command_allowed(name, allowed) for name in _COMMAND.findall(text))


def _latex_text(text: str, allowed: frozenset[str] = _TEXT_COMMANDS) -> str:
    """LaTeX text with allowed commands kept; any other command is written out as plain text."""
    out = []
    position = 0
    for match in _COMMAND.finditer(text):
        out.append("".join(_LATEX_TEXT_SPECIALS.get(char, char) for char in text[position : match.start()]))
        name = match.group(1)
        if _command_allowed(name, allowed):
            out.append(match.group(0))
        else:
            out.append(r"\textbackslash{}" + "".join(_PLAIN_SPECIALS.get(char, char) for char in name))
        position = match.end()
    out.append("".join(_LATEX_TEXT_SPECIALS.get(char, char) for char in text[position:]))
    return "".join(out)


def _plain_text(text: str) -> str:
    return "".join(_PLAIN_SPECIALS.get(char, char) for char in text)


def bibtex_escape(text: str) -> str:
    """Text for a braced BibTeX value that decodes back to ``text`` (allowed LaTeX kept as LaTeX)."""
    text = _one_line(text)
    is_latex = bool(_LATEX_COMMAND.search(_MATH.sub("", text))) and _braces_balanced(text)
    out = []
    for index, part in enumerate(_MATH.split(text)):
        text_part = _latex_text if is_latex else _plain_text
        if index % 2 == 0:
            out.append(text_part(part))
        elif _braces_balanced(part) and _commands_allowed(part, _MATH_COMMANDS):
            out.append(part)  # math mode, kept as written
        else:  # math with commands we do not pass on: the dollars become text too
            out.append(r"\$" + text_part(part[1:-1]) + r"\$")
    return "".join(out)


def _bibtex_raw(text: str) -> str:
    """An abstract as written but for unknown commands; braces are escaped only if they do not balance."""
    text = _one_line(text)
    if not _commands_allowed(text, _MATH_COMMANDS):
        text = _COMMAND.sub(
            lambda match: (
                match.group(0)
                if _command_allowed(match.group(1), _MATH_COMMANDS)
                else r"\textbackslash{}" + match.group(1)
            ),
            text,
        )
        text = _CARET_PAIR.sub("^{}", text)  # ``^{}^5c`` is no longer a character code
    if _braces_balanced(text):
        return text
    return re.sub(r"(?<!\\)([{}])", r"\\\1", text)


def _bibtex_identifier(text: str) -> str:
    """A DOI, arXiv id or URL: verbatim, so backslashes, carets and braces are percent-encoded."""
    return "".join(
        {"\\": "%5C", "^": "%5E", "{": "%7B", "}": "%7D"}.get(char, char) for char in _one_line(text)
    )


def _bibtex_name(name: str) -> str:
    """One author for the ``and``-separated list; names a parser would split are braced whole."""
    escaped = bibtex_escape(name)
    if "," in name or re.search(r"\sand\s", name, re.IGNORECASE):
        return "{" + escaped + "}"
    return escaped


def authors_cut(paper: Paper) -> bool:
    """The list is known to be incomplete: the source cut it, or only the listing's owner is known."""
    authorships = paper.authorships.all()
    return paper.authors_truncated or (bool(authorships) and all(a.from_subject for a in authorships))


def bibtex_entry(paper: Paper) -> str:
    authorships = list(paper.authorships.all())
    fields: list[tuple[str, str]] = []
    if paper.title:
        fields.append(("title", bibtex_escape(paper.title)))
    names = [_bibtex_name(authorship.name_as_written) for authorship in authorships]
    if authors_cut(paper):
        names.append("others")
    if names:
        fields.append(("author", " and ".join(names)))
    if paper.year:
        fields.append(("year", str(paper.year)))
        if paper.month:
            fields.append(("month", _MONTHS[paper.month - 1]))
            if paper.day:
                fields.append(("day", str(paper.day)))
    entry_type = _ENTRY_TYPES.get(paper.kind, "misc")
    if paper.venue:
        venue_field = {"article": "journal", "inproceedings": "booktitle"}.get(entry_type, "note")
        fields.append((venue_field, bibtex_escape(paper.venue)))
    # DOIs and URLs are verbatim fields (the url package reads them as written).
    if paper.doi:
        fields.append(("doi", _bibtex_identifier(paper.doi)))
    if paper.arxiv_id:
        fields.append(("eprint", _bibtex_identifier(paper.arxiv_id)))
        fields.append(("archiveprefix", "arXiv"))
        if paper.primary_category_id and "." in paper.primary_category.code:
            fields.append(("primaryclass", paper.primary_category.code))
    url = paper_external_url(paper)
    if url:
        fields.append(("url", _bibtex_identifier(url)))
    if paper.abstract:
        fields.append(("abstract", _bibtex_raw(paper.abstract)))
    lines = [f"@{entry_type}{{{paper.slug},"]
    # Months are BibTeX's predefined macros (``mar``), the one value written without braces.
    lines += [
        f"  {name} = {value}," if name == "month" else f"  {name} = {{{value}}}," for name, value in fields
    ]
    lines.append("}")
    return "\n".join(lines)


def works_bibtex(papers: Iterable[Paper], *, heading: str = "") -> str:
    entries = [bibtex_entry(paper) for paper in papers]
    preamble = f"% {_one_line(heading)}\n% Encoding: UTF-8\n\n" if heading else ""
    return preamble + "\n\n".join(entries) + ("\n" if entries else "")


def paper_external_url(paper: Paper) -> str | None:
    if paper.doi:
        return f"https://doi.org/{paper.doi}"
    if paper.arxiv_id:
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    return None


# --- CSL-JSON ------------------------------------------------------------------------------

_CSL_TYPES = {"article": "article-journal", "inproceedings": "paper-conference", "preprint": "article"}


def csl_name(name: str) -> dict[str, str]:
    """``{"given", "family"}``; lower-case particles (``de la``) stay with the family name."""
    words = name.split()
    if len(words) < 2 or "," in name:
        return {"literal": name}
    family_start = len(words) - 1
    while family_start > 1 and words[family_start - 1][:1].islower():
        family_start -= 1
    return {"given": " ".join(words[:family_start]), "family": " ".join(words[family_start:])}


def csl_item(paper: Paper) -> dict:
    item: dict = {"id": paper.slug, "type": _CSL_TYPES.get(paper.kind, "article")}
    if paper.title:
        item["title"] = paper.title
    authors = [csl_name(authorship.name_as_written) for authorship in paper.authorships.all()]
    if authors_cut(paper):
        authors.append({"literal": "others"})
    if authors:
        item["author"] = authors
    if paper.year:
        item["issued"] = {"date-parts": [[part for part in (paper.year, paper.month, paper.day) if part]]}
    if paper.venue:
        item["container-title"] = paper.venue
    if paper.doi:
        item["DOI"] = paper.doi
    if paper.arxiv_id:
        item["number"] = f"arXiv:{paper.arxiv_id}"
        item.setdefault("publisher", "arXiv")
    url = paper_external_url(paper)
    if url:
        item["URL"] = url
    if paper.abstract:
        item["abstract"] = paper.abstract
    return item


def works_csl_json(papers: Iterable[Paper]) -> list[dict]:
    return [csl_item(paper) for paper in papers]


# --- CSV -----------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A CSV cell; text a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_text(header: list[str], rows: Iterable[list]) -> str:
    """A CSV document (CRLF lines) with formula-looking cells defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


WORKS_CSV_HEADER = [
    "title", "authors", "authors_truncated", "date", "year", "kind", "venue", "source",
    "doi", "arxiv_id", "url", "topics", "has_code", "score", "abstract", "profile_url",
]  # fmt: skip


def works_csv(papers: Iterable[Paper], *, site_url) -> str:
    """One row per paper; authors and topics joined with ``; ``."""

    def row(paper: Paper) -> list:
        return [
            paper.title,
            "; ".join(authorship.name_as_written for authorship in paper.authorships.all()),
            authors_cut(paper),
            paper_iso_date(paper),
            paper.year,
            paper.kind,
            paper.venue,
            paper.source,
            paper.doi,
            paper.arxiv_id,
            paper_external_url(paper),
            "; ".join(paper_topic.topic.code for paper_topic in paper.paper_topics.all()),
            paper.has_code,
            paper.score,
            paper.abstract,
            site_url(paper.get_absolute_url()),
        ]

    return csv_text(WORKS_CSV_HEADER, (row(paper) for paper in papers))


COI_CSV_HEADER = ["name", "profile_url", "institution", "last_year_together", "papers_together"]


def coi_csv(coauthors: Iterable, *, site_url) -> str:
    """One row per recent co-author (``graph.selectors.RecentCoauthor``)."""

    def row(coauthor) -> list:
        author = coauthor.author
        return [
            author.display_name,
            site_url(author.get_absolute_url()),
            author.institution.name if author.institution_id else "",
            coauthor.last_year,
            coauthor.shared_papers,
        ]

    return csv_text(COI_CSV_HEADER, (row(coauthor) for coauthor in coauthors))
