"""Links built by slug_path are the ones reverse() builds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.urls import slug_path


@pytest.mark.parametrize("viewname", ["profiles:author", "papers:paper", "papers:topic"])
@pytest.mark.parametrize("slug", ["tatsunori-b-hashimoto", "a", "cs-cl", "x_1-2", "0slug"])
def test_slug_path_is_what_reverse_gives(viewname, slug):
    assert slug_path(viewname, slug) == reverse(viewname, kwargs={"slug": slug})
