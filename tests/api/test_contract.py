"""Contract test: schemathesis drives the live test server from the generated OpenAPI schema.

Every operation gets a bounded number of generated requests (valid and invalid ones, with
random and with real path parameters), made as a staff user over HTTP. Each answer must be
no 5xx and must match the schema: documented status code, content type, headers and body.
"""

from __future__ import annotations

import logging
import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Claim
from api.services import api_token_create
from tests.api.conftest import build_world, make_user

EXAMPLES_PER_OPERATION = 12
TOKEN_PATH = "/api/v1/auth/token/"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def schema_paths_and_methods(schema) -> list[tuple[str, str]]:
    methods = {"get", "post", "put", "patch", "delete"}
    return [
        (path, method)
        for path, item in schema.raw_schema["paths"].items()
        for method in item
        if method in methods
    ]


@pytest.fixture
def quiet_request_log():
    """Hundreds of expected 4xx answers would otherwise each log a warning."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture
def unthrottled(settings):
    settings.RATE_LIMITS_SCALE = 0  # every limit off


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_errors_and_no_schema_violations(
    live_server, unthrottled, quiet_request_log, django_user_model
):
    world = build_world(papers=12, coauthors=3)
    staff = make_user(django_user_model, "contract-staff", staff=True)
    headers = {"Authorization": f"Token {api_token_create(user=staff)[1]}"}
    dump = b"Abstract:We study preference learning for language models.\nAbstract:A second abstract.\n"
    batch = requests.post(
        live_server.url + "/api/v1/imports/", headers=headers, files={"file": ("dump.txt", dump)}, timeout=30
    ).json()
    claim = Claim.objects.create(user=staff, author=world.coauthors[0], evidence_text="It is me.")
    # Generated path parameters are mostly random (404s); these make some requests hit real rows.
    real_by_prefix = {
        "/api/v1/authors/{slug}": {"slug": world.author.slug},
        "/api/v1/papers/{slug}": {"slug": world.papers[0].slug},
        "/api/v1/topics/{slug}": {"slug": world.topic.slug},
        "/api/v1/institutions/{slug}": {"slug": world.institution.slug},
        "/api/v1/graph/authors/{slug}": {"slug": world.author.slug},
        "/api/v1/graph/{kind}/{slug}": {"kind": "person", "slug": world.author.slug},
        "/api/v1/claims/{id}": {"id": claim.pk},
        "/api/v1/imports/{id}": {"id": batch["id"]},
    }

    schema = schemathesis.openapi.from_url(live_server.url + "/api/schema/?format=json")
    session = requests.Session()
    session.headers.update(headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Revoking the session's own token would turn every later request into a 401: run it last.
    operations.sort(key=lambda op: (op.method.upper(), op.path) == ("DELETE", TOKEN_PATH))
    started = time.monotonic()
    cases_run = 0
    failures: list[str] = []

    for operation in operations:
        real = next(
            (value for prefix, value in real_by_prefix.items() if operation.path.startswith(prefix)), None
        )
        strategies = [
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ]
        if real:
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(*strategies))
        def run(case):
            nonlocal cases_run
            cases_run += 1
            case.call_and_validate(session=session, checks=CHECKS, timeout=30)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # hypothesis re-raises the shrunk failure
            failures.append(f"{operation.method.upper()} {operation.path}: {error!r}"[:2000])

    elapsed = time.monotonic() - started
    print(f"schemathesis: {len(operations)} operations, {cases_run} cases in {elapsed:.1f}s")  # noqa: T201
    assert len(operations) == len(schema_paths_and_methods(schema))
    assert cases_run >= len(operations) * EXAMPLES_PER_OPERATION * 0.8
    assert not failures, "\n\n".join(failures[:10])
