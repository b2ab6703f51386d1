"""Schemathesis against the API's own schema, in-process (the Django WSGI app): every operation, bounded examples,
0 server errors, every answer conforming to the schema (status, media type, body, headers). Bodies reach the
workflow: a path's 申请编号, 批改, 报案号 or 冲正 is a real one of the key's insurer (``seed``)."""

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
    """Only who the objects need: the insurer's 管理员 (the key's creator) and the applicant."""
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
def seeds() -> dict[str, str]:
    return {}


def seed(cast, online, name: str, path: str) -> str:  # type: ignore[no-untyped-def]
    """A real object of the key's insurer for the path parameter ``name`` of the operation at ``path``, in the
    state its first step wants: an order waiting for its quote (an issued policy's order under /policies), a
    批改 waiting for review (a 退保 for 退保审核), a claim reported, a 冲正 asked by another clerk (the key's
    creator may review it)."""
    from anze.claims import scenarios as claims
    from anze.endorsements import scenarios as endorsements
    from anze.policies import reversal
    from anze.policies.tests.reversal_scenarios import requester_of

    if name == "application_no":
        if path.startswith(f"{V1}/policies"):
            return cast.policy().order.application_no
        return online(until=OrderStatus.AWAITING_QUOTE).application_no
    if name == "endorsement_uuid":
        if path.endswith("/surrender-review"):
            return str(endorsements.surrender(cast.policy(), cast.applicant).uuid)
        return str(endorsements.apply(cast.policy(), cast.applicant).uuid)
    if name == "report_no":
        return claims.report(cast.policy(), cast.applicant).report_no
    if name == "reversal_uuid":
        asked = reversal.reversal_request(
            policy=cast.policy(), actor=requester_of(cast.insurer), reason="录错"
        )
        return str(asked.uuid)
    raise AssertionError(f"no seed for {name}")


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_request_as_its_schema_says(case, token, cast, online, seeds):  # type: ignore[no-untyped-def]
    # The objects are made at the operation's first example (hypothesis runs this body per example) and kept.
    for name in ("application_no", "endorsement_uuid", "report_no", "reversal_uuid"):
        if name in (case.path_parameters or {}):
            if name not in seeds:
                seeds[name] = seed(cast, online, name, case.path)
            case.path_parameters[name] = seeds[name]
    if case.method == "POST" and case.path == f"{V1}/claims" and isinstance(case.body, dict):
        # 电话报案 on a policy of the insurer, so that the accident's own checks are reached.
        if "policy_no" not in seeds:
            seeds["policy_no"] = cast.policy().policy_no
        case.body["policy_no"] = seeds["policy_no"]
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    case.call_and_validate(checks=CHECKS)
