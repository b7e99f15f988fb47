"""One rate-limit policy (common/ratelimit.py) for the pages and the API, with clear 429s."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Claim
from common.ratelimit import Rate, parse_rate, rate_for
from tests.accounts.conftest import make_author, make_user

pytestmark = pytest.mark.django_db


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _assert_api_429(response) -> None:
    assert response.status_code == 429
    body = response.json()
    assert body["status"] == 429 and body["code"] == "throttled"
    assert body["retry_after"] > 0
    assert response["Retry-After"] == str(body["retry_after"])
    assert "try again in" in body["message"]


def _assert_page_429(response, what: bytes) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert what in response.content
    assert b"Please try again in" in response.content


# --- the policy ---------------------------------------------------------------------------


def test_rates_are_read_from_settings_and_scaled(settings):
    assert parse_rate("5/h") == Rate(5, 3600)
    assert parse_rate("10/5m") == Rate(10, 300)
    assert parse_rate("120/minute") == Rate(120, 60)
    with pytest.raises(ValueError):
        parse_rate("lots")
    settings.RATE_LIMIT_SEARCH = "10/m"
    settings.RATE_LIMITS_SCALE = 2.5
    assert rate_for("search") == Rate(25, 60)
    settings.RATE_LIMITS_SCALE = 0.01
    assert rate_for("search") == Rate(1, 60)  # never scaled down to nothing
    settings.RATE_LIMITS_SCALE = 0
    assert rate_for("search") is None


def test_scale_zero_switches_the_claim_limit_off(client, django_user_model, settings):
    settings.RATE_LIMITS_SCALE = 0
    client.force_login(make_user(django_user_model, "soak"))
    author = make_author("Soak Tester")
    url = reverse("accounts:claim", args=[author.slug])
    for _ in range(7):  # more than the default 5 per hour
        assert client.post(url, {"evidence_text": "mine"}).status_code == 302
        pending = Claim.objects.get(status=Claim.Status.PENDING)
        client.post(reverse("accounts:claim_withdraw", args=[pending.pk]))
    assert Claim.objects.count() == 7


# --- claims: one allowance for the page and the API ---------------------------------------


def test_the_claim_page_and_the_claim_api_share_one_allowance(client, django_user_model, settings):
    settings.RATE_LIMIT_CLAIMS = "2/h"
    grace = make_user(django_user_model, "grace")
    author = make_author("Grace Hopper")
    client.force_login(grace)
    api = _api(grace)

    assert (
        client.post(reverse("accounts:claim", args=[author.slug]), {"evidence_text": "mine"}).status_code
        == 302
    )
    client.post(reverse("accounts:claim_withdraw", args=[Claim.objects.get().pk]))
    created = api.post(f"/api/v1/authors/{author.slug}/claims/", {"evidence_text": "me"}, format="json")
    assert created.status_code == 201
    api.post(f"/api/v1/claims/{created.json()['id']}/withdraw/")

    refused = api.post(f"/api/v1/authors/{author.slug}/claims/", {"evidence_text": "again"}, format="json")
    _assert_api_429(refused)
    assert "several claims" in refused.json()["message"]
    page = client.post(reverse("accounts:claim", args=[author.slug]), {"evidence_text": "again"})
    _assert_page_429(page, b"several claims in a short time")
    assert Claim.objects.count() == 2
    # Another user has an allowance of their own.
    other = _api(make_user(django_user_model, "other"))
    assert (
        other.post(
            f"/api/v1/authors/{author.slug}/claims/", {"evidence_text": "x"}, format="json"
        ).status_code
        == 201
    )


# --- failed logins: one counter per account and per address, whichever form ----------------


def test_failed_logins_through_every_form_count_against_one_account(client, django_user_model, settings):
    settings.RATE_LIMIT_LOGIN_FAILURES = "3/5m"
    make_user(django_user_model, "grace")
    api = _api()
    assert (
        b"Too many" not in client.post(reverse("account_login"), {"login": "grace", "password": "x"}).content
    )
    assert client.post("/admin/login/", {"username": "grace", "password": "y"}).status_code == 200
    assert (
        api.post("/api/v1/auth/token/", {"username": "grace", "password": "z"}, format="json").status_code
        == 400
    )

    # Now even the right password is refused, on every form and by either name of the account.
    admin = client.post("/admin/login/", {"username": "grace", "password": "grace-password"})
    _assert_page_429(admin, b"Too many failed login attempts for this account")
    token = api.post(
        "/api/v1/auth/token/", {"username": "grace", "password": "grace-password"}, format="json"
    )
    _assert_api_429(token)
    site = client.post(reverse("account_login"), {"login": "GRACE@example.org", "password": "grace-password"})
    _assert_page_429(site, b"Too many failed login attempts")
    assert "_auth_user_id" not in client.session

    # Other accounts are not locked out by grace's failures.
    make_user(django_user_model, "hopper")
    assert (
        api.post("/api/v1/auth/token/", {"username": "hopper", "password": "hopper-password"}).status_code
        == 200
    )


def test_failed_logins_from_one_address_are_limited_across_accounts(client, django_user_model, settings):
    settings.RATE_LIMIT_LOGIN_FAILURES_IP = "3/m"
    make_user(django_user_model, "grace")
    for name in ("guess-one", "guess-two", "guess-three"):
        client.post("/admin/login/", {"username": name, "password": "wrong"})
    refused = client.post("/admin/login/", {"username": "grace", "password": "grace-password"})
    _assert_page_429(refused, b"from your connection")
    # Another address still may sign in.
    other = client.post(
        "/admin/login/", {"username": "grace", "password": "grace-password"}, REMOTE_ADDR="198.51.100.9"
    )
    assert other.status_code in (200, 302)  # the admin's own answer (grace is not staff)


# --- anonymous reads: search and graph -----------------------------------------------------


def test_search_page_and_search_api_share_one_allowance(client, settings):
    settings.RATE_LIMIT_SEARCH = "2/m"
    assert client.get("/search", {"q": "reward model"}).status_code == 200
    assert _api().get("/api/v1/search/", {"q": "reward model"}).status_code == 200

    _assert_page_429(client.get("/search", {"q": "reward model"}), b"Searches")
    _assert_api_429(_api().get("/api/v1/search/", {"q": "reward model"}))
    assert client.get("/search", {"q": "x y"}, REMOTE_ADDR="198.51.100.9").status_code == 200


def test_graph_endpoints_share_one_allowance(client, settings):
    settings.RATE_LIMIT_GRAPH = "2/m"
    ada, bob = make_author("Ada Lovelace"), make_author("Bob Babbage")
    assert client.get(reverse("graph:slice", args=[ada.slug]), {"fragment": 1}).status_code == 200
    path = _api().get("/api/v1/graph/path/", {"source": ada.slug, "target": bob.slug})
    assert path.status_code == 200

    refused = client.get(reverse("api:graph-slice", args=[ada.slug]))
    assert refused.status_code == 429
    assert refused.json()["retry_after"] == int(refused["Retry-After"]) > 0
    _assert_api_429(_api().get(f"/api/v1/graph/authors/{ada.slug}/slice/"))
