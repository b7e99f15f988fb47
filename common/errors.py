"""Domain errors every app's own errors build on, each with the HTTP status it means.

Services raise their app's subclasses (``ImportRejected``, ``accounts.services.Conflict``...);
the API's one handler (api/exceptions.py) and HTML views read ``status_code`` and ``code``, so
neither needs to know the apps.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request we refuse, with a message for the person who made it."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    status_code = 400
    code = "refused"


class NotAllowed(DomainError):
    status_code = 403
    code = "not_allowed"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """The request is valid but the resource's state does not allow it (already claimed...)."""

    status_code = 409
    code = "conflict"


class TooLarge(DomainError):
    """The request asks for more work than the server allows."""

    status_code = 422
    code = "too_large"


class Unreachable(DomainError):
    """A service we depend on (arXiv, Crossref, ORCID) could not be reached."""

    status_code = 502
    code = "source_unreachable"


class Moved(DomainError):
    """What was asked for lives at another address now (a merged author's survivor)."""

    status_code = 301
    code = "moved_permanently"

    def __init__(self, message: str, *, old_path: str, new_path: str) -> None:
        super().__init__(message)
        self.old_path = old_path
        self.new_path = new_path
