"""Following: the button works with and without JavaScript, counts stay right, the feed is cheap."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Follow
from papers.models import Authorship, Paper
from profiles.models import Author
from tests.accounts.conftest import make_author, make_user
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def _follow(client, author, **extra):
    return client.post(reverse("accounts:follow", args=[author.slug]), **extra)


def _unfollow(client, author, **extra):
    return client.post(reverse("accounts:unfollow", args=[author.slug]), **extra)


def test_follow_and_unfollow_by_fetch_return_the_live_count(client, django_user_model):
    author = make_author("Ada Lovelace")
    for name in ("alice", "bob"):
        client.force_login(make_user(django_user_model, name))
        assert _follow(client, author, **JSON).json()["follower_count"] in (1, 2)
    again = _follow(client, author, **JSON)  # following twice counts once
    assert again.json() == {"following": True, "follower_count": 2}
    assert _unfollow(client, author, **JSON).json() == {"following": False, "follower_count": 1}
    assert _unfollow(client, author, **JSON).json() == {"following": False, "follower_count": 1}
    author.refresh_from_db()
    assert author.follower_count == 1 == Follow.objects.filter(author=author).count()


def test_without_javascript_the_form_redirects_back_but_never_off_site(client, django_user_model):
    author = make_author("Ada Lovelace")
    client.force_login(make_user(django_user_model, "alice"))
    back = _follow(client, author, data={"next": "/authors/?q=ada"})
    assert back.status_code == 302 and back["Location"] == "/authors/?q=ada"
    offsite = _unfollow(client, author, data={"next": "https://evil.example/"})
    assert offsite["Location"] == author.get_absolute_url()


def test_anonymous_fetch_is_told_where_to_log_in(client):
    author = make_author("Ada Lovelace")
    response = _follow(client, author, **JSON)
    assert response.status_code == 401
    assert response.json()["login_url"].startswith(reverse("account_login"))
    assert not Follow.objects.exists()


def test_profile_shows_the_follow_state_and_count(client, django_user_model):
    author = make_author("Ada Lovelace")
    alice = make_user(django_user_model, "alice")
    anonymous_page = client.get(author.get_absolute_url()).content.decode()
    assert "Log in to claim" in anonymous_page and "Follow researcher" in anonymous_page
    client.force_login(alice)
    _follow(client, author)
    page = client.get(author.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page and ">Following<" in page
    assert 'data-follower-count aria-label="followers">1<' in page
    assert reverse("accounts:unfollow", args=[author.slug]) in page


def test_a_follow_refreshes_the_trust_snapshot(client, django_user_model, django_capture_on_commit_callbacks):
    author = make_author("Ada Lovelace")
    client.force_login(make_user(django_user_model, "alice"))
    with django_capture_on_commit_callbacks(execute=True):
        _follow(client, author)
    author.refresh_from_db()
    assert author.trust_updated_at is not None
    followers = [c for c in author.trust_breakdown["components"] if c["key"] == "followers"][0]
    assert followers["points"] > 0


def _author_with_papers(name: str, count: int) -> Author:
    author = make_author(name)
    coauthor = make_author(f"{name} Coauthor")
    for index in range(count):
        PaperFactory(
            slug=f"{author.slug}-{index}",
            title=f"{name} work {index}",
            year=2000 + index % 25,
            authors=[author, coauthor],
        )
    return author


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_signed_in_profile_adds_one_query_for_the_viewer_state(client, django_user_model):
    author = _author_with_papers("Ada Lovelace", 200)
    anonymous = _count_queries(client, author.get_absolute_url())
    client.force_login(make_user(django_user_model, "alice"))
    signed_in = _count_queries(client, author.get_absolute_url())
    # Session and user rows, one query for follow + claim + verification state, and one for the
    # unread-message count in the header.
    assert signed_in <= anonymous + 4


def test_following_feed_has_a_fixed_query_count(client, django_user_model):
    alice = make_user(django_user_model, "alice")
    client.force_login(alice)
    few = _author_with_papers("Few Papers", 2)
    Follow.objects.create(user=alice, author=few)
    small = _count_queries(client, reverse("accounts:following"))
    for index in range(5):
        Follow.objects.create(user=alice, author=_author_with_papers(f"Prolific {index}", 40))
    big = _count_queries(client, reverse("accounts:following"))
    assert big == small <= 7  # includes the header's unread-message count
    page = client.get(reverse("accounts:following")).content.decode()
    assert "Prolific 4" in page and "Page 1 of" in page


def test_feed_lists_a_paper_once_when_two_followed_people_wrote_it(client, django_user_model):
    alice = make_user(django_user_model, "alice")
    first, second = make_author("First Person"), make_author("Second Person")
    paper = Paper.objects.create(slug="joint", title="Our joint paper", year=2024)
    Authorship.objects.create(paper=paper, author=first, position=0, name_as_written="First Person")
    Authorship.objects.create(paper=paper, author=second, position=1, name_as_written="Second Person")
    Follow.objects.bulk_create([Follow(user=alice, author=first), Follow(user=alice, author=second)])
    client.force_login(alice)
    assert client.get(reverse("accounts:following")).content.decode().count(">Our joint paper<") == 1


def test_a_list_of_follow_buttons_costs_one_query(rf, django_user_model, django_assert_num_queries):
    from django.template import engines

    alice = make_user(django_user_model, "alice")
    authors = [make_author(f"Listed Person {index}") for index in range(30)]
    Follow.objects.create(user=alice, author=authors[3])
    request = rf.get("/search?q=person")
    request.user = alice
    template = engines["django"].from_string(
        "{% load accounts_tags %}{% preload_follow_states authors %}"
        "{% for author in authors %}{% include 'profiles/_follow.html' %}{% endfor %}"
    )
    with django_assert_num_queries(1):
        html = template.render({"authors": authors, "user": alice}, request)
    assert html.count('aria-pressed="true"') == 1 and html.count('aria-pressed="false"') == 29
