"""The researcher list: everyone in name order in keyset pages, or the best name matches first."""

from __future__ import annotations

import re

import pytest

from profiles.models import Author
from tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return re.findall(r'<a class="title" href="/authors/[^"]+/">([^<]+)</a>', response.content.decode())


def _link(response, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', response.content.decode())
    return found.group(1).replace("&amp;", "&") if found else None


def _everyone_in_order() -> list[str]:
    live = Author.objects.filter(merged_into=None).order_by("display_name", "pk")
    return list(live.values_list("display_name", flat=True))


@pytest.fixture
def crowd():
    # 130 people, several sharing a name (the list breaks ties by id), one merged away.
    people = [
        AuthorFactory(display_name=f"Person {index % 60:03d}", slug=f"p-{index}") for index in range(130)
    ]
    merged = AuthorFactory(display_name="Person 000", slug="merged")
    merged.merged_into = people[0]
    merged.save()
    return people


def test_next_links_walk_everyone_once_in_name_order_with_the_same_queries_each_page(
    client, crowd, django_assert_num_queries
):
    expected = list(
        Author.objects.filter(merged_into=None)
        .order_by("display_name", "pk")
        .values_list("display_name", flat=True)
    )
    seen, path, pages = [], "/authors/", 0
    while path:
        with django_assert_num_queries(2):  # the page of authors and the total, however deep
            response = client.get(path if path.startswith("/") else "/authors/" + path)
        assert response.status_code == 200
        seen += _names(response)
        path, pages = _link(response, "next"), pages + 1
    assert seen == expected and pages == 3
    assert "130 researchers, by name." in response.content.decode()


def test_previous_goes_back_to_the_page_before_and_last_shows_the_end(client, crowd):
    first = client.get("/authors/")
    second = client.get("/authors/" + _link(first, "next"))
    back = client.get("/authors/" + _link(second, "prev"))
    assert _names(back) == _names(first)
    assert _link(first, "prev") is None
    last = client.get("/authors/?last=1")
    assert len(_names(last)) == 50 and _names(last)[-1] == "Person 059" and _link(last, "next") is None
    everyone = _everyone_in_order()
    before_last = client.get("/authors/" + _link(last, "prev"))
    assert _names(before_last) == everyone[30:80]  # pages counted from the end: 80-130, 30-80, 0-30
    assert _link(client.get("/authors/" + _link(before_last, "prev")), "prev") is None


def test_a_deep_page_costs_the_queries_of_the_first(client, django_assert_num_queries):
    people = AuthorFactory.create_batch(400)
    deep = sorted(people, key=lambda author: (author.display_name, author.pk))[349]
    with django_assert_num_queries(2):
        response = client.get(f"/authors/?after={deep.pk}")
    assert len(_names(response)) == 50 and _link(response, "next") is None


def test_a_name_filter_lists_the_best_match_first_and_finds_typos(client):
    newcomer = AuthorFactory(display_name="Tatsu Hashimoto", alias=True, work_count=1)
    established = AuthorFactory(display_name="Tatsunori B. Hashimoto", alias=True, work_count=22)
    AuthorFactory(display_name="Ada Lovelace", alias=True, work_count=40)
    response = client.get("/authors/", {"q": "hashimotto"})
    assert _names(response) == [established.display_name, newcomer.display_name]
    assert "2 researchers matching “hashimotto”" in response.content.decode()
    assert _names(client.get("/authors/", {"q": "tatsu hashimoto"}))[0] == newcomer.display_name  # exact
