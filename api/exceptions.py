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
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from common import errors, ratelimit


class DomainApiError(exceptions.APIException):
    """A service's domain error (common.errors.DomainError) with its status and code."""

    def __init__(self, error: errors.DomainError) -> None:
        self.status_code = error.status_code
        super().__init__(detail=error.message or str(error) or error.code, code=error.code)
        if isinstance(error, errors.Moved):
            self.moved = (error.old_path, error.new_path)


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, errors.DomainError):
        return DomainApiError(exc)
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
    if getattr(exc, "moved", None) and context.get("request") is not None:
        request = context["request"]
        old_path, new_path = exc.moved
        response["Location"] = request.build_absolute_uri(request.path.replace(old_path, new_path, 1))
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(math.ceil(exc.wait))
    return response
