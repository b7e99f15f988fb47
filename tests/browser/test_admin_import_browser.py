"""An admin watches an import in the batch page: live progress until its names are settled.

Headless Debian Chromium through Playwright, against pytest-django's live server.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from ingest.models import ImportBatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_batch_page_says_when_re_clustering_has_settled_its_names(
    browser, live_server, django_user_model
):
    django_user_model.objects.create_superuser("admin", "admin@example.org", "admin-password-1")
    batch = ImportBatch.objects.create(
        original_name="listing.txt",
        checksum="0" * 64,
        status=ImportBatch.Status.DONE,
        total_records=4,
        processed_records=4,
        created_count=4,
    )
    page = browser.new_context().new_page()
    page.goto(live_server.url + f"/admin/login/?next=/admin/ingest/importbatch/{batch.pk}/change/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "admin-password-1")
    page.click("input[type=submit]")
    label = page.locator(".import-progress-label")
    # Placed, but its name blocks are not clustered again yet: the page says so and keeps polling.
    label.filter(has_text="clustering names again").wait_for(timeout=10_000)
    assert "created 4" in label.inner_text()

    ImportBatch.objects.filter(pk=batch.pk).update(identity_settled_at=timezone.now())
    label.filter(has_text="names clustered again").wait_for(timeout=10_000)
    assert "clustering names again" not in label.inner_text()
