"""Add by identifier: arXiv ids, DOIs and an ORCID record's works, fetched through the real
clients from recorded answers (tests/ingest/recordings/), imported as an ordinary batch."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from ingest import fetchers
from ingest.models import ImportBatch
from papers.models import Authorship, Paper
from tests.api.conftest import clear_api_counters
from tests.ingest.recorded_http import offline, timing_out
from tests.profiles.identity_helpers import fast_embedder  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_embedder")

CARBERRY = "0000-0002-1825-0097"
DOE = "0000-0002-1694-233X"
URL = "/api/v1/imports/by-identifier/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    clear_api_counters()


def _fetch(**ids) -> fetchers.FetchResult:
    return fetchers.fetch(fetchers.identifiers_validate(**ids))


# --- the clients and the mappings --------------------------------------------------------------


def test_arxiv_ids_through_the_arxiv_package(network):
    result = _fetch(arxiv_ids=["arXiv:2101.00001v2", "2101.99999"])
    (record,) = result.records
    assert record.title == "Careful Widgets: A Study"
    assert record.authors == ["Zoë Ångström", "Piotr Ćwik"] and record.institutions == ["Lakeside AI"]
    assert (record.arxiv_id, record.doi, record.date, record.category) == (
        "2101.00001",
        "10.5555/widgets.1",
        "2021-01-04",
        "cs.LG",
    )
    assert record.venue == "12 pages; Widget Letters 3 (2021)" and record.source == "arXiv"
    assert result.not_found == ["arXiv:2101.99999"]
    assert "id_list=2101.00001%2C2101.99999" in network.urls[0]


def test_dois_through_habanero(network):
    result = _fetch(dois=["https://doi.org/10.5555/WIDGETS.3", "10.5555/missing"])
    (record,) = result.records
    assert (record.title, record.doi, record.venue, record.date) == (
        "Widgets in Practice",
        "10.5555/widgets.3",
        "Widget Letters",
        "2021-06",
    )
    assert record.abstract == "Abstract Widgets are everywhere; we count them in practice."
    assert record.authors == ["Jane Doe", "Richard Roe"] and record.author_ids == [{"orcid": DOE}, {}]
    assert (record.cited_by_count, record.cited_by_count_source, record.cited_by_count_date) == (
        7,
        "Crossref",
        "2025-10-01",
    )
    assert result.not_found == ["doi:10.5555/missing"]


def test_an_orcid_record_gives_its_works_and_its_owner(network):
    result = _fetch(orcid=f"https://orcid.org/{CARBERRY}")
    assert result.subject_name == "Josiah Carberry"
    survey, glue = result.records
    assert survey.title == "Cracked Pots: A Psychoceramic Survey" and survey.doi == "10.5555/psychoceramics.1"
    assert survey.authors == ["Josiah Carberry", "Ann Lee"]  # the editor is not an author
    assert survey.author_ids == [{"orcid": CARBERRY}, {}]
    assert (survey.date, survey.venue, survey.abstract) == (
        "2019-03",
        "Journal of Psychoceramics",
        "A survey of cracked pots and the people who study them.",
    )
    assert (glue.arxiv_id, glue.authors, glue.date) == ("2102.00002", [], "2021-02-01")
    # One put-code per group, read in one bulk request.
    assert network.urls[-1].endswith(f"/v3.0/{CARBERRY}/works/1001,1002")


@pytest.mark.parametrize(
    ("failure", "message"),
    [(offline, "no connection (is the network available?)"), (timing_out, "no answer within 5 seconds")],
)
@pytest.mark.parametrize(
    ("ids", "source"),
    [
        ({"arxiv_ids": ["2101.00001"]}, "arXiv"),
        ({"dois": ["10.5555/widgets.3"]}, "Crossref"),
        ({"orcid": CARBERRY}, "ORCID"),
    ],
)
def test_an_unreachable_source_is_named_with_the_reason(network, settings, failure, message, ids, source):
    settings.IDENTIFIER_FETCH_TIMEOUT = 5.0
    network.failure = failure
    with pytest.raises(fetchers.SourceUnreachable) as info:
        _fetch(**ids)
    assert info.value.message == f"{source} could not be reached: {message}"


def test_identifiers_are_validated_before_anything_is_fetched():
    with pytest.raises(fetchers.IdentifiersInvalid) as info:
        fetchers.identifiers_validate(
            arxiv_ids=["2101.00001", "not-an-id"], dois=["10.x/y"], orcid="0000-0002-1825-0098"
        )
    assert info.value.fields == {
        "arxiv": ["Not an arXiv id: 'not-an-id'"],
        "doi": ["Not a DOI: '10.x/y'"],
        "orcid": ["Not a valid ORCID iD (check digit included): '0000-0002-1825-0098'"],
    }
    with pytest.raises(fetchers.IdentifiersInvalid, match="At most 100"):
        fetchers.identifiers_validate(dois=[f"10.5555/n.{i}" for i in range(101)])


# --- the API ---------------------------------------------------------------------------------


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_staff_import_by_identifier_runs_the_ordinary_pipeline(
    network, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(staff).post(
            URL,
            {"arxiv": ["2101.00001"], "doi": ["10.5555/widgets.3", "10.5555/missing"], "orcid": CARBERRY},
            format="json",
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["not_found"] == ["doi:10.5555/missing"] and body["subject_orcid"] == CARBERRY
    assert response["Location"] == body["api_url"]
    batch = ImportBatch.objects.get(pk=body["id"])
    assert (batch.status, batch.detected_format, batch.created_count, batch.failed_count) == (
        "done",
        "jsonl",
        4,
        0,
    )
    assert batch.created_by == staff and batch.original_name.startswith("by-identifier-")
    carberry = batch.subject_author
    assert (carberry.display_name, carberry.orcid, carberry.orcid_source) == (
        "Josiah Carberry",
        CARBERRY,
        "import",
    )
    # The owner's works are theirs, including the one whose author list ORCID did not give.
    assert set(carberry.authorships.values_list("paper__title", flat=True)) == {
        "Cracked Pots: A Psychoceramic Survey",
        "Glue for Broken Pots",
    }
    assert Paper.objects.get(doi="10.5555/widgets.3").citation_count == 7
    assert Authorship.objects.get(name_as_written="Jane Doe").orcid == DOE
    # The records are there for curation and audit as for an upload.
    records = _client(staff).get(body["records_url"]).json()["results"]
    assert len(records) == 4 and {record["status"] for record in records} == {"created"}


@pytest.mark.django_db
def test_without_network_the_api_answers_502_and_stores_nothing(network, staff):
    network.failure = offline
    response = _client(staff).post(URL, {"doi": ["10.5555/widgets.3"]}, format="json")
    assert response.status_code == 502
    assert response.json() == {
        "status": 502,
        "code": "source_unreachable",
        "message": "Crossref could not be reached: no connection (is the network available?)",
        "fields": {},
    }
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_the_api_refuses_bad_identifiers_and_people_without_the_permission(
    network, staff, alice, django_user_model
):
    bad = _client(staff).post(
        URL, {"arxiv": ["2101.00001", "nope"], "orcid": "0000-0002-1825-0098"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["fields"] == {
        "arxiv": ["Not an arXiv id: 'nope'"],
        "orcid": ["Not a valid ORCID iD (check digit included): '0000-0002-1825-0098'"],
    }
    too_many = _client(staff).post(URL, {"doi": [f"10.5555/n.{i}" for i in range(101)]}, format="json")
    assert too_many.status_code == 400
    empty = _client(staff).post(URL, {}, format="json")
    assert empty.status_code == 400 and "at least one" in empty.json()["message"]
    assert _client(alice).post(URL, {"doi": ["10.5555/widgets.3"]}, format="json").status_code == 403
    viewer = django_user_model.objects.create_user("viewer", "viewer@example.org", "pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_importbatch"))
    assert _client(viewer).post(URL, {"doi": ["10.5555/widgets.3"]}, format="json").status_code == 403
    assert network.urls == [] and not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_nothing_found_is_a_clear_refusal(network, staff):
    response = _client(staff).post(URL, {"doi": ["10.5555/missing"]}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "Nothing found for doi:10.5555/missing."


# --- the admin form and the command ------------------------------------------------------------


@pytest.mark.django_db
def test_admin_form_imports_or_says_the_source_could_not_be_reached(network, client, staff):
    client.force_login(staff)
    changelist = client.get("/admin/ingest/importbatch/").content.decode()
    assert 'href="/admin/ingest/importbatch/by-identifier/"' in changelist
    network.failure = offline
    page = client.post(
        "/admin/ingest/importbatch/by-identifier/", {"arxiv": "2101.00001", "doi": "", "orcid": ""}
    )
    assert page.status_code == 200
    assert "arXiv could not be reached: no connection (is the network available?)" in page.content.decode()
    assert not ImportBatch.objects.exists()
    invalid = client.post(
        "/admin/ingest/importbatch/by-identifier/", {"arxiv": "", "doi": "10.x", "orcid": ""}
    )
    assert "Not a DOI: &#x27;10.x&#x27;" in invalid.content.decode()

    network.failure = None
    done = client.post(
        "/admin/ingest/importbatch/by-identifier/",
        {"arxiv": "2101.00001\n2101.99999", "doi": "", "orcid": ""},
    )
    batch = ImportBatch.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/admin/ingest/importbatch/{batch.pk}/change/"
    assert "Not found: arXiv:2101.99999" in client.get(done["Location"]).content.decode()


@pytest.mark.django_db
def test_command_queues_a_batch_or_fails_with_a_message(network, capsys):
    network.failure = offline
    with pytest.raises(CommandError, match="^ORCID could not be reached: no connection"):
        call_command("ingest", "--orcid", CARBERRY)
    with pytest.raises(CommandError, match="Not a DOI"):
        call_command("ingest", "--doi", "10.x")
    assert not ImportBatch.objects.exists()
    network.failure = None
    call_command("ingest", "--arxiv", "2101.00001", "--doi", "10.5555/widgets.3")
    batch = ImportBatch.objects.get()
    assert f"1 arXiv, 1 DOI: queued as import #{batch.pk}" in capsys.readouterr().err
    assert batch.format == "jsonl"
