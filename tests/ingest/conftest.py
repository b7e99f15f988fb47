"""Fixtures for the ingest tests."""

from tests.ingest.recorded_http import network  # noqa: F401 - the recorded-answers network
