"""Paper, topic and institution pages: content, links, escaping and fixed query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.models import Authorship, Paper
from papers.selectors import similar_papers
from profiles.models import Institution
from tests.ingest.helpers import import_bytes, import_file
from tests.papers.builders import make_author, make_author_with_papers, make_paper, topic

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_paper_page_links_everything_together(client):
    stanford = Institution.objects.create(name="Stanford University", slug="stanford")
    first, second = make_author("Ada First"), make_author("Bo Second")
    paper = make_paper(
        "Diffusion for text",
        authors=[first, second],
        topics=[topic("cs.CL"), topic("cs.LG")],
        year=2023,
        month=2,
        venue="ICML 2023",
        arxiv_id="2305.14387",
        doi="10.1000/xyz.1",
        kind="preprint",
        source="arXiv",
        abstract='We model $p(\\mathbf{x}|y)$ with T\\"ULU.',
    )
    Authorship.objects.get(paper=paper, author=second).institutions.add(stanford)
    html = client.get(paper.get_absolute_url()).content.decode()
    page = _text(client.get(paper.get_absolute_url()))
    assert "Diffusion for text" in page
    assert re.search(r"1 Ada First .*2 Bo Second", page)  # authors with their position
    assert f'href="{first.get_absolute_url()}"' in html and f'href="{second.get_absolute_url()}"' in html
    assert 'href="/institutions/stanford/"' in html
    assert "Feb 2023 (month only)" in page
    assert "ICML 2023" in page
    assert 'href="https://arxiv.org/abs/2305.14387"' in html
    assert 'href="https://doi.org/10.1000/xyz.1"' in html
    assert "Stated by the source Computation and Language" in page
    assert "Inferred from the text Machine Learning" in page
    assert f'href="/topics/{topic("cs.CL").slug}/"' in html
    assert "We model $p(\\mathbf{x}|y)$ with T\\&quot;ULU." in html  # LaTeX as typed, escaped
    assert "Similar papers" in page and "Imported from" in page


def test_the_paper_page_shows_staff_the_imports_it_came_from(
    client, staff, django_capture_on_commit_callbacks, sample_dump
):
    import_file(django_capture_on_commit_callbacks, sample_dump("000"))
    import_file(django_capture_on_commit_callbacks, sample_dump("001"))
    paper = Paper.objects.get(title__startswith="AlpacaFarm")
    client.force_login(staff)
    page = _text(client.get(paper.get_absolute_url()))
    assert sample_dump("000").name in page and sample_dump("001").name in page
    assert re.search(r"lines \d+–\d+", page)
    assert "et al.: the source truncated the author list." in page


def test_visitors_see_where_a_paper_came_from_but_not_the_uploaded_file_names(
    client, bob, django_capture_on_commit_callbacks
):
    import_bytes(
        django_capture_on_commit_callbacks,
        b"@article{k, title={Private file names}, author={Ada First}, year={2021}}\n",
        name="alice-unpublished-cv-2024.bib",
    )
    paper = Paper.objects.get(title="Private file names")
    anonymous_page = client.get(paper.get_absolute_url()).content.decode()
    client.force_login(bob)
    member_page = client.get(paper.get_absolute_url()).content.decode()
    for html in (anonymous_page, member_page):
        assert "Imported from" in html and "An imported listing" in html
        assert "alice-unpublished-cv-2024" not in html


def test_a_year_less_date_says_so(client):
    paper = make_paper("Sometime", month=3, day=19)
    assert "Mar 19 (year unknown) (day and month; year unknown)" in _text(
        client.get(paper.get_absolute_url())
    )


def test_an_abstract_with_a_script_tag_shows_as_text(client):
    paper = make_paper("Safe", abstract="<script>alert('x')</script> done")
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; done" in html


def test_papers_are_also_found_by_id(client):
    paper = make_paper("By number")
    response = client.get(f"/papers/{paper.pk}/")
    assert response.status_code == 301
    assert response["Location"] == paper.get_absolute_url()
    assert client.get("/papers/999999999/").status_code == 404


def test_similar_papers_prefer_shared_authors_then_shared_topics_then_the_newest():
    ada, bo = make_author("Ada Sim"), make_author("Bo Sim")
    this = make_paper("This one", authors=[ada, bo], topics=[topic("cs.CL"), topic("cs.LG")], year=2020)
    both_authors = make_paper("Both authors", authors=[ada, bo], year=2010)
    one_author_one_topic = make_paper("One author", authors=[ada], topics=[topic("cs.CL")], year=2011)
    two_topics = make_paper("Two topics", topics=[topic("cs.CL"), topic("cs.LG")], year=2012)
    old_topic = make_paper("Old topic", topics=[topic("cs.LG")], year=2001)
    new_topic = make_paper("New topic", topics=[topic("cs.LG")], year=2024)
    make_paper("Unrelated", topics=[topic("cs.CR")], year=2024)
    found = similar_papers(paper=this)
    assert [p.title for p in found] == [
        both_authors.title,
        one_author_one_topic.title,
        two_topics.title,
        new_topic.title,
        old_topic.title,
    ]
    assert (found[0].shared_authors, found[0].shared_topics) == (2, 0)
    assert len(similar_papers(paper=this, limit=2)) == 2


def test_the_paper_page_lists_similar_papers(client):
    ada = make_author("Ada Similar")
    this = make_paper("This one", authors=[ada], year=2020)
    make_paper("Sibling work", authors=[ada], year=2021)
    page = _text(client.get(this.get_absolute_url()))
    assert "Sibling work 2021 1 shared author" in page


def test_the_paper_page_query_count_does_not_grow_with_the_number_of_authors(client):
    authors = [make_author(f"Many {index}") for index in range(120)]
    institution = Institution.objects.create(name="Big Lab", slug="big-lab")
    small = make_paper("Small", authors=authors[:2], topics=[topic("cs.CL")])
    big = make_paper("Big", authors=authors, topics=[topic("cs.CL"), topic("cs.LG")])
    for authorship in Authorship.objects.filter(paper=big):
        authorship.institutions.add(institution)
    assert _queries(client, small.get_absolute_url()) == _queries(client, big.get_absolute_url())
    assert _queries(client, big.get_absolute_url()) <= 8
    page = _text(client.get(big.get_absolute_url()))
    assert "120 Many 119" in page


def test_the_topic_page_lists_papers_and_leading_authors(client):
    lead, other = make_author("Topic Leader"), make_author("Topic Follower")
    for index in range(3):
        make_paper(f"Lead paper {index}", authors=[lead], topics=[topic("cs.CR")], year=2020 + index)
    make_paper("Other paper", authors=[other, lead], topics=[topic("cs.CR")], year=2019)
    make_paper("Off topic", authors=[other], topics=[topic("cs.CL")])
    page = _text(client.get(f"/topics/{topic('cs.CR').slug}/"))
    assert "Topic · cs.CR Cryptography and Security" in page
    assert "4 papers" in page
    assert "Lead paper 2" in page and "Off topic" not in page
    assert re.search(r"Leading authors Topic Leader 4 papers here Topic Follower 1 paper here", page)
    listing = _text(client.get("/topics/"))
    assert "Cryptography and Security cs.CR · 4 papers" in listing
    assert client.get("/topics/no-such-topic/").status_code == 404


def test_the_institution_page_lists_authors_and_papers(client):
    lab = Institution.objects.create(name="Example Lab", slug="example-lab")
    member = make_author("Lab Member", institution=lab)
    guest = make_author("Lab Guest")
    make_paper("Member paper", authors=[member], year=2021)
    listed = make_paper("Guest paper", authors=[guest], year=2022)
    Authorship.objects.get(paper=listed).institutions.add(lab)
    make_paper("Elsewhere", authors=[make_author("Outsider")])
    page = _text(client.get("/institutions/example-lab/"))
    assert "Example Lab" in page and "2 researchers" in page and "2 papers" in page
    assert "Lab Member" in page and "Lab Guest" in page and "Outsider" not in page
    assert "Guest paper" in page and "Member paper" in page and "Elsewhere" not in page
    assert "Example Lab 1 affiliated researcher" in _text(client.get("/institutions/"))


def test_list_pages_keep_a_fixed_query_count(client):
    lab = Institution.objects.create(name="Count Lab", slug="count-lab")
    small = make_author_with_papers(3, name="Small Count")
    urls = ["/", "/topics/", f"/topics/{topic('cs.CL').slug}/", "/institutions/", "/authors/"]
    before = {url: _queries(client, url) for url in urls}
    big = make_author_with_papers(200, name="Big Count", coauthors=6)
    for author in (small, big):
        author.institution = lab
        author.save()
    after = {url: _queries(client, url) for url in urls}
    assert before == after
    assert _queries(client, "/institutions/count-lab/") <= 8
    assert max(after.values()) <= 6
