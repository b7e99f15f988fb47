"""Crawler metadata for a paper page: Highwire ``citation_*`` tags and schema.org ScholarlyArticle (pure)."""

from __future__ import annotations

from collections.abc import Callable

from common.page_meta import PageMeta, one_line
from papers.models import Paper

DESCRIPTION_LIMIT = 300


def highwire_date(paper: Paper) -> str | None:
    """``2023/05/22``, ``2023/05`` or ``2023``: as precise as known (Google Scholar's format)."""
    if paper.year is None:
        return None
    parts = [f"{paper.year:04d}"]
    if paper.month:
        parts.append(f"{paper.month:02d}")
        if paper.day:
            parts.append(f"{paper.day:02d}")
    return "/".join(parts)


def iso_date(paper: Paper) -> str | None:
    """``2023-05-22``, ``2023-05`` or ``2023`` (schema.org Date); None without a year."""
    date = highwire_date(paper)
    return date.replace("/", "-") if date else None


def arxiv_pdf_url(paper: Paper) -> str | None:
    return f"https://arxiv.org/pdf/{paper.arxiv_id}" if paper.arxiv_id else None


def paper_page_meta(
    paper: Paper, *, authorships: list, topic_names: list[str], site_url: Callable
) -> PageMeta:
    """``authorships`` in order, with ``author`` loaded; ``site_url`` makes a path absolute."""
    url = site_url(paper.get_absolute_url())
    title = one_line(str(paper))
    highwire = [("citation_title", title)]
    highwire += [("citation_author", one_line(a.name_as_written)) for a in authorships]
    if date := highwire_date(paper):
        highwire.append(("citation_publication_date", date))
    if paper.venue:
        venue_tag = {"inproceedings": "citation_conference_title"}.get(paper.kind, "citation_journal_title")
        highwire.append((venue_tag, one_line(paper.venue)))
    if paper.doi:
        highwire.append(("citation_doi", paper.doi))
    if paper.arxiv_id:
        highwire.append(("citation_arxiv_id", paper.arxiv_id))
    if pdf := arxiv_pdf_url(paper):
        highwire.append(("citation_pdf_url", pdf))
    highwire.append(("citation_abstract_html_url", url))

    article: dict = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "@id": url,
        "url": url,
        "name": title,
        "headline": one_line(title, limit=110),
        "author": [
            {
                "@type": "Person",
                "name": one_line(a.name_as_written),
                "url": site_url(a.author.get_absolute_url()),
            }
            for a in authorships
        ],
    }
    if date := iso_date(paper):
        article["datePublished"] = date
    if paper.abstract:
        article["abstract"] = paper.abstract
    if topic_names:
        article["keywords"] = topic_names
    if paper.venue:
        article["isPartOf"] = {"@type": "Periodical", "name": one_line(paper.venue)}
    identifiers, same_as = [], []
    if paper.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": paper.doi})
        same_as.append(f"https://doi.org/{paper.doi}")
    if paper.arxiv_id:
        identifiers.append({"@type": "PropertyValue", "propertyID": "arXiv", "value": paper.arxiv_id})
        same_as.append(f"https://arxiv.org/abs/{paper.arxiv_id}")
    if identifiers:
        article["identifier"] = identifiers
        article["sameAs"] = same_as
    if pdf := arxiv_pdf_url(paper):
        article["encoding"] = {"@type": "MediaObject", "encodingFormat": "application/pdf", "contentUrl": pdf}

    return PageMeta(
        canonical_url=url,
        title=title,
        description=one_line(paper.abstract, limit=DESCRIPTION_LIMIT),
        og_type="article",
        json_ld=article,
        highwire=highwire,
    )
