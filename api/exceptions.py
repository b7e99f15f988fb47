"""One place that turns every error into the same JSON body.

Body: ``{"status": 404, "code": "not_found", "message": "...", "fields": {...}}``; a 429 adds
``retry_after`` (seconds, also sent as the Retry-After header). ``fields`` maps an input
field to its messages for validation errors and is empty otherwise.
"""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.services import AccountActionError, EmailNotVerified, NotAllowed
from accounts.services import Conflict as AccountConflict
from common import ratelimit
from graph.paths import PathLimitError
from graph.slice import SliceLimitError
from ingest import fetchers
from ingest.services import ImportRejected


class Conflict(exceptions.APIException):
    """The request is valid but the resource's state does not allow it (already claimed...)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class ImportRefused(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The upload was refused."
    default_code = "import_rejected"


class Refused(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request was refused."
    default_code = "refused"


class NotPermitted(exceptions.PermissionDenied):
    default_code = "not_allowed"


class UnverifiedEmail(exceptions.PermissionDenied):
    default_code = "email_not_verified"


class SourceUnreachable(exceptions.APIException):
    """A metadata source we depend on (arXiv, Crossref, ORCID) could not be reached."""

    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = "A metadata source could not be reached."
    default_code = "source_unreachable"


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request asks for more work than the server allows."
    default_code = "too_large"


# Domain errors raised by services (most specific first), and the API error each one becomes.
DOMAIN_ERRORS: list[tuple[type[Exception], type[exceptions.APIException]]] = [
    (ImportRejected, ImportRefused),
    (fetchers.SourceUnreachable, SourceUnreachable),
    (AccountConflict, Conflict),
    (EmailNotVerified, UnverifiedEmail),
    (NotAllowed, NotPermitted),
    (AccountActionError, Refused),
    (SliceLimitError, Refused),
    (PathLimitError, TooLarge),
]


def _translate(exc: Exception) -> Exception:
    for domain_error, api_error in DOMAIN_ERRORS:
        if isinstance(exc, domain_error):
            return api_error(detail=getattr(exc, "message", None) or str(exc) or None)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(detail=as_serializer_error(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _first_message(detail) -> str:
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        return _first_message(next(iter(detail.values())))
    return str(detail)


def error_body(exc: exceptions.APIException, http_status: int) -> dict:
    detail = exc.detail
    body: dict = {"status": http_status, "code": "", "message": "", "fields": {}}
    if isinstance(exc, exceptions.ValidationError):
        body["code"] = "validation_error"
        if isinstance(detail, dict):
            body["fields"] = detail
            body["message"] = "Invalid input: " + _first_message(detail)
        else:
            body["fields"] = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
            body["message"] = _first_message(detail)
    else:
        body["code"] = getattr(detail, "code", None) or exc.default_code
        body["message"] = _first_message(detail)
    if isinstance(exc, exceptions.Throttled):
        body["retry_after"] = math.ceil(exc.wait) if exc.wait is not None else None
        body["message"] = "Too many requests: the rate limit for this client was reached" + (
            f"; try again in {body['retry_after']} seconds." if exc.wait is not None else "."
        )
    return body


def exception_handler(exc: Exception, context: dict):
    exc = _translate(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django's 500 handling (and logging) takes over
    response.data = error_body(exc, response.status_code)
    refusal = getattr(context.get("request"), "rate_limit_refusal", None)
    if isinstance(exc, exceptions.Throttled) and refusal is not None:
        response.data = ratelimit.api_error_body(refusal)  # says which limit, from the one policy
    if getattr(exc, "location", None):
        response["Location"] = exc.location
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(math.ceil(exc.wait))
    return response
