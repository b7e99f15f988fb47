"""The events that follow a change, and the tasks that react to each.

A service announces what happened, inside its transaction::

    announce(AUTHORS_CHANGED, author_ids=[7, 9])

Every reaction becomes an outbox row written in that transaction and published once it commits
(``common.dispatch``): a rolled-back change announces nothing, a broker outage delays the work but
loses none. Services import this module, never a tasks module; ``pipeline/tasks.py`` holds the
reactions, which call back into the apps' services.

Queues: the embedding reactions run on "heavy" (``CELERY_TASK_ROUTES``); everything else on
"default". Heavy work never places records, and placement never loads the embedding model.
"""

from __future__ import annotations

from common.cache_generations import PROFILE_PAGES, SEARCH_RESULTS
from common.dispatch import enqueue_on_commit

# The events, with what happened and the payload a service passes to announce().
BATCH_UPLOADED = "batch_uploaded"  # an import was uploaded or queued again: batch_id
BATCH_IMPORTED = "batch_imported"  # an import placed its last record: batch_id
BLOCKS_CHANGED = "blocks_changed"  # an import added mentions to name blocks: batch_id
AUTHORS_CHANGED = "authors_changed"  # papers, aliases or merges of these authors: author_ids
# claims, follows or profile fields: author_ids, with_collaborators
TRUST_INPUTS_CHANGED = "trust_inputs_changed"
PAPERS_TEXT_CHANGED = "papers_text_changed"  # a title or an abstract changed: paper_ids
PAPERS_EMBEDDED = "papers_embedded"  # new vectors for these papers: paper_ids, author_ids
ABSTRACTS_MATCHED = "abstracts_matched"  # waiting abstracts have a paper to go to: item_ids
CLAIM_SUBMITTED = "claim_submitted"  # a claim waits for review: claim_id
CLAIM_DECIDED = "claim_decided"  # approved, rejected, withdrawn or revoked: claim_id
MESSAGE_SENT = "message_sent"  # an invitation or a reply: message_id
REPORT_FILED = "report_filed"  # an abuse report: report_id

_TASKS = "pipeline.tasks."

# Events after which a cached search ranking may list the wrong papers (papers.selectors).
CHANGES_SEARCH_RESULTS = {
    BATCH_IMPORTED,
    AUTHORS_CHANGED,
    PAPERS_TEXT_CHANGED,
    PAPERS_EMBEDDED,
    ABSTRACTS_MATCHED,
}

# event -> [(task, the payload keys it takes)], in the order they are queued.
REACTIONS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    BATCH_UPLOADED: [(_TASKS + "import_batch_task", ("batch_id",))],
    BATCH_IMPORTED: [
        (_TASKS + "batch_followups_task", ("batch_id",)),
        (_TASKS + "embed_unattributed_task", ()),
    ],
    BLOCKS_CHANGED: [(_TASKS + "blocks_recluster_task", ("batch_id",))],
    AUTHORS_CHANGED: [(_TASKS + "authors_derived_refresh_task", ("author_ids",))],
    TRUST_INPUTS_CHANGED: [(_TASKS + "author_trust_refresh_task", ("author_ids", "with_collaborators"))],
    PAPERS_TEXT_CHANGED: [(_TASKS + "embed_papers_task", ("paper_ids",))],
    PAPERS_EMBEDDED: [
        (_TASKS + "embed_unattributed_task", ()),
        (_TASKS + "authors_refresh_counts_task", ("author_ids",)),  # their topics changed
    ],
    ABSTRACTS_MATCHED: [(_TASKS + "unattributed_attach_task", ("item_ids",))],
    CLAIM_SUBMITTED: [
        (_TASKS + "claim_notify_task", ("claim_id",)),
        (_TASKS + "claim_staff_notify_task", ("claim_id",)),
    ],
    CLAIM_DECIDED: [(_TASKS + "claim_notify_task", ("claim_id",))],
    MESSAGE_SENT: [(_TASKS + "message_notify_task", ("message_id",))],
    REPORT_FILED: [(_TASKS + "report_notify_task", ("report_id",))],
}


class UnknownEvent(ValueError):
    pass


def announce(event: str, **payload) -> None:
    """Queue every reaction to ``event`` to run after the current transaction commits."""
    reactions = REACTIONS.get(event)
    if reactions is None:
        raise UnknownEvent(f"No such event: {event!r}")
    for task_name, keys in reactions:
        missing = [key for key in keys if key not in payload]
        if missing:
            raise TypeError(f"Event {event!r} needs {', '.join(missing)} for {task_name}")
        enqueue_on_commit(task_name, {key: payload[key] for key in keys})
    # What these authors' pages show changed: cached copies are not served once this commits.
    if payload.get("author_ids"):
        PROFILE_PAGES.replace_on_commit(payload["author_ids"])
    # Papers came, went, changed text or got vectors: cached search rankings are stale.
    if event in CHANGES_SEARCH_RESULTS:
        SEARCH_RESULTS.replace_on_commit([0])
