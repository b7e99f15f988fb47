"""API tokens: hashed at rest, shown once, expiring after API_TOKEN_DAYS, revocable with DELETE."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from api.models import ApiToken
from tests.api.conftest import make_user

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def user(django_user_model):
    return make_user(django_user_model, "program-owner")


def obtain(user) -> dict:
    response = APIClient().post(
        TOKEN_URL, {"username": user.username, "password": f"{user.username}-password"}, format="json"
    )
    assert response.status_code == 200
    return response.json()


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def whoami(client: APIClient) -> int:
    """Status of a request that needs a user (the user's own claims list)."""
    return client.get("/api/v1/claims/").status_code


def test_the_key_is_shown_once_and_only_its_digest_is_stored(user):
    first, second = obtain(user)["token"], obtain(user)["token"]
    assert first != second  # a new token each time: the old one cannot be shown again
    assert whoami(with_token(first)) == 200 and whoami(with_token(second)) == 200

    digests = set(ApiToken.objects.filter(user=user).values_list("digest", flat=True))
    assert digests == {hashlib.sha256(key.encode()).hexdigest() for key in (first, second)}
    with connection.cursor() as cursor:  # the key appears in no column of any token table
        cursor.execute("SELECT count(*) FROM api_apitoken WHERE digest = %s OR digest = %s", [first, second])
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT to_regclass('authtoken_token')")
        assert cursor.fetchone()[0] is None  # DRF's plain-text token table is gone


def test_tokens_expire_after_api_token_days(user, settings):
    settings.API_TOKEN_DAYS = 7
    issued = obtain(user)
    expires_at = parse_datetime(issued["expires_at"])
    assert abs(expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)
    client = with_token(issued["token"])
    assert whoami(client) == 200

    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/claims/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert "expired" in response.json()["message"]


def test_delete_revokes_the_token_it_is_sent_with(user):
    revoked, kept = obtain(user)["token"], obtain(user)["token"]
    response = with_token(revoked).delete(TOKEN_URL)
    assert response.status_code == 200 and response.json() == {"revoked": 1}
    assert whoami(with_token(revoked)) == 401
    assert whoami(with_token(kept)) == 200


def test_delete_from_a_signed_in_session_revokes_every_token_of_the_account(user, django_user_model):
    other = make_user(django_user_model, "someone-else")
    mine = [obtain(user)["token"] for _ in range(2)]
    theirs = obtain(other)["token"]
    session = APIClient(enforce_csrf_checks=False)
    session.force_login(user)
    assert session.delete(TOKEN_URL).json() == {"revoked": 2}
    assert [whoami(with_token(key)) for key in mine] == [401, 401]
    assert whoami(with_token(theirs)) == 200


def test_delete_without_credentials_is_refused():
    response = APIClient().delete(TOKEN_URL)
    assert response.status_code == 401
