"""What every app's API views build on, and the API's own endpoint: its tokens.

Views are thin: scope, validate, call one selector or service, serialize. Reads are public and
answer conditional GETs (api/conditional.py); writes need a user (token or session) and say
who may do what in their permission classes. Each app's endpoints live in ``<app>/apis.py``;
the URLs are in config/urls_api.py."""

from __future__ import annotations

import json

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.conditional import ConditionalGetMixin
from api.models import ApiToken
from api.services import api_token_create, api_token_revoke, api_tokens_revoke_all
from api.throttling import TokenObtainThrottle

# --- shared pieces -------------------------------------------------------------------------


class PublicReadApi(ConditionalGetMixin, APIView):
    permission_classes = [AllowAny]


class PublicListApi(ConditionalGetMixin, generics.ListAPIView):
    permission_classes = [AllowAny]


class QueryParamsMixin:
    """Validate a view's non-filter query parameters with its nested QuerySerializer."""

    QuerySerializer: type[serializers.Serializer]

    def query_params(self, request) -> dict:
        serializer = self.QuerySerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class TextRenderer(BaseRenderer):
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode(self.charset)
        return json.dumps(data, ensure_ascii=False).encode(self.charset)


class BibTeXRenderer(TextRenderer):
    media_type = "application/x-bibtex"
    format = "bib"


class CslJsonRenderer(TextRenderer):
    media_type = "application/vnd.citationstyles.csl+json"
    format = "csl.json"


class CsvRenderer(TextRenderer):
    media_type = "text/csv"
    format = "csv"


class ExportApi(PublicReadApi):
    """A file download; errors are still JSON with the usual body."""

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 300:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def attachment(self, content, filename: str) -> Response:
        response = Response(content)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- authentication ------------------------------------------------------------------------


class TokenObtainApi(APIView):
    """POST: exchange a username and password for a new API token. DELETE: revoke tokens."""

    throttle_classes = [TokenObtainThrottle]

    def _obtaining(self) -> bool:
        return getattr(self.request, "method", None) == "POST"  # no request while building the schema

    def get_authenticators(self):
        # A password exchange must not depend on (or be refused for) a session already open.
        return [] if self._obtaining() else super().get_authenticators()

    def get_permissions(self):
        return [AllowAny()] if self._obtaining() else [IsAuthenticated()]

    def get_throttles(self):
        return super().get_throttles() if self._obtaining() else []

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(
            max_length=4096, style={"input_type": "password"}, trim_whitespace=False
        )

        class Meta:
            ref_name = "TokenObtainInput"

        def validate(self, data: dict) -> dict:
            user = authenticate(
                request=self.context.get("request"), username=data["username"], password=data["password"]
            )
            if user is None:  # wrong password, unknown or inactive account: one answer for all
                raise serializers.ValidationError("Unable to log in with the username and password given.")
            return {"user": user}

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(
            help_text="Send as `Authorization: Token <token>`. Shown this once: only its digest is kept."
        )
        expires_at = serializers.DateTimeField(help_text="After this the token is refused (401).")

        class Meta:
            ref_name = "Token"

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer},
        tags=["auth"],
        summary="Get a new API token",
        description=(
            "Every call issues a new token, valid for `API_TOKEN_DAYS` days (30 by default). "
            "The key is in this response only; the server keeps its SHA-256 digest."
        ),
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, key = api_token_create(user=serializer.validated_data["user"])
        return Response(self.OutputSerializer({"token": key, "expires_at": token.expires_at}).data)

    class RevokeOutputSerializer(serializers.Serializer):
        revoked = serializers.IntegerField(help_text="How many tokens stopped working.")

        class Meta:
            ref_name = "TokenRevoked"

    @extend_schema(
        request=None,
        responses={200: RevokeOutputSerializer},
        tags=["auth"],
        summary="Revoke API tokens",
        description=(
            "With `Authorization: Token <key>`: that token stops working at once. "
            "Signed in on the site (session): every API token of the account is revoked."
        ),
    )
    def delete(self, request):
        if isinstance(request.auth, ApiToken):
            revoked = api_token_revoke(token=request.auth)
        else:
            revoked = api_tokens_revoke_all(user=request.user)
        return Response(self.RevokeOutputSerializer({"revoked": revoked}).data)
