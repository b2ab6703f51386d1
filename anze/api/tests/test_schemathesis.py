"""Schemathesis against the API's own schema, in-process (the Django WSGI app): every operation, bounded examples,
0 server errors, every answer conforming to the schema (status, media type, body, headers). Bodies reach the
workflow: a path's 申请编号 is a real order of the key's insurer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as openapi_checks

from anze.api.endpoints import api
from anze.orders.models import OrderStatus

from .conftest import V1

pytestmark = pytest.mark.django_db

# The schema the API serves at /api/v1/openapi.json, called through the WSGI application in this process.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()
schema.location = f"{V1}/openapi.json"

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
]


@pytest.fixture
def cast(cast):  # type: ignore[no-untyped-def]
    """Only who the orders need: the insurer's 管理员 (the key's creator) and the applicant."""
    return cast.on_stage("clerk", "applicant")


@pytest.fixture
def token(cast, token_for) -> Iterator[str]:  # type: ignore[no-untyped-def]
    # The WSGI handler closes the database connection after each request, which would end the test's
    # transaction: as Django's test client does, keep it open while the test runs.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield token_for()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def numbers() -> list[str]:
    return []


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_request_as_its_schema_says(case, token, cast, online, numbers):  # type: ignore[no-untyped-def]
    if "application_no" in (case.path_parameters or {}):
        # Made at the operation's first example (hypothesis runs this body per example): an issued policy's order
        # for the policies, an order waiting for its quote for the others.
        if not numbers:
            policies = case.path.startswith(f"{V1}/policies")
            numbers.append(
                (cast.policy().order if policies else online(until=OrderStatus.AWAITING_QUOTE)).application_no
            )
        case.path_parameters["application_no"] = numbers[0]
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    case.call_and_validate(checks=CHECKS)
