"""Fuzz the REST API from its own OpenAPI description, anonymously and with each role.

Every check schemathesis has runs: no server error, every status code documented, every
answer matching its schema, schema-violating requests refused and schema-valid ones
accepted (with the two exceptions schemathesis.toml writes down and explains).
"""

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(db, settings):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from taza.wsgi import application

    settings.TAZA_INTAKE_RATE = "100000/m"  # the fuzzer is one client sending many requests
    # As Django's test client does: keep the test's database connection open between requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    config = SchemathesisConfig.from_path(Path(__file__).parents[3] / "schemathesis.toml")
    yield schemathesis.openapi.from_wsgi("/api/schema/", application, config=config)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _credentials(cast: Any, role: str) -> dict[str, str]:
    """Return the headers of one role: none, or the role's API token."""
    from rest_framework.authtoken.models import Token

    if role == "anonymous":
        return {}
    key = Token.objects.get_or_create(user=getattr(cast, role))[0].key
    return {"Authorization": f"Token {key}"}


schema = schemathesis.pytest.from_fixture("api_schema")


def _fuzz_as(role: str, examples: int) -> Any:
    """Make the fuzz test for one role (schemathesis cannot take a parametrized fixture).

    Anyone and the administrator (who may call everything) get the most examples per
    operation; the roles between them, which differ in what they are refused, fewer.
    """

    @schema.parametrize()
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    def test(case, cast):
        case.call_and_validate(headers=_credentials(cast, role))

    return test


test_the_api_answers_as_described_to_anyone = _fuzz_as("anonymous", 12)
test_the_api_answers_as_described_to_a_citizen = _fuzz_as("citizen", 6)
test_the_api_answers_as_described_to_an_operator = _fuzz_as("astana_operator", 6)
test_the_api_answers_as_described_to_an_executor = _fuzz_as("executor", 6)
test_the_api_answers_as_described_to_an_analyst = _fuzz_as("analyst", 6)
test_the_api_answers_as_described_to_an_administrator = _fuzz_as("admin", 12)
