"""Rate limits (429 with a clear body) and conditional GETs (ETag / Last-Modified, 304)."""

from __future__ import annotations

import time

import pytest
import redis
from django.conf import settings
from django.utils.http import http_date, parse_http_date

from accounts.models import Follow
from tests.api.conftest import client_for, make_author, make_user


@pytest.fixture
def low_limits(settings):
    settings.RATE_LIMIT_API_ANONYMOUS = "3/minute"
    settings.RATE_LIMIT_API_USER = "5/minute"


def test_anonymous_clients_are_limited_per_address_with_a_clear_429(db, low_limits):
    from_one_address = client_for()
    for _ in range(3):
        assert from_one_address.get("/api/v1/authors/").status_code == 200

    refused = from_one_address.get("/api/v1/authors/")

    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "throttled" and body["status"] == 429
    assert 0 < body["retry_after"] <= 60
    assert refused["Retry-After"] == str(body["retry_after"])
    assert "try again in" in body["message"]
    # Another address has its own allowance.
    assert client_for().get("/api/v1/authors/", REMOTE_ADDR="10.0.0.7").status_code == 200


def test_forwarded_for_header_does_not_buy_a_fresh_allowance(db, low_limits):
    client = client_for()
    for index in range(3):
        client.get("/api/v1/authors/", HTTP_X_FORWARDED_FOR=f"203.0.113.{index}")
    assert client.get("/api/v1/authors/", HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_users_are_limited_per_user_not_per_address(db, low_limits, django_user_model):
    alice = client_for(make_user(django_user_model, "alice"))
    bob = client_for(make_user(django_user_model, "bob"))
    for _ in range(5):
        assert alice.get("/api/v1/topics/").status_code == 200
    assert alice.get("/api/v1/topics/").status_code == 429
    assert bob.get("/api/v1/topics/").status_code == 200  # same address, different user


def test_token_requests_have_their_own_small_limit(db, settings):
    settings.RATE_LIMIT_API_TOKEN = "2/minute"
    client = client_for()
    for _ in range(2):
        client.post("/api/v1/auth/token/", {"username": "x", "password": "guess"}, format="json")
    assert (
        client.post("/api/v1/auth/token/", {"username": "x", "password": "guess"}, format="json").status_code
        == 429
    )


# --- conditional requests ------------------------------------------------------------------


def test_etag_answers_304_until_the_author_changes(world, django_user_model):
    api = client_for()
    url = f"/api/v1/authors/{world.author.slug}/"
    first = api.get(url)
    etag = first["ETag"]
    assert first["Cache-Control"] == "no-cache"

    unchanged = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag

    # A follow changes the counts through a bulk update that leaves updated_at alone.
    Follow.objects.create(user=make_user(django_user_model, "fan"), author=world.author)
    changed = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["counts"]["followers"] == 1
    assert changed["ETag"] != etag


def test_last_modified_answers_if_modified_since_exactly(world, django_user_model):
    api = client_for()
    url = f"/api/v1/authors/{world.author.slug}/works/?page_size=3"
    first = api.get(url)
    stamp = first["Last-Modified"]
    assert abs(parse_http_date(stamp) - time.time()) < 5

    assert api.get(url, HTTP_IF_MODIFIED_SINCE=stamp).status_code == 304
    assert api.get(url).headers["Last-Modified"] == stamp  # the same body keeps its date

    newest = world.papers[24]  # 2024: first on the page
    newest.title = "A renamed paper"
    newest.save()
    changed = api.get(url, HTTP_IF_MODIFIED_SINCE=stamp)
    assert changed.status_code == 200
    assert parse_http_date(changed["Last-Modified"]) > parse_http_date(stamp)
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=http_date(time.time() - 3600)).status_code == 200


def test_private_answers_are_marked_private(world, django_user_model):
    user = make_user(django_user_model, "reader")
    response = client_for(user).get(f"/api/v1/authors/{world.author.slug}/follow/")
    assert response["Cache-Control"] == "no-cache, private"
    assert "Authorization" in response["Vary"]
    make_author("Unrelated")  # nothing to do with this user's answer
    assert (
        client_for(user)
        .get(f"/api/v1/authors/{world.author.slug}/follow/", HTTP_IF_NONE_MATCH=response["ETag"])
        .status_code
        == 304
    )


def test_unknown_query_parameters_share_one_cache_entry(world):
    api = client_for()
    first = api.get("/api/v1/authors/?utm_source=mail")
    second = api.get("/api/v1/authors/?junk=1&utm_source=feed")
    assert first.status_code == second.status_code == 200
    assert first["Last-Modified"] == second["Last-Modified"]
    assert len(_first_served_keys()) == 1  # one entry, however many junk query strings
    api.get("/api/v1/authors/?ordering=-name")  # a parameter the endpoint knows is another entry
    assert len(_first_served_keys()) == 2


def _first_served_keys() -> list[bytes]:
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    return list(client.scan_iter(match=f"{prefix}:*:api-first-served:*"))
