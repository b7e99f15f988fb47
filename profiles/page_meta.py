"""Crawler metadata for a profile page: schema.org Person with its identifiers (pure).

No Highwire ``citation_*`` tags here: they describe one article, and a profile carrying
them would be indexed by Google Scholar as a paper.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from common.page_meta import PageMeta, one_line
from profiles.models import Author


def orcid_url(orcid: str) -> str | None:
    return f"https://orcid.org/{orcid}" if orcid else None


def ror_url(ror_id: str) -> str | None:
    """``https://ror.org/05a28rw58`` from a bare ROR id or its URL."""
    ror_id = (ror_id or "").strip()
    if not ror_id:
        return None
    return ror_id if ror_id.startswith("https://") else f"https://ror.org/{ror_id.rsplit('/', 1)[-1]}"


def author_page_meta(
    author: Author, *, summary: str, aliases: list[str], topic_names: list[str], site_url: Callable
) -> PageMeta:
    """``author`` with ``institution`` loaded; ``site_url`` makes a path absolute."""
    url = site_url(author.get_absolute_url())
    person: dict = {
        "@context": "https://schema.org",
        "@type": "Person",
        "@id": url,
        "url": url,
        "name": one_line(author.display_name),
        "description": summary,
    }
    if aliases:
        person["alternateName"] = [one_line(name) for name in aliases]
    if author.role:
        person["jobTitle"] = one_line(author.role)
    if author.institution_id:
        organization = {
            "@type": "Organization",
            "name": one_line(author.institution.name),
            "url": site_url(reverse("profiles:institution", kwargs={"slug": author.institution.slug})),
        }
        if ror := ror_url(author.institution.ror_id):
            organization["sameAs"] = ror
        person["affiliation"] = organization
    if topic_names:
        person["knowsAbout"] = topic_names
    same_as = [link for link in (orcid_url(author.orcid), author.homepage) if link]
    if same_as:
        person["sameAs"] = same_as
    if author.orcid:
        person["identifier"] = {"@type": "PropertyValue", "propertyID": "ORCID", "value": author.orcid}
    return PageMeta(
        canonical_url=url,
        title=one_line(author.display_name),
        description=summary,
        og_type="profile",
        json_ld=person,
    )
