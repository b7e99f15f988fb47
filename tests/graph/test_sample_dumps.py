"""After importing the sample dumps, Tatsunori B. Hashimoto's slice shows all four kinds."""

import pytest
from django.urls import reverse

from profiles.models import AuthorAlias
from tests.ingest.helpers import import_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def hashimoto(django_capture_on_commit_callbacks, sample_dump):
    for prefix in ("000", "001"):
        batch = import_file(django_capture_on_commit_callbacks, sample_dump(prefix))
        assert batch.status == "done", batch.error
    author = AuthorAlias.objects.select_related("author").get(name="Tatsunori B. Hashimoto").author
    return author.merged_into or author


def test_hashimotos_slice_shows_the_four_kinds_and_links_to_collaborators(client, hashimoto):
    data = client.get(reverse("api:graph-slice", args=[hashimoto.slug])).json()
    kinds = {}
    for node in data["nodes"][1:]:
        kinds.setdefault(node["kind"], []).append(node["label"])
    assert len(kinds["person"]) >= 5
    assert "AlpacaFarm: A Simulation Framework for Methods that Learn from Human Feedback" in kinds["paper"]
    assert "Machine Learning" in kinds["topic"]
    assert {"stanford", "cmu"} <= {label.lower() for label in kinds["institution"]}

    # Clicking a collaborator in the drawing (or the list) opens their profile.
    html = client.get(reverse("graph:slice", args=[hashimoto.slug]), {"fragment": 1}).content.decode()
    collaborator = next(node for node in data["nodes"][1:] if node["kind"] == "person")
    assert collaborator["url"] == "http://testserver" + reverse(
        "profiles:author", args=[collaborator["slug"]]
    )
    assert f'href="{collaborator["url"].removeprefix("http://testserver")}"' in html
    profile = client.get(collaborator["url"])
    assert profile.status_code == 200 and collaborator["label"] in profile.content.decode()
