"""The researcher profile at /authors/<slug>/: every element of the page we are modelled on."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Claim, Follow
from curation.models import CurationItem
from papers import embedding
from papers.models import Paper
from papers.services_embedding import author_centroids_refresh, papers_embed
from profiles.models import Author, AuthorAlias, Institution
from profiles.services import authors_refresh_trust
from tests.ingest.helpers import import_file
from tests.papers.builders import make_author, make_author_with_papers, make_paper, refresh, topic
from tests.papers.fakes import HashingEmbedder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_embeddings():
    """Imports embed their papers; a fast deterministic fake stands in for the real model."""
    previous = embedding.set_embedder(HashingEmbedder())
    yield
    embedding.set_embedder(previous)


def _text(response) -> str:
    """The page as a reader sees it: tags dropped, whitespace collapsed."""
    assert response.status_code == 200
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def hashimoto(django_capture_on_commit_callbacks, sample_dump) -> Author:
    import_file(django_capture_on_commit_callbacks, sample_dump("000"))
    import_file(django_capture_on_commit_callbacks, sample_dump("001"))
    return Author.objects.get(display_name="Tatsunori B. Hashimoto")


def test_the_sample_profile_shows_every_section_with_real_numbers(client, hashimoto):
    stats = Author.objects.get(pk=hashimoto.pk)
    page = _text(client.get(f"/authors/{hashimoto.slug}/"))
    # Header.
    assert "Researcher profile Tatsunori B. Hashimoto" in page
    assert re.search(r"Publishes on [A-Z][^;]+; \d+ works from 2020 to 20\d\d\.", page)
    assert "Researcher Affiliation not imported" in page
    assert "Open to collaborate" not in page
    # Trust snapshot with the cached score, its label and the counts.
    assert stats.trust_score is not None and stats.trust_breakdown["components"]
    assert f"Trust {stats.trust_score} - {stats.trust_breakdown['label']}" in page
    assert "Verification L1" in page and "Unclaimed author" in page
    assert f"{stats.work_count} works" in page
    assert "0 verified followers" in page
    assert f"{stats.close_collaborator_count} close collaborator" in page
    assert "How is this computed?" in page
    for name in ["Verification level", "Corroborating sources", "Publication record", "Open disputes"]:
        assert name in page
    assert "2 imported sources list these works" in page
    # Actions, identity, graph, published work.
    assert "Decide how to stay connected" in page and "Follow researcher" in page
    assert "Identity and collaboration" in page
    assert "Research graph" in page
    assert f"{stats.work_count} published items" in page
    assert "AlpacaFarm: A Simulation Framework for Methods that Learn from Human Feedback" in page
    assert "Publications per year" in page


def test_the_profile_includes_the_partials_other_features_own(client, hashimoto):
    html = client.get(f"/authors/{hashimoto.slug}/").content.decode()
    assert 'aria-labelledby="identity-heading"' in html  # profiles/_identity.html
    assert 'aria-labelledby="graph-heading"' in html  # graph/profile_section.html
    assert "Follow researcher" in html  # profiles/_follow.html


def test_each_work_shows_kind_year_source_linked_authors_and_a_collapsed_abstract(client, hashimoto):
    html = client.get(f"/authors/{hashimoto.slug}/").content.decode()
    alpaca = Paper.objects.get(title__startswith="AlpacaFarm")
    item = html[html.index(f'id="work-{alpaca.pk}"') - 300 :]
    item = item[: item.index("</article>")]
    assert '<span class="kind">preprint</span>' in item
    assert ">2024<" in item or ">2023<" in item
    assert ">arXiv<" in item
    assert f'href="{alpaca.get_absolute_url()}"' in item
    coauthor = alpaca.authorships.exclude(author=hashimoto).first().author
    assert f'href="/authors/{coauthor.slug}/"' in item
    assert 'class="self"' in item  # the profile's researcher stands out
    assert "et al. (list truncated by the source)" in item
    assert '<details class="abstract"><summary>Abstract' in item
    assert "<details open" not in item


def test_header_shows_role_institution_open_to_collaborate_and_aliases(client):
    institution = Institution.objects.create(name="Stanford University", slug="stanford")
    author = make_author(
        "Ada Example", role="Assistant professor", institution=institution, open_to_collaborate=True
    )
    AuthorAlias.objects.create(author=author, name="A. Example", normalized_name="a example")
    make_paper("A paper", authors=[author], year=2021, topics=[topic("cs.CL")])
    page = _text(client.get(author.get_absolute_url()))
    assert "Assistant professor" in page
    assert "Stanford University" in page and "Affiliation not imported" not in page
    assert "Open to collaborate" in page
    assert "Also published as: A. Example" in page
    assert "Publishes on Computation and Language; 1 work in 2021." in page
    html = client.get(author.get_absolute_url()).content.decode()
    assert 'href="/institutions/stanford/"' in html
    assert f'href="/topics/{topic("cs.CL").slug}/"' in html


def test_claim_status_comes_from_claim_rows(client, alice, bob):
    author = make_author("Claimable Person")
    assert "Unclaimed author" in _text(client.get(author.get_absolute_url()))
    Claim.objects.create(user=alice, author=author)
    assert "Claim pending" in _text(client.get(author.get_absolute_url()))
    Claim.objects.create(user=bob, author=author, status=Claim.Status.APPROVED, decided_at=timezone.now())
    page = _text(client.get(author.get_absolute_url()))
    assert "Claimed" in page and "Claim pending" not in page
    assert "Verification L2" in page  # an approved claim means at least L2


def test_the_cached_trust_is_refreshed_when_its_inputs_change(client, alice):
    author = make_author_with_papers(4, name="Trusty Person")
    before = Author.objects.get(pk=author.pk).trust_score
    assert f"Trust {before} - " in _text(client.get(author.get_absolute_url()))
    Claim.objects.create(user=alice, author=author, status=Claim.Status.APPROVED)
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True)  # only verified followers count
    Follow.objects.create(user=alice, author=author)
    refresh([author])
    after = Author.objects.get(pk=author.pk).trust_score
    assert after == before + 15 + 2
    CurationItem.objects.create(
        kind=CurationItem.Kind.POSSIBLE_DUPLICATE, author=author, summary="same as X?"
    )
    authors_refresh_trust(author_ids=[author.pk])
    assert Author.objects.get(pk=author.pk).trust_score == after - 5
    page = _text(client.get(author.get_absolute_url()))
    assert f"Trust {after - 5} - " in page
    assert "1 open review item" in page


def test_a_verified_coauthor_raises_the_trust_of_collaborators(alice):
    author = make_author_with_papers(3, name="Collab Person")
    coauthor = Author.objects.get(display_name="Collab Person Coauthor 0")
    before = Author.objects.get(pk=author.pk).trust_score
    Author.objects.filter(pk=coauthor.pk).update(verification_level=Author.Verification.VERIFIED)
    authors_refresh_trust(author_ids=[coauthor.pk], with_collaborators=True)
    assert Author.objects.get(pk=author.pk).trust_score == before + 3


def test_before_the_first_refresh_the_score_is_computed_on_the_fly(client):
    author = make_author("Fresh Import")
    make_paper("Only work", authors=[author], year=2020)
    assert Author.objects.get(pk=author.pk).trust_score is None
    page = _text(client.get(author.get_absolute_url()))
    assert "Trust 7 - Unverified" in page  # 5 (L1) + 2 (one work)
    assert "Computed just now" in page


def test_works_sort_by_year_or_score_and_filter_by_topic_and_year(client):
    author = make_author("Sorted Person")
    make_paper("Old high", authors=[author], year=2015, score=90.0, topics=[topic("cs.CR")])
    make_paper("New low", authors=[author], year=2023, score=1.0, topics=[topic("cs.CL")])
    make_paper("Middle", authors=[author], year=2019, score=50.0, topics=[topic("cs.CL")])
    url = author.get_absolute_url()

    def titles(query: str) -> list[str]:
        html = client.get(url + query).content.decode()
        return re.findall(r'<h3 id="work-\d+"><a href="[^"]+">([^<]+)</a>', html)

    assert titles("") == ["New low", "Middle", "Old high"]
    assert titles("?sort=score") == ["Old high", "Middle", "New low"]
    assert titles(f"?topic={topic('cs.CL').slug}") == ["New low", "Middle"]
    assert titles("?year=2019") == ["Middle"]
    assert titles(f"?topic={topic('cs.CL').slug}&year=2015") == []
    # Unknown values are ignored rather than failing.
    assert titles("?sort=bogus&topic=nope&year=abc") == ["New low", "Middle", "Old high"]
    page = _text(client.get(url + "?year=2019"))
    assert "Showing 1–1 of 1 matching work" in page
    assert "3 published items" in page  # the total does not change with the filter


def test_works_are_paginated_and_keep_their_filters(client):
    author = make_author_with_papers(23, name="Paged Person")
    first = client.get(author.get_absolute_url() + "?per_page=10&sort=score").content.decode()
    assert "Page 1 of 3" in first
    assert first.count('class="work"') == 10
    assert "?per_page=10&amp;sort=score&amp;page=2#works" in first
    last = client.get(author.get_absolute_url() + "?per_page=10&sort=score&page=3").content.decode()
    assert last.count('class="work"') == 3
    assert "Showing 21–23 of 23" in _text(client.get(author.get_absolute_url() + "?per_page=10&page=3"))
    # Page sizes outside the offered ones fall back to the default.
    assert "Page 1 of 2" in client.get(author.get_absolute_url() + "?per_page=7").content.decode()


def test_long_author_lists_are_cut_with_the_rest_counted(client):
    author = make_author("First Author")
    others = [make_author(f"Other {index}") for index in range(30)]
    make_paper("Big collaboration", authors=[author, *others], year=2022)
    page = _text(client.get(author.get_absolute_url()))
    assert "Other 10" in page and "Other 11" not in page
    assert "and 19 more" in page


def test_the_chart_draws_one_bar_per_year_with_gaps(client):
    author = make_author("Charted Person")
    for year in (2018, 2018, 2021):
        make_paper(f"Work of {year}", authors=[author], year=year)
    make_paper("Undated", authors=[author])
    html = client.get(author.get_absolute_url()).content.decode()
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert "2018: 2 works" in chart and "2021: 1 work" in chart
    assert "2019: no works" in chart and "2020: no works" in chart
    assert "?year=2018#works" in chart  # a bar filters the list
    assert "1 without a known year" in _text(client.get(author.get_absolute_url()))


def test_an_author_without_works_has_a_clean_empty_state(client):
    author = make_author("Nobody Yet")
    page = _text(client.get(author.get_absolute_url()))
    assert "0 published items" in page
    assert "No published work has been imported for this researcher yet." in page
    assert "<svg" not in client.get(author.get_absolute_url()).content.decode().split('id="works"')[1]


def test_imported_text_on_the_profile_is_escaped(client):
    author = make_author("<b>Bold</b> Name")
    make_paper(
        "<script>alert('title')</script>",
        authors=[author],
        abstract="<script>alert('abstract')</script> and $\\alpha < \\beta$",
        year=2020,
    )
    html = client.get(author.get_absolute_url()).content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#x27;abstract&#x27;)&lt;/script&gt;" in html
    assert "$\\alpha &lt; \\beta$" in html  # LaTeX left as typed
    assert "<b>Bold</b>" not in html


def test_the_profile_runs_a_fixed_number_of_queries_with_200_works(client, django_assert_max_num_queries):
    small = make_author_with_papers(3, name="Small Person")
    big = make_author_with_papers(200, name="Big Person", coauthors=8)
    # Embedded papers give every author a centroid, so the related researchers are really looked up.
    papers_embed(paper_ids=list(Paper.objects.values_list("pk", flat=True)))
    author_centroids_refresh()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for author in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(author.get_absolute_url() + "?per_page=50").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # author, topics, years, the works count and page, their authors, counts with the claim status,
    # aliases, related researchers (nearest centroids with shared papers) and their authors.
    filtered = big.get_absolute_url() + f"?per_page=50&sort=score&topic={topic('cs.CL').slug}&year=2010"
    with django_assert_max_num_queries(10):
        response = client.get(filtered)
    assert response.context["related"]


def test_a_signed_in_visitor_gets_the_same_fixed_query_count(client, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)
    small = make_author_with_papers(2, name="Small Signed")
    big = make_author_with_papers(200, name="Big Signed", coauthors=5)
    counts = []
    for author in (small, big):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(author.get_absolute_url())
        assert response.status_code == 200
        assert "Log in to claim" not in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
