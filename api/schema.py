"""OpenAPI generation: every operation documents the errors it can answer with."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import AllowAny

from api.serializers import ErrorSerializer

_ERRORS = {
    "301": "The author was merged into another; `Location` is the same URL for that author.",
    "400": "Invalid input (see `fields`).",
    "401": "Not authenticated: send `Authorization: Token <key>` or log in on the site.",
    "403": "Authenticated, but not allowed to do this.",
    "404": "No such object (or page).",
    "409": "Not possible in the object's current state.",
    "415": "Unsupported request body type.",
    "429": "Rate limit reached; retry after `retry_after` seconds (also the Retry-After header).",
}


class AutoSchema(SpectacularAutoSchema):
    def _error_codes(self, operation: dict) -> list[str]:
        places = {parameter["in"] for parameter in operation.get("parameters", [])}
        has_body = "requestBody" in operation
        codes = ["429"]
        if has_body or "query" in places:
            codes.append("400")
        if places & {"path", "query"}:
            codes.append("404")  # no such object, or no such page
        if has_body:
            codes.append("415")
        if "/authors/{slug}" in self.path:
            codes.append("301")
        if not all(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            codes += ["401", "403"]
        if self.method != "GET" and getattr(self.view, "may_conflict", False):
            codes.append("409")
        return codes

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in self._error_codes(operation):
            if code not in responses:
                response = self._get_response_for_code(
                    ErrorSerializer, code, ["application/json"], "response"
                )
                response["description"] = _ERRORS[code]
                responses[code] = response
        if self.method == "GET":
            responses.setdefault(
                "304", {"description": "Not modified: If-None-Match or If-Modified-Since matched."}
            )
        operation["responses"] = dict(sorted(responses.items()))
        return operation
