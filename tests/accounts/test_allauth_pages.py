"""allauth's pages live inside the site layout; sign-up sends the verification link; login URL."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import make_user

pytestmark = pytest.mark.django_db


def test_signup_sends_a_verification_link_that_verifies_the_address(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "ada@example.org",
            "username": "ada",
            "password1": "analytical-engine-1843",
            "password2": "analytical-engine-1843",
        },
    )
    assert response.status_code == 302
    address = EmailAddress.objects.get(email="ada@example.org")
    assert not address.verified
    path = re.search(r"https?://\S+?(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    assert client.post(path).status_code == 302
    address.refresh_from_db()
    assert address.verified


@pytest.mark.parametrize(
    "url_name, signed_in",
    [
        ("account_login", False),
        ("account_signup", False),
        ("account_reset_password", False),
        ("account_email", True),
        ("account_change_password", True),
    ],
)
def test_account_pages_use_the_site_layout(client, django_user_model, url_name, signed_in):
    if signed_in:
        client.force_login(make_user(django_user_model, "ada"))
    page = client.get(reverse(url_name)).content.decode()
    assert 'class="page-account"' in page and "Researcher profiles" in page


def test_pages_that_need_an_account_send_people_to_the_allauth_login():
    assert reverse(settings.LOGIN_URL) == "/accounts/login/"
