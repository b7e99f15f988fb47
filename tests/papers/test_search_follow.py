"""Follow buttons on the researchers found by /search: POST with CSRF, signed-out visitors go to log in."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Follow
from tests.papers.builders import make_author

pytestmark = pytest.mark.django_db


def people_section(html: str) -> str:
    start = html.index('aria-labelledby="people-heading"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def people():
    return [make_author(f"Ottoline Searchable{index}") for index in range(3)]


def test_signed_in_users_get_a_follow_form_per_researcher(client, alice, people):
    Follow.objects.create(user=alice, author=people[1])
    client.force_login(alice)
    html = people_section(client.get("/search", {"q": "ottoline searchable"}).content.decode())
    actions = re.findall(r'<form class="follow-form" method="post" data-follow-form\s+action="([^"]+)"', html)
    assert sorted(actions) == sorted(
        f"/authors/{person.slug}/{'unfollow' if person == people[1] else 'follow'}/" for person in people
    )
    assert html.count('name="csrfmiddlewaretoken"') == 3
    assert html.count('aria-pressed="true"') == 1 and html.count('aria-pressed="false"') == 2
    assert 'value="/search?q=ottoline+searchable"' in html  # back to the results afterwards


def test_following_from_the_results_needs_the_csrf_token_and_returns_to_them(alice, people):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    html = people_section(browser.get("/search", {"q": "ottoline searchable"}).content.decode())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    url = f"/authors/{people[0].slug}/follow/"
    assert browser.post(url, {"next": "/search?q=ottoline"}).status_code == 403  # no token
    assert not Follow.objects.filter(user=alice, author=people[0]).exists()
    response = browser.post(url, {"csrfmiddlewaretoken": token, "next": "/search?q=ottoline"})
    assert response.status_code == 302 and response["Location"] == "/search?q=ottoline"
    assert Follow.objects.filter(user=alice, author=people[0]).exists()


def test_signed_out_visitors_are_sent_to_log_in(client, people):
    html = people_section(client.get("/search", {"q": "ottoline searchable"}).content.decode())
    assert "<form" not in html
    assert html.count('href="/accounts/login/?next=/search%3Fq%3Dottoline%2Bsearchable"') == 3
    response = client.post(f"/authors/{people[0].slug}/follow/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_buttons_cost_one_query_for_any_number_of_researchers(client, alice):
    client.force_login(alice)
    counts = []
    for size, name in ((1, "Wilhelmina Quarterstaff"), (8, "Bartholomew Xylophonist")):
        for index in range(size):
            make_author(f"{name}{index}")
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/search", {"q": name.lower()}).content.decode()
        assert people_section(html).count("data-follow-form") == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
