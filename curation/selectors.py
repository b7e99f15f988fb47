"""Reads of the curation queue."""

from __future__ import annotations

from curation.models import CurationItem


def unattributed_abstracts_waiting() -> list[tuple[int, str]]:
    """(item id, abstract) of open title-less abstracts that no paper has been found for yet."""
    rows = CurationItem.objects.filter(
        kind=CurationItem.Kind.UNATTRIBUTED_ABSTRACT, status=CurationItem.Status.OPEN
    ).values_list("pk", "record__data", "details")
    return [
        (pk, (data or {}).get("abstract", ""))
        for pk, data, details in rows
        if (data or {}).get("abstract") and not (details or {}).get("embedding_match")
    ]
