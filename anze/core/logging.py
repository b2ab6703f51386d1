"""Logs as JSON lines (``ANZE_LOG_FORMAT=json``), each with the request it belongs to.

:class:`RequestLogMiddleware` gives every request an id (the proxy's ``X-Request-ID`` when it is a plain
token, else a new one), echoes it in the response's ``X-Request-ID`` header, keeps the request in a context
variable while it runs, and writes one ``anze.request`` line when it ends (status and duration).
:class:`JsonFormatter` reads the context variable, so every line logged while a request runs carries its id,
path, user id and organisation id.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

request_logger = logging.getLogger("anze.request")

# A client-supplied id is kept only when it cannot break a log line or a header.
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestContext:
    __slots__ = ("request", "request_id")

    def __init__(self, request: HttpRequest, request_id: str) -> None:
        self.request = request
        self.request_id = request_id

    def fields(self) -> dict[str, Any]:
        request = self.request
        fields: dict[str, Any] = {
            "request_id": self.request_id,
            "method": request.method,
            "path": request.path,
        }
        user = _user_if_loaded(request)
        if user is not None and user.is_authenticated:
            fields["user_id"] = user.pk
            fields["organisation_id"] = getattr(user, "organisation_id", None)
        return fields


current_request: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "anze_current_request", default=None
)


def _user_if_loaded(request: HttpRequest) -> Any:
    """request.user when the authentication middleware has already loaded it: a log line never queries the
    database (a query would log, and the formatter would run again)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)  # SimpleLazyObject until first touched
    return None if wrapped is empty else wrapped


def request_id_for(request: HttpRequest) -> str:
    supplied = request.headers.get("X-Request-ID", "")
    return supplied if REQUEST_ID_PATTERN.match(supplied) else uuid.uuid4().hex


class RequestLogMiddleware:
    """First in MIDDLEWARE: the id and the context cover everything the request does."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(request, request_id_for(request))
        request.request_id = context.request_id  # type: ignore[attr-defined]
        token = current_request.set(context)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = context.request_id
            if settings.LOG_FORMAT == "json":  # the plain format has runserver's own access lines
                if response.status_code >= 500:
                    level = logging.ERROR
                elif response.status_code >= 400:
                    level = logging.WARNING
                else:
                    level = logging.INFO
                request_logger.log(
                    level,
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "status": response.status_code,
                        "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            current_request.reset(token)


# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is written out.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the request's fields, the
    fields passed with ``extra=`` and the exception's traceback, if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = current_request.get()
        if context is not None:
            line.update(context.fields())
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_") and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)
