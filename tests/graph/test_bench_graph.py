"""The graph benchmark's generator and measurements, on a small graph in the test database."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Q

from graph.management.commands.bench_graph import HUB_SLUG, measure_slice, synthetic_graph_create
from graph.models import CollaboratorEdge
from graph.selectors import graph_author
from papers.models import Paper

pytestmark = pytest.mark.django_db


def test_the_generator_gives_the_hub_exactly_the_collaborators_asked_for():
    created = synthetic_graph_create(authors=2_000, collaborators=120, hub_papers=60)
    hub = graph_author(slug=HUB_SLUG)
    assert created["hub"] == hub.pk and created["papers"] == 3_060
    assert CollaboratorEdge.objects.filter(Q(author_low=hub) | Q(author_high=hub)).count() == 120
    assert Paper.objects.filter(authorships__author=hub).count() == 60
    close = CollaboratorEdge.objects.filter(Q(author_low=hub) | Q(author_high=hub), shared_papers__gte=2)
    assert close.count() >= 50  # the close circle

    figures = measure_slice(author=hub, max_nodes=40, cold_runs=1, cached_runs=3)
    assert figures["nodes"] == 40
    assert figures["cached"] < figures["cold"]


def test_the_benchmark_never_runs_in_the_configured_database():
    with pytest.raises(CommandError, match="never runs in the configured database"):
        call_command("bench_graph", database=connection.settings_dict["NAME"])
