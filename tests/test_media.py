"""Uploaded dumps stay private: Django serves no media route, not even in DEBUG."""

import importlib

import pytest
from django.urls import clear_url_caches

import config.urls
from ingest import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_urls(settings):
    """The URLconf as `make run` builds it (DEBUG=true)."""
    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_an_uploaded_dump_cannot_be_downloaded_from_media_urls(client, staff, debug_urls):
    content = b"@article{k, title={Unpublished}, author={Ada First}, year={2021}}\n"
    batch = services.batch_create(content=content, original_name="private.bib", enqueue=False)
    assert batch.file.storage.exists(batch.file.name)  # kept as it came, on disk
    for who in (None, staff):  # not even staff: they download through the admin
        if who:
            client.force_login(who)
        response = client.get("/media/" + batch.file.name)
        assert response.status_code == 404
        assert content not in b"".join(getattr(response, "streaming_content", [response.content]))
