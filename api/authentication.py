"""``Authorization: Token <key>`` against our hashed, expiring tokens (api.models.ApiToken)."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from api import selectors


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's header parsing and ``WWW-Authenticate: Token``; the lookup is by digest and expiry."""

    def authenticate_credentials(self, key: str):
        token = selectors.api_token_for_key(key=key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return token.user, token
