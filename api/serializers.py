"""What every app's API serializers share: absolute links, API paths, and the error body.

Representations live beside their app (``<app>/serializers.py``); endpoint-specific
Input/Output serializers are nested in the app's API views (``<app>/apis.py``), HackSoft
style. Every serializer is plain (not a ModelSerializer): the API's shape is a contract and
must not change when a model gains a column.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse


def absolute(serializer: serializers.Field, path: str | None) -> str | None:
    """A site path as an absolute URL when the request is known (always, in views)."""
    request = serializer.context.get("request")
    if path is None or request is None:
        return path
    return request.build_absolute_uri(path)


@extend_schema_field(OpenApiTypes.URI)
class LinkField(serializers.Field):
    """An absolute link computed from the object: ``LinkField(lambda obj: path)``."""

    def __init__(self, path_of, **kwargs):
        self.path_of = path_of
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return absolute(self, self.path_of(value))


def api_path(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


class ErrorSerializer(serializers.Serializer):
    """Every 4xx answer of the API has this body."""

    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(help_text="Machine-readable: `not_found`, `validation_error`, ...")
    message = serializers.CharField(help_text="One human-readable sentence.")
    fields = serializers.DictField(
        child=serializers.JSONField(),
        help_text="For validation errors: input field -> list of messages. Empty otherwise.",
    )
    retry_after = serializers.IntegerField(
        required=False, allow_null=True, help_text="Only on 429: seconds until a retry can succeed."
    )

    class Meta:
        ref_name = "Error"
