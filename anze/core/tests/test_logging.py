"""JSON log lines (ANZE_LOG_FORMAT=json): each line of a request carries its id, user, organisation, path,
status and duration; the id comes from X-Request-ID when it is a plain token and is echoed back."""

from __future__ import annotations

import io
import json
import logging

import pytest

from anze.core.logging import JsonFormatter
from anze.core.sides import Side


@pytest.fixture
def json_lines(settings):
    settings.LOG_FORMAT = "json"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("anze.request")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    logger.removeHandler(handler)
    logger.setLevel(previous)


@pytest.mark.django_db
def test_a_signed_in_request_logs_one_json_line_with_its_context(make_personas, json_lines) -> None:
    personas = make_personas(Side.INSURER)
    client = personas.client(personas.admin)
    response = client.get("/insurer/", headers={"X-Request-ID": "lb-7f3a.1"})
    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-7f3a.1"
    (line,) = json_lines()
    assert line["request_id"] == "lb-7f3a.1"
    assert line["user_id"] == personas.admin.pk
    assert line["organisation_id"] == personas.org.pk
    assert line["path"] == "/insurer/"
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["logger"] == "anze.request"
    assert line["time"].endswith("+00:00")


@pytest.mark.django_db
def test_a_request_id_that_could_break_a_log_line_is_replaced(client, json_lines) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": 'x" \n{"user_id": 1}'})
    generated = response["X-Request-ID"]
    assert len(generated) == 32 and generated.isalnum()
    (line,) = json_lines()
    assert line["request_id"] == generated
    assert "user_id" not in line  # anonymous


def test_a_line_outside_a_request_has_no_request_fields() -> None:
    record = logging.LogRecord("anze.x", logging.ERROR, __file__, 1, "失败 %s", ("原因",), None)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "失败 原因"
    assert "request_id" not in line
